"""Links for every row of a list, reversed once."""

from django.urls import reverse


def url_for_each(viewname: str, *args):
    """`reverse(viewname, args=[*args, pk])` as a function of `pk`, reversing once: a list that
    links each of its rows (or a page of them) pays for one reverse, not one per row. For URLs
    whose last argument is an `int` primary key (never 0, the placeholder)."""
    prefix, _placeholder, suffix = reverse(viewname, args=[*args, 0]).rpartition("/0/")
    return lambda pk: f"{prefix}/{int(pk)}/{suffix}"
