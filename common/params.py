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
    """A page number given as text, read as Django's Paginator.get_page reads it but within
    bounds: 1 for what is not a whole number ('abc', ''), 0 for zero or less (the paginator
    shows the last page), at most MAX_PAGE."""
    text = str(value or "").strip()
    digits = text.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()):
        return 1
    if text.startswith("-"):
        return 0
    return MAX_PAGE if len(digits) > 7 else min(int(digits), MAX_PAGE)
