"""Danish first, English on request, Danish formats."""

import datetime

import pytest
from django.urls import reverse
from django.utils import formats, translation

pytestmark = pytest.mark.django_db


def test_pages_are_danish_even_for_an_english_browser(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    page = response.content.decode()
    assert '<html lang="da">' in page
    assert "Log ind" in page


def test_language_switcher_turns_the_interface_english_and_back(client, cast):
    client.force_login(cast.coordinator_a)
    overview = reverse("bridging:coordinator_overview")
    response = client.post(reverse("set_language"), {"language": "en", "next": overview})
    assert response.status_code == 302
    assert response.url == overview
    page = client.get(overview).content.decode()
    assert '<html lang="en">' in page
    assert "Overview for Projekt A" in page

    client.post(reverse("set_language"), {"language": "da", "next": overview})
    assert "Overblik for Projekt A" in client.get(overview).content.decode()


def test_an_unknown_language_cookie_falls_back_to_danish(client):
    client.cookies["django_language"] = "xx"
    assert '<html lang="da">' in client.get(reverse("login")).content.decode()


def test_dates_and_numbers_use_danish_formats():
    with translation.override("da"):
        assert formats.date_format(datetime.date(2026, 11, 26)) == "26. november 2026"
        assert formats.number_format(
            1234567.5, decimal_pos=1, use_l10n=True, force_grouping=True
        ) == ("1.234.567,5")


def test_ids_past_a_thousand_render_as_plain_digits_in_forms(client, cast):
    """A regression: with thousand separators on, hidden ids rendered as "1.234"."""
    from tests.factories import EnrolmentFactory

    big = EnrolmentFactory(id=12345, course=cast.course_a, participant__organisation=cast.project_a)
    client.force_login(cast.instructor_a)
    page = client.get(cast.session_a.get_absolute_url()).content.decode()
    assert f'name="enrolment" value="{big.pk}"' in page
    assert big.pk == 12345


def _in_english(client, user):
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})


def test_the_confirmations_of_agreements_and_local_records_follow_the_chosen_language(client, cast):
    # Written when the request is answered, not once when the module was first imported.
    _in_english(client, cast.coordinator_a)
    url = reverse("partnerships:agreement_transition", args=[cast.agreement_a.pk, "send"])
    page = client.post(url, follow=True).content.decode()
    assert "The agreement is sent for signing." in page
    _in_english(client, cast.plan_coordinator)
    url = reverse(
        "partnerships:local_partnership_record", args=[cast.local_partnership.pk, "level"]
    )
    data = {"level": "1", "changed_on": "2025-03-01", "reason": "Sundhedstjek"}
    page = client.post(url, data, follow=True).content.decode()
    assert "The collaboration level is recorded." in page
