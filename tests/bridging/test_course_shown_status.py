"""When a course runs: a course still "planned" whose sessions have begun is held, so every page
shows it as running ("I gang"), the work queue lists it among the courses ending soon, and the
API gives it as running, by one definition (Course.shown_status_expression). A course whose
sessions have not begun, or whose only past session was cancelled, is still planned."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from bridging.models import Course
from tests.factories import CourseFactory, EnrolmentFactory, SessionFactory

pytestmark = pytest.mark.django_db


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def _course(cast, name, *session_days, cancelled=()):
    course = CourseFactory(programme=cast.programme_a, name=name, status="planned")
    course.instructors.add(cast.instructor_a)
    for n in session_days:
        if n in cancelled:
            SessionFactory(course=course, date=days(n), status="cancelled", cancel_reason="Syg")
        else:
            SessionFactory(course=course, date=days(n))
    return course


@pytest.fixture
def courses(cast):
    cache.clear()  # the API's throttle history
    held = _course(cast, "Holdt, stadig planlagt", -7, 0, 5)
    EnrolmentFactory(course=held, participant=cast.participant_a)
    to_come = _course(cast, "Begynder snart", 2, 6)
    called_off = _course(cast, "Aflyst første gang", -3, 4, cancelled=(-3,))
    yield held, to_come, called_off
    cache.clear()


def _status_line(page, name):
    return page.split(f">{name}<", 1)[1].split("</tr>", 1)[0]


def test_a_planned_course_whose_sessions_have_begun_is_running_on_every_page(client, cast, courses):
    held, to_come, called_off = courses
    assert {c.status for c in courses} == {"planned"}  # as stored: nobody set it running
    client.force_login(cast.coordinator_a)

    page = client.get(held.get_absolute_url()).content.decode()
    assert "I gang ·" in page and "Planlagt ·" not in page
    assert reverse("bridging:handover_create", args=[held.pk]) in page  # "Hand over" offered
    page = client.get(to_come.get_absolute_url()).content.decode()
    assert "Planlagt ·" in page and reverse("bridging:handover_create", args=[to_come.pk]) not in (
        page
    )
    assert "Planlagt ·" in client.get(called_off.get_absolute_url()).content.decode()
    # Where the status is set, the coordinator is told it follows the sessions.
    form = client.get(reverse("bridging:course_update", args=[held.pk])).content.decode()
    assert "Et planlagt hold vises som i gang fra første gang." in form

    programme = client.get(cast.programme_a.get_absolute_url()).content.decode()
    assert "I gang" in _status_line(programme, held.name)
    assert "Planlagt" in _status_line(programme, to_come.name)
    assert "Planlagt" in _status_line(programme, called_off.name)

    # Courses ending soon: the held one, not the ones to come.
    queues = {
        q["key"]: q for q in client.get(reverse("bridging:coordinator_overview")).context["queues"]
    }
    assert [c.pk for c in queues["ending"]["rows"]] == [held.pk]

    # The participant's page names the course's status as the course page does.
    page = client.get(cast.participant_a.get_absolute_url()).content.decode()
    section = page.split('id="courses-heading"')[1].split("</details>")[0]
    assert "i gang" in section.split(held.name)[1].split("</li>")[0].lower()

    client.force_login(cast.instructor_a)
    page = client.get(reverse("bridging:instructor_home")).content.decode()
    assert f"{held.name}</a> · I gang" in page and f"{to_come.name}</a> · Planlagt" in page


def test_the_api_gives_and_filters_the_status_the_pages_show(client, cast, courses):
    held, to_come, _called_off = courses
    url = reverse("api:course_list")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {cast.api_secret_a}"}
    rows = {row["id"]: row["status"] for row in client.get(url, **auth).json()["results"]}
    assert rows[held.pk] == "running" and rows[to_come.pk] == "planned"
    running = client.get(url, {"status": "running"}, **auth).json()["results"]
    assert held.pk in {row["id"] for row in running}
    assert to_come.pk not in {row["id"] for row in running}
    planned = client.get(url, {"status": "planned"}, **auth).json()["results"]
    assert held.pk not in {row["id"] for row in planned}


def test_a_status_the_coordinator_set_is_shown_as_set(client, cast, courses):
    """Running set early, completed or cancelled: as the coordinator set it."""
    held, to_come, _called_off = courses
    Course.objects.filter(pk=to_come.pk).update(status="running")
    Course.objects.filter(pk=held.pk).update(status="cancelled")
    shown = dict(
        Course.objects.filter(pk__in=[held.pk, to_come.pk])
        .with_shown_status()
        .values_list("pk", "shown_status")
    )
    assert shown == {held.pk: "cancelled", to_come.pk: "running"}
