"""The printable attendance sheet of a course: names down, dates across, the marks so far."""

import datetime

import pytest
from django.urls import reverse

from bridging import services
from bridging.models import Session
from tests.factories import EnrolmentFactory, SessionFactory

pytestmark = pytest.mark.django_db


def sheet(client, user, course):
    client.force_login(user)
    return client.get(reverse("bridging:attendance_sheet", args=[course.pk]))


def test_sheet_has_the_team_down_and_the_dates_across_with_the_marks(client, cast):
    later = SessionFactory(course=cast.course_a, date=datetime.date(2026, 12, 2))
    SessionFactory(course=cast.course_a, date=datetime.date(2026, 12, 9), status="cancelled",
                   cancel_reason="Hallen er lukket")  # fmt: skip
    other = EnrolmentFactory(course=cast.course_a, participant__organisation=cast.project_a,
                             participant__first_name="Bent")  # fmt: skip
    EnrolmentFactory(course=cast.course_a, participant__organisation=cast.project_a,
                     participant__first_name="Waltraud", status="waitlisted")  # fmt: skip
    services.attendance_mark(session=cast.session_a, enrolment=cast.enrolment_a,
                             status="present", user=cast.instructor_a)  # fmt: skip
    services.attendance_mark(session=cast.session_a, enrolment=other, status="absent",
                             user=cast.instructor_a)  # fmt: skip
    response = sheet(client, cast.instructor_a, cast.course_a)
    assert response.status_code == 200
    [page] = response.context["sheets"]
    assert [s.pk for s in page["sessions"]] == [cast.session_a.pk, later.pk]  # not cancelled
    assert [(str(p), cells) for p, cells in page["rows"]] == [
        (str(cast.participant_a), ["✓", ""]),
        (str(other.participant), ["÷", ""]),
    ]  # the waitlist is not on the sheet
    html = response.content.decode()
    assert "Fremmødeliste: Hold A" in html
    assert "Ny hofte." not in html  # nothing but names and marks


def test_a_long_course_prints_twelve_dates_a_page(client, cast):
    for week in range(1, 14):
        SessionFactory(course=cast.course_a, date=datetime.date(2027, 1, 6) +
                       datetime.timedelta(weeks=week))  # fmt: skip
    count = Session.objects.filter(course=cast.course_a).count()
    sheets = sheet(client, cast.coordinator_a, cast.course_a).context["sheets"]
    assert [len(s["sessions"]) for s in sheets] == [12, count - 12]


def test_the_course_page_links_to_the_sheet(client, cast):
    client.force_login(cast.coordinator_a)
    page = client.get(cast.course_a.get_absolute_url()).content.decode()
    assert reverse("bridging:attendance_sheet", args=[cast.course_a.pk]) in page


@pytest.mark.parametrize("extra", [0, 20])
def test_attendance_sheet_query_budget(client, cast, django_assert_num_queries, extra):
    for n in range(extra):
        enrolment = EnrolmentFactory(course=cast.course_a, participant__organisation=cast.project_a)
        session = SessionFactory(course=cast.course_a, date=datetime.date(2026, 9, 2) -
                                 datetime.timedelta(weeks=n))  # fmt: skip
        services.attendance_mark(session=session, enrolment=enrolment, status="present",
                                 user=cast.instructor_a)  # fmt: skip
    client.force_login(cast.instructor_a)
    # 1 session, 2 user, 3 own memberships, 4 the course, 5 roster, 6 sessions, 7 marks
    with django_assert_num_queries(7):
        assert (
            client.get(reverse("bridging:attendance_sheet", args=[cast.course_a.pk])).status_code
            == 200
        )
