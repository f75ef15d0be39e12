"""Raw values from the address or a post, checked before a view uses them."""

MAX_ID = 2**63 - 1


def id_param(value) -> int | None:
    """A database id given as text ('12'), or None for anything else ('abc', '²', '-1', '1.5',
    a number too large for the database)."""
    text = str(value or "")
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None
