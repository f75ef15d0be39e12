"""The instructor's calendar feed at a secret, revocable address."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from bridging.models import CalendarFeed

pytestmark = pytest.mark.django_db


def feed_url(feed):
    return reverse("bridging:calendar_feed", args=[feed.token])


def test_feed_is_valid_icalendar_with_the_instructors_sessions_only(client, cast):
    response = client.get(feed_url(cast.feed_a))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Hold A"]
    start = events[0].decoded("dtstart")
    assert start.isoformat() == "2026-11-25T10:00:00+01:00"
    assert "Alma" not in response.content.decode()  # no participant data in the feed


def test_an_unknown_token_is_404(client, cast):
    assert client.get(reverse("bridging:calendar_feed", args=["wrong"])).status_code == 404


def test_renewing_makes_the_old_address_stop_working(client, cast):
    old = feed_url(cast.feed_a)
    client.force_login(cast.instructor_a)
    client.post(reverse("bridging:calendar_settings"), {"action": "renew"})
    assert client.get(old).status_code == 404
    assert client.get(feed_url(CalendarFeed.objects.get(user=cast.instructor_a))).status_code == 200


def test_revoking_turns_the_feed_off(client, cast):
    old = feed_url(cast.feed_a)
    client.force_login(cast.instructor_a)
    client.post(reverse("bridging:calendar_settings"), {"action": "revoke"})
    assert not CalendarFeed.objects.filter(user=cast.instructor_a).exists()
    assert client.get(old).status_code == 404


def test_a_deactivated_instructors_feed_stops(client, cast):
    cast.instructor_a.is_active = False
    cast.instructor_a.save(update_fields=["is_active"])
    assert client.get(feed_url(cast.feed_a)).status_code == 404


def test_settings_page_shows_the_address(client, cast):
    client.force_login(cast.instructor_a)
    page = client.get(reverse("bridging:calendar_settings")).content.decode()
    assert cast.feed_a.token in page
