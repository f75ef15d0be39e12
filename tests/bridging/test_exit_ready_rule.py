"""The exit-ready rule at its boundaries, in Python (readiness.evaluate) and in SQL
(figures.exit_ready_ids, which the funnel and the programme page use): both must agree."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bridging import figures, readiness
from bridging.models import INDICATORS, Assessment, Attendance
from tests.factories import CourseFactory, EnrolmentFactory, ProgrammeFactory, SessionFactory

pytestmark = pytest.mark.django_db

FIELDS = [i.field for i in INDICATORS]


def journey(*, minimum=3, minimum_attendance=75, held=4, present=3, scores=None, assessed=True):
    """One enrolment with `held` sessions in the past, `present` of them attended, and a staff
    assessment with every indicator at 3 unless `scores` says otherwise."""
    programme = ProgrammeFactory(readiness_threshold=minimum, minimum_attendance=minimum_attendance)
    enrolment = EnrolmentFactory(course=CourseFactory(programme=programme))
    today = timezone.localdate()
    for number in range(held):
        session = SessionFactory(
            course=enrolment.course, date=today - datetime.timedelta(days=7 * (number + 1))
        )
        status = "present" if number < present else "absent"
        Attendance.objects.create(session=session, enrolment=enrolment, status=status)
    if assessed:
        values = dict.fromkeys(FIELDS, 3) | (scores or {})
        Assessment.objects.create(
            enrolment=enrolment, source="staff", kind="end", assessed_on=today, **values
        )
    return enrolment


def both(enrolment):
    """(Python verdict, SQL says ready) for one enrolment."""
    figures.attach_attendance([enrolment])
    latest = (
        Assessment.objects.filter(enrolment=enrolment, source="staff")
        .order_by("assessed_on", "created_at", "pk")
        .last()
    )
    verdict = readiness.evaluate(
        assessment=latest, figures=enrolment.figures, programme=enrolment.course.programme
    )
    in_sql = enrolment.pk in figures.exit_ready_ids(type(enrolment).objects.filter(pk=enrolment.pk))
    return verdict, in_sql


@pytest.mark.parametrize(
    ("kwargs", "ready"),
    [
        ({}, True),  # every indicator exactly "mostly", 3 of 4 = 75 % exactly
        ({"scores": {"joy_of_movement": 2}}, False),  # one indicator one step short
        ({"scores": {"joy_of_movement": 1, "progress": 4, "belonging": 4}}, False),  # no mean
        ({"scores": dict.fromkeys(FIELDS, 4)}, True),
        ({"minimum": 4}, False),
        ({"minimum": 2, "scores": dict.fromkeys(FIELDS, 2)}, True),
        ({"held": 4, "present": 2}, False),  # 50 % < 75 %
        ({"held": 3, "present": 2, "minimum_attendance": 67}, False),  # 66.67 % < 67 %
        ({"held": 3, "present": 2, "minimum_attendance": 66}, True),  # 66.67 % >= 66 %
        ({"held": 0, "present": 0}, True),  # nothing held yet: attendance holds no one back
        ({"assessed": False}, False),
        ({"minimum_attendance": 0, "held": 5, "present": 0}, True),
    ],
)
def test_python_and_sql_agree_at_the_boundaries(kwargs, ready):
    verdict, in_sql = both(journey(**kwargs))
    assert verdict.exit_ready is ready
    assert in_sql is ready


def test_the_page_says_which_indicator_holds_back(client, cast):
    """All at "fully" but "not yet" on joy of movement: the mean would pass, the rule does not."""
    values = dict.fromkeys(FIELDS, 4) | {"joy_of_movement": 1}
    Assessment.objects.create(enrolment=cast.enrolment_a, source="staff", kind="end",
                              assessed_on=timezone.localdate(), **values)  # fmt: skip
    client.force_login(cast.coordinator_a)
    page = client.get(cast.participant_a.get_absolute_url()).content.decode()
    assert "Endnu ikke udslusningsparat." in page
    assert "Hun har oplevet bevægelsesglæde: endnu ikke" in page
    assert "Hun møder op og er deltagende:" not in page


def test_the_latest_assessment_decides(cast):
    cast.session_a.delete()
    earlier = dict.fromkeys(FIELDS, 4)
    Assessment.objects.create(enrolment=cast.enrolment_a, source="staff", kind="midway",
                              assessed_on=datetime.date(2026, 10, 1), **earlier)  # fmt: skip
    Assessment.objects.create(enrolment=cast.enrolment_a, source="staff", kind="end",
                              assessed_on=datetime.date(2026, 11, 1),
                              **earlier | {"belonging": 2})  # fmt: skip
    verdict, in_sql = both(cast.enrolment_a)
    assert (verdict.exit_ready, in_sql) == (False, False)


def test_programme_page_counts_the_exit_ready_per_course(client, cast):
    cast.session_a.delete()
    values = dict.fromkeys(FIELDS, 3)
    Assessment.objects.create(enrolment=cast.enrolment_a, source="staff", kind="end",
                              assessed_on=timezone.localdate(), **values)  # fmt: skip
    client.force_login(cast.coordinator_a)
    response = client.get(reverse("bridging:programme_detail", args=[cast.programme_a.pk]))
    assert response.context["courses"][0]["exit_ready"] == 1


def test_course_figures_count_each_status_and_the_exit_ready_on_the_roster():
    """figures.course_figures (the programme page): per course, the enrolled, waitlisted and
    completed, and the exit-ready among those on the roster, by the rule exit_ready_ids
    applies; a waitlisted or withdrawn enrolment with a meeting assessment is not counted."""
    ready = journey()
    course = ready.course
    completed = EnrolmentFactory(course=course, status="completed")
    not_ready = EnrolmentFactory(course=course)
    waitlisted = EnrolmentFactory(course=course, status="waitlisted")
    withdrawn = EnrolmentFactory(course=course, status="withdrawn", withdrawn_reason="Flyttet")
    for session in course.sessions.all():  # attended every session
        Attendance.objects.create(session=session, enrolment=completed, status="present")
    values = dict.fromkeys(FIELDS, 3)
    for enrolment in (completed, waitlisted, withdrawn):
        Assessment.objects.create(enrolment=enrolment, source="staff", kind="end",
                                  assessed_on=timezone.localdate(), **values)  # fmt: skip
    short = values | {"progress": 2}
    Assessment.objects.create(enrolment=not_ready, source="staff", kind="end",
                              assessed_on=timezone.localdate(), **short)  # fmt: skip
    other = journey(present=1)  # another course: attendance holds them back
    scope = type(ready).objects.filter(course__in=[course, other.course])
    counted = figures.course_figures(scope)
    on_roster = scope.filter(status__in=["enrolled", "completed"])
    assert figures.exit_ready_ids(on_roster) == {ready.pk, completed.pk}
    assert counted[course.pk] == figures.CourseFigures(
        enrolled=2, waitlisted=1, completed=1, exit_ready=2
    )
    assert counted[other.course_id] == figures.CourseFigures(enrolled=1)
    assert figures.exit_ready_per_course(on_roster) == {course.pk: 2}
