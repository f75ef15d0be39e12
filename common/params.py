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


# Far past the end of any list: a page number above it is read as this one (the paginator then
# shows the last page), so an offset never outgrows the database's integers.
MAX_PAGE = 10**6


def page_param(value) -> int:
    """A page number given as text, 1 for anything that is not one ('abc', '-1', ''), and at
    most MAX_PAGE."""
    text = str(value or "")
    if not (text.isascii() and text.isdigit()):
        return 1
    return min(max(int(text), 1), MAX_PAGE) if len(text) <= 7 else MAX_PAGE
