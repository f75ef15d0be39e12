"""Links for every row of a list, reversed once."""

from django.urls import reverse


def url_for_each(viewname: str, *args, then=()):
    """`reverse(viewname, args=[*args, pk, *then])` as a function of `pk`, reversing once: a
    list that links each of its rows (or a page of them) pays for one reverse, not one per row.
    For URLs whose last argument is an `int` primary key (never 0, the placeholder), or is
    followed only by the arguments `then` (slugs, never "0")."""
    prefix, _placeholder, suffix = reverse(viewname, args=[*args, 0, *then]).rpartition("/0/")
    return lambda pk: f"{prefix}/{int(pk)}/{suffix}"
