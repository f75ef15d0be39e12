"""The instructor's calendar feed at a secret, revocable address."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from bridging.models import CalendarFeed
from common.hashing import hash_secret

pytestmark = pytest.mark.django_db


def feed_url(token):
    return reverse("bridging:calendar_feed", args=[token])


def test_feed_is_valid_icalendar_with_the_instructors_sessions_only(client, cast):
    # The session today (the feed leaves out sessions more than FEED_PAST_DAYS ago): its start
    # in Copenhagen's time, with the offset of the day (+01:00 in winter, +02:00 in summer).
    today = timezone.localdate()
    cast.session_a.date = today
    cast.session_a.save(update_fields=["date"])
    response = client.get(feed_url(cast.feed_token_a))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Hold A"]
    start = events[0].decoded("dtstart")
    copenhagen = timezone.make_aware(datetime.datetime.combine(today, datetime.time(10)))
    assert start.isoformat() == copenhagen.isoformat()  # e.g. 2026-11-28T10:00:00+01:00
    assert "Alma" not in response.content.decode()  # no participant data in the feed


def test_an_unknown_token_is_404(client, cast):
    assert client.get(reverse("bridging:calendar_feed", args=["wrong"])).status_code == 404


def test_renewing_makes_the_old_address_stop_working(client, cast):
    old = feed_url(cast.feed_token_a)
    client.force_login(cast.instructor_a)
    renew = {"action": "renew", "confirm": "on"}
    response = client.post(reverse("bridging:calendar_settings"), renew, follow=True)
    new = response.context["feed_url"]
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_revoking_turns_the_feed_off(client, cast):
    old = feed_url(cast.feed_token_a)
    client.force_login(cast.instructor_a)
    client.post(reverse("bridging:calendar_settings"), {"action": "revoke", "confirm": "on"})
    assert not CalendarFeed.objects.filter(user=cast.instructor_a).exists()
    assert client.get(old).status_code == 404


def test_a_deactivated_instructors_feed_stops(client, cast):
    cast.instructor_a.is_active = False
    cast.instructor_a.save(update_fields=["is_active"])
    assert client.get(feed_url(cast.feed_token_a)).status_code == 404


# --- Only a hash of the secret is kept (issue 12, item 8) ---------------------------------------


def test_only_a_hash_of_the_secret_is_stored(cast):
    feed = CalendarFeed.objects.get(user=cast.instructor_a)
    assert feed.token_hash == hash_secret(cast.feed_token_a)
    stored = [str(value) for value in CalendarFeed.objects.values_list(flat=False).get()]
    assert not any(cast.feed_token_a in value for value in stored)


def test_the_address_is_shown_once_when_made(client, cast):
    client.force_login(cast.instructor_a)
    page = client.get(reverse("bridging:calendar_settings")).content.decode()
    assert cast.feed_token_a not in page
    assert "Din kalenderadresse virker" in page
    renew = {"action": "renew", "confirm": "on"}
    response = client.post(reverse("bridging:calendar_settings"), renew, follow=True)
    new = response.context["feed_url"]
    assert new in response.content.decode()
    assert new not in client.get(reverse("bridging:calendar_settings")).content.decode()


def test_the_migration_keeps_existing_addresses_working(transactional_db):
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    call_command("migrate", "bridging", "0005", verbosity=0)
    old_apps = (
        MigrationExecutor(connection)
        .loader.project_state(("bridging", "0005_handover_notified"))
        .apps
    )
    user = old_apps.get_model("auth", "User").objects.create(username="gammel_instruktor")
    old_apps.get_model("bridging", "CalendarFeed").objects.create(user_id=user.pk, token="gammel")
    call_command("migrate", verbosity=0)
    feed = CalendarFeed.objects.get(user_id=user.pk)
    assert feed.token_hash == hash_secret("gammel")
    assert CalendarFeed.objects.for_token("gammel").get() == feed
