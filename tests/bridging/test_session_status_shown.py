"""A session's status as the pages and the API show it follows the one definition of a held
session (figures.held_condition): cancelled, else held once it has begun, else planned. A log
written ahead does not make a session held; attendance taken without a log does not leave it
planned."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from bridging import figures
from bridging.models import Session
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sessions(cast, monkeypatch):
    # Today as the test runs (not as the module was imported: a run can cross midnight).
    today = timezone.localdate()
    noon = timezone.make_aware(datetime.datetime.combine(today, datetime.time(12, 0)))
    monkeypatch.setattr(figures, "now_local", lambda: noon)
    course = cast.course_a
    course.sessions.all().delete()

    def session(days, hour, **extra):
        return SessionFactory(course=course, date=today + datetime.timedelta(days=days),
                              start_time=datetime.time(hour), end_time=datetime.time(hour, 50),
                              **extra)  # fmt: skip

    made = {
        "last_week": session(-7, 10),  # held, attendance taken, never logged
        "this_morning": session(0, 11),  # held
        "this_afternoon": session(0, 13),  # not yet
        "next_week": session(7, 10),  # not yet, logged ahead
        "cancelled": session(-14, 10, status="cancelled", cancel_reason="Syg"),
    }
    return made


def _log_ahead(client, cast, session):
    client.force_login(cast.instructor_a)
    url = reverse("bridging:session_log", args=[session.pk])
    assert client.post(url, {"content": "Vi skal danse"}).status_code == 302


def test_the_course_page_shows_held_only_for_sessions_that_have_begun(client, cast, sessions):
    _log_ahead(client, cast, sessions["next_week"])
    client.force_login(cast.coordinator_a)
    page = client.get(cast.course_a.get_absolute_url()).content.decode()
    shown = re.findall(r"<span>(Planlagt|Gennemført|Aflyst)", page)
    # In date order: cancelled, last week, this morning, this afternoon, next week.
    assert shown[:5] == ["Aflyst", "Gennemført", "Gennemført", "Planlagt", "Planlagt"]


def test_the_session_page_shows_the_same_status(client, cast, sessions):
    _log_ahead(client, cast, sessions["next_week"])
    for key, label in (("next_week", "Planlagt"), ("last_week", "Gennemført")):
        page = client.get(sessions[key].get_absolute_url()).content.decode()
        assert f"· {label}</p>" in page


def test_the_api_counts_held_sessions_by_the_same_definition(client, cast, sessions):
    response = client.get(
        reverse("api:course_list"), HTTP_AUTHORIZATION=f"Bearer {cast.api_secret_a}"
    )
    [course] = response.json()["results"]
    assert (course["sessions_planned"], course["sessions_held"]) == (4, 2)
    assert Session.objects.filter(course=cast.course_a).count() == 5


def test_the_course_pages_session_count_leaves_out_the_cancelled(client, cast, sessions):
    client.force_login(cast.coordinator_a)
    page = client.get(cast.course_a.get_absolute_url()).content.decode()
    figure = re.search(r"Træningsgange</p>\s*<p[^>]*>(\d+)</p>\s*<p[^>]*>([^<]*)</p>", page)
    assert figure.groups() == ("4", "2 gennemført, 1 aflyst")
