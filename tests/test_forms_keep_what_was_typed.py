"""Every form that shows itself again when refused keeps what was typed (QUALITY.md, bad
input): posted with a recognisable text in each of its text fields and nothing else, it answers
with its errors in Danish, shows each text typed again, and saves nothing.

The forms are found as the odd-posts test finds them (tests/test_fuzz_forms.py): each URL of the
URL x role matrix that shows a form posting to itself, as the first role that may use it. A form
whose text fields alone are enough is saved, and is left out (nothing was refused). The inbox's
answer forms post elsewhere and come back after a redirect: tests/bridging/test_inbox_answers.py.
"""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from tests.test_fuzz_forms import CANDIDATES, fingerprint, get_pages, own_form_fields, page_as

pytestmark = pytest.mark.django_db

TEXT_FIELD = re.compile(
    r'<(?:input\b(?=[^>]*\btype="(?:text|email|tel|search)")|textarea\b)[^>]*\bname="([^"]+)"'
)
# What Django says in English; never on a Danish page.
ENGLISH = ("This field is required", "Enter a valid", "Ensure this value", "Select a valid")


def _typed(field: str) -> str:
    return f"Skrevet i {field} æøå"


def _form_pages(client, cast):
    for name, url in get_pages(cast):
        for role in CANDIDATES:
            page = page_as(client, cast, role, url)
            fields = own_form_fields(page, url, TEXT_FIELD) if page else None
            if fields:
                yield name, url, role, sorted(fields)
                break


def _refused_forms(response):
    """The bound forms with errors the page was drawn with (none: the post was accepted)."""
    if response.status_code != 200 or response.context is None:
        return []
    contexts = response.context if isinstance(response.context, list) else [response.context]
    return [
        value
        for context in contexts
        for value in context.flatten().values()
        if hasattr(value, "is_bound") and hasattr(value, "errors") and value.is_bound
        and value.errors
    ]  # fmt: skip


def test_a_refused_form_shows_what_was_typed_with_danish_errors_and_saves_nothing(client, cast):
    problems, refused = [], 0
    for name, url, role, fields in _form_pages(client, cast):
        client.force_login(cast.user(role))
        before = fingerprint()
        response = client.post(url, {field: _typed(field) for field in fields})
        forms = _refused_forms(response)
        if not forms:
            assert response.status_code in (200, 302), name
            continue  # the text fields were enough: saved, nothing refused
        refused += 1
        page = response.content.decode()
        if fingerprint() != before:
            problems.append((name, "refused but saved"))
        messages = [escape(m) for form in forms for errors in form.errors.values() for m in errors]
        if not any(message in page for message in messages):
            problems.append((name, "the errors are not shown"))
        if english := [text for text in ENGLISH if text in page]:
            problems.append((name, f"errors in English: {english}"))
        if lost := [field for field in fields if _typed(field) not in page]:
            problems.append((name, f"lost what was typed in {lost}"))
    assert problems == []
    assert refused >= 15  # the sweep reached the forms


def test_a_refused_session_log_comes_back_as_it_was_typed(client, cast):
    """The log posts to its own URL and returns to the session page: what was typed is there
    again, in the log's form with its error."""
    client.force_login(cast.instructor_a)
    session = cast.session_a
    response = client.post(
        reverse("bridging:session_log", args=[session.pk]),
        {"content": "Balance og styrke", "exit_theme": "on", "exit_note": "n" * 301},
        follow=True,
    )
    page = response.content.decode()
    assert "Denne værdi må højst have 300 tegn (den har 301)." in page
    assert "Balance og styrke</textarea>" in page
    assert f'value="{"n" * 301}"' in page
    session.refresh_from_db()
    assert (session.content, session.exit_note) == ("", "")
    # Once: the next visit shows the log as saved.
    assert "Balance og styrke" not in client.get(session.get_absolute_url()).content.decode()


def test_a_refused_continuing_offer_comes_back_with_the_organisation_and_the_activity(client, cast):
    """The whole team's offer posts to its own URL and returns to the proposing page: the
    organisation searched for or chosen and the activity chosen are there again, with the
    fields' errors in Danish, and no offer is made."""
    client.force_login(cast.coordinator_a)
    url = reverse("bridging:continuing_offer_create", args=[cast.course_a.pk])
    activity = cast.offer_a.activity_type_id
    offers_before = cast.association_a.offers.count()
    # The organisation typed but not chosen; the activity chosen.
    response = client.post(
        url, {"organisation_q": cast.association_a.name, "activity_type": activity}, follow=True
    )
    page = response.content.decode()
    assert "Vælg aftageren og aktiviteten." in page
    assert f'value="{escape(cast.association_a.name)}"' in page  # the search box, as typed
    assert f'value="{cast.association_a.pk}"' in page  # its match, to choose
    assert re.search(rf'<option value="{activity}"[^>]*selected', page)
    # The organisation chosen; the activity not.
    response = client.post(
        url, {"organisation": cast.association_a.pk, "activity_type": ""}, follow=True
    )
    page = response.content.decode()
    assert re.search(rf'name="organisation" value="{cast.association_a.pk}"[^>]*checked', page)
    assert "Dette felt er påkrævet." in page
    assert not any(text in page for text in ENGLISH)
    assert cast.association_a.offers.count() == offers_before
    # Once: the next visit shows the form empty again.
    page = client.get(reverse("bridging:handover_create", args=[cast.course_a.pk]))
    assert "Dette felt er påkrævet." not in page.content.decode()
