"""Every page read with odd query strings is answered, never a server error: page numbers far
past the end, negative, not numbers or larger than the database's integers, and the page's own
filter parameters with values they do not expect. Its address with an id larger than the
database's integers is a 404. Each GET URL of the URL x role matrix, as the
first role that may read it (the pages are found as the odd-posts test finds its forms)."""

import re

import pytest

from tests.test_fuzz_forms import CANDIDATES, get_pages, page_as

pytestmark = pytest.mark.django_db

HUGE = "9" * 30  # more than a 64-bit integer
PAGE_VALUES = [HUGE]
ODD_VALUES = [HUGE]
PARAMETER = re.compile(r'<(?:input|select)\b[^>]*\bname="([^"]+)"')
LINK_PARAMETER = re.compile(r'href="[^"]*\?([^"#]*)"')


def _pages(client, cast):
    for name, url in get_pages(cast):
        for role in CANDIDATES:
            page = page_as(client, cast, role, url, content_type="")
            if page is not None:
                yield name, url, role, page
                break


def _parameters(page: str) -> set[str]:
    """The names the page itself reads from its query string: its GET forms' fields and the
    parameters of its own links (page numbers of each list, filters)."""
    names = set()
    for attributes, inside in re.findall(r"<form\b([^>]*)>(.*?)</form>", page, re.DOTALL):
        if 'method="post"' not in attributes:
            names |= set(PARAMETER.findall(inside))
    for query in LINK_PARAMETER.findall(page):
        names |= {part.split("=")[0] for part in query.replace("&amp;", "&").split("&") if part}
    return names - {"csrfmiddlewaretoken", "next", "language"}


def test_odd_query_strings_never_give_a_server_error(client, cast):
    client.raise_request_exception = False
    problems, pages = [], 0
    for name, url, role, page in _pages(client, cast):
        pages += 1
        client.force_login(cast.user(role))
        parameters = _parameters(page) | {"page"}
        for parameter in sorted(parameters):
            values = PAGE_VALUES if "page" in parameter else ODD_VALUES
            for value in values:
                response = client.get(url, {parameter: value})
                if response.status_code >= 500:
                    problems.append((name, f"{parameter}={value[:40]}", response.status_code))
        if re.search(r"/\d+/", url):
            response = client.get(re.sub(r"/\d+/", f"/{HUGE}/", url, count=1))
            if response.status_code != 404:
                problems.append((name, "an id past the integers", response.status_code))
    assert problems == []
    assert pages >= 40  # the sweep reached the pages
