"""Every form of the project, posted with odd values from a fixed seed: never a server error,
and a post that is refused (the form shown again, or a 400, 403, 404 or 405) changes no row
(issue 12). Deterministic: the same posts on every run, a few hundred in all.

The forms are found from the URL x role matrix: each URL that shows a form posting to itself, or
that only takes a POST, is posted as the first role that may use it, with the field names of
that form (or the matrix's own payload), each value drawn from `ODD_VALUES`.
"""

import hashlib
import random
import re

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from tests.test_access_matrix import MATRIX

pytestmark = pytest.mark.django_db

POSTS_PER_FORM = 6
SEED = 20261127

ODD_VALUES = [
    "", " ", "abc", "0", "-1", "1", "2", "1.5", "²", "١٢", "99999999999999999999", "1e9",
    "x" * 5000, "<script>alert(1)</script>", "=HYPERLINK(\"http://x\")", "' OR 1=1 --",
    "0001-01-01", "9999-12-31", "2026-02-30", "2026-06-01", "31.12.2026", "25:61", "10:00",
    "on", "yes", "true", "ÆØÅ æøå 🙂", "\u202e", "\r\n", "%00", "a\x00b", "null", "[]", "{}",
]  # fmt: skip

# Not posted: logging in and out (django-axes and the session are tested elsewhere), the
# language switch, password reset mail, and Django's admin.
SKIP = {"login", "logout", "set_language", "password_reset", "password_reset_confirm",
        "admin:index"}  # fmt: skip
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.DOTALL)
ACTION = re.compile(r'\baction="([^"]*)"')
FORM_FIELD = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"')
NOT_THE_FORM = {"csrfmiddlewaretoken"}
CANDIDATES = ["coordinator_a", "instructor_a", "staff_a", "plan_coordinator"]


def _form_urls():
    for name in sorted(MATRIX):
        if name in SKIP or name.startswith("admin:"):
            continue
        yield name


def get_pages(cast):
    """(name, url) of each page of the URL x role matrix read with GET, but those in SKIP."""
    for name in _form_urls():
        method, kwargs, _data, _expected = MATRIX[name]
        if method == "get":
            yield name, reverse(name, kwargs=kwargs(cast) if kwargs else None)


def page_as(client, cast, role, url, content_type="text/html"):
    """The text of the page at `url` as `role` reads it, if it answers 200 with `content_type`
    ("": any), not streamed: else None."""
    client.force_login(cast.user(role))
    response = client.get(url)
    if (
        response.status_code != 200
        or response.streaming
        or not response.headers.get("Content-Type", "").startswith(content_type)
    ):
        return None
    return response.content.decode(errors="replace")


def own_form_fields(page, url, field=None) -> set[str]:
    """The names of the fields (`field`: a pattern; all by default) of the page's forms that
    post to the page itself."""
    fields = set()
    for attributes, inside in FORM.findall(page):
        action = ACTION.search(attributes)
        if 'method="post"' in attributes and (not action or action.group(1) in ("", url)):
            fields |= set((field or FORM_FIELD).findall(inside)) - NOT_THE_FORM
    return fields


def fingerprint():
    """A hash of every row of the project's own tables (on PostgreSQL each table's rows, whole
    and in order, hashed by the database, all tables in one query)."""
    models = [
        model
        for label in ["partnerships", "participants", "bridging", "common"]
        for model in apps.get_app_config(label).get_models()
    ]
    if connection.vendor == "postgresql":
        qn = connection.ops.quote_name
        tables = ", ".join(  # (each row's text holds its key: sorted by text, no row is lost)
            f"(SELECT md5(COALESCE(string_agg(t::text, ',' ORDER BY t::text), ''))"
            f" FROM {qn(m._meta.db_table)} t)"
            for m in models
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {tables}")
            return tuple(cursor.fetchone())  # per table, in the order of `models`
    digest = hashlib.sha256()
    for model in models:
        digest.update(model._meta.db_table.encode())
        digest.update(repr(list(model.objects.order_by("pk").values_list())).encode())
    return digest.hexdigest()


def _fields_and_user(client, cast, name):
    """The form's field names and the user who may post it, or (None, None) if no form."""
    method, kwargs, data, expected = MATRIX[name]
    url = reverse(name, kwargs=kwargs(cast) if kwargs else None)
    for role in CANDIDATES:
        user = cast.user(role)
        client.force_login(user)
        if method == "post":
            if expected.get(role, 302) not in (200, 302):
                continue
            payload = data(cast, user) if data else {}
            return url, user, sorted(payload) or ["value"]
        page = page_as(client, cast, role, url)
        fields = own_form_fields(page, url) if page else None
        if fields:
            return url, user, sorted(fields)
    return url, None, None


def _refused(response):
    """A 400, 403, 404 or 405, or the page shown again with a form's errors. (A 200 without
    errors is a success page, such as a new API token shown once.)"""
    if response.status_code in (400, 403, 404, 405):
        return True
    if response.status_code != 200 or response.context is None:
        return False
    contexts = response.context if isinstance(response.context, list) else [response.context]
    forms = [
        value
        for context in contexts
        for value in context.flatten().values()
        if hasattr(value, "is_bound") and hasattr(value, "errors")
    ]
    return any(form.is_bound and form.errors for form in forms)


def test_odd_posts_never_break_a_form_or_half_save(client, cast):
    """One cast for all forms (what an accepted post changed stays for the next form)."""
    client.raise_request_exception = False
    problems, posted = [], 0
    for name in _form_urls():
        url, user, fields = _fields_and_user(client, cast, name)
        if user is None:
            continue
        client.force_login(user)
        rng = random.Random(f"{SEED}-{name}")
        unchanged = None  # the rows' fingerprint after a refused post, if nothing wrote since
        for _ in range(POSTS_PER_FORM):
            payload = {
                field: rng.choice(ODD_VALUES)
                if rng.random() < 0.8
                else [rng.choice(ODD_VALUES), rng.choice(ODD_VALUES)]
                for field in fields
                if rng.random() < 0.85
            }
            before = unchanged or fingerprint()
            response = client.post(url, payload)
            posted += 1
            unchanged = None
            if response.status_code >= 500:
                problems.append((name, response.status_code, payload))
            elif _refused(response):
                after = fingerprint()
                if after != before:
                    problems.append((name, "refused but changed rows", payload))
                else:
                    unchanged = after  # the next post's `before`: only that post writes
    assert problems == []
    assert posted >= 250  # every form was reached
