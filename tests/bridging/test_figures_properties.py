"""Properties of the figures over random journeys: each funnel stage is at most the one it
builds on, no rate passes 100 %, "last attended" is never in the future, the run of absences
is the one counted by hand, and the exit-ready rule gives the same answer in Python (the
pages) and in SQL (the funnel, the programme page)."""

import datetime

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from bridging import figures, readiness
from bridging.funnel import FOLLOW_UP_MONTHS, funnel
from bridging.handovers import add_months
from bridging.models import (
    INDICATORS,
    Assessment,
    Attendance,
    Enrolment,
    FollowUp,
    Handover,
    HandoverParticipant,
    Session,
)
from tests.factories import CourseFactory, OfferFactory, ParticipantFactory, ProgrammeFactory

FIELDS = [i.field for i in INDICATORS]
STAGES = ["none", "proposed", "sent", "declined", "accepted", "started"]

person = st.fixed_dictionaries(
    {
        "status": st.sampled_from(["enrolled", "completed", "withdrawn", "waitlisted"]),
        "marks": st.lists(st.sampled_from(["present", "absent", "excused", None]), max_size=5),
        "future_mark": st.booleans(),
        "scores": st.none() | st.lists(st.integers(1, 4), min_size=8, max_size=8),
        "stage": st.sampled_from(STAGES),
        "started_days_ago": st.integers(0, 500),
        "answers": st.lists(
            st.sampled_from(["", "active", "stopped", "unknown"]), min_size=3, max_size=3
        ),  # fmt: skip
    }
)
journeys = st.fixed_dictionaries(
    {
        "held": st.integers(0, 5),
        "minimum": st.integers(1, 4),
        "minimum_attendance": st.integers(0, 100),
        "people": st.lists(person, min_size=1, max_size=6),
    }
)


def build(journey):
    today = timezone.localdate()
    programme = ProgrammeFactory(readiness_threshold=journey["minimum"],
                                 minimum_attendance=journey["minimum_attendance"])  # fmt: skip
    course = CourseFactory(programme=programme)
    held = [
        Session.objects.create(
            course=course,
            date=today - datetime.timedelta(days=7 * (n + 1)),
            start_time="10:00",
            end_time="11:00",
        )  # fmt: skip
        for n in range(journey["held"])
    ]
    future = Session.objects.create(course=course, date=today + datetime.timedelta(days=7),
                                    start_time="10:00", end_time="11:00")  # fmt: skip
    offer = OfferFactory()
    handover = Handover.objects.create(course=course, mode="group", offer=offer,
                                       receiver=offer.organisation)  # fmt: skip
    for spec in journey["people"]:
        participant = ParticipantFactory(organisation=programme.organisation)
        enrolment = Enrolment.objects.create(
            course=course, participant=participant, status=spec["status"],
            withdrawn_reason="Syg" if spec["status"] == "withdrawn" else "",
        )  # fmt: skip
        for session, mark in zip(held, spec["marks"], strict=False):
            if mark:
                Attendance.objects.create(session=session, enrolment=enrolment, status=mark)
        if spec["future_mark"]:
            Attendance.objects.create(session=future, enrolment=enrolment, status="present")
        if spec["scores"]:
            Assessment.objects.create(enrolment=enrolment, source="staff", kind="end",
                                      assessed_on=today,
                                      **dict(zip(FIELDS, spec["scores"], strict=True)))  # fmt: skip
        if spec["stage"] == "none" or spec["status"] == "waitlisted":
            continue
        started_on = today - datetime.timedelta(days=spec["started_days_ago"])
        member = HandoverParticipant.objects.create(
            handover=handover, participant=participant, enrolment=enrolment,
            status=spec["stage"], decline_reason="full" if spec["stage"] == "declined" else "",
            started_on=started_on if spec["stage"] == "started" else None,
        )  # fmt: skip
        if spec["stage"] == "started":
            for months, answer in zip(FOLLOW_UP_MONTHS, spec["answers"], strict=True):
                due_on = add_months(started_on, months)
                FollowUp.objects.create(member=member, months=months, due_on=due_on,
                                        answer=answer if due_on <= today else "")  # fmt: skip
    return course


def absences_since_last_present(spec, journey) -> int:
    """The run of absences worked out by hand: the absent marks of held sessions after the
    latest present one (an excused or missing mark neither breaks nor lengthens it)."""
    newest_first = spec["marks"][: journey["held"]]  # build() dates the first mark latest
    run = 0
    for mark in newest_first:
        if mark == "present":
            break
        run += mark == "absent"
    return run


class FiguresOverRandomJourneys(TestCase):
    @settings(max_examples=30, deadline=None,
              suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
    @given(journeys)
    def test_the_figures_hold_in_any_journey(self, journey):
        course = build(journey)
        enrolments = Enrolment.objects.filter(course=course)
        result = funnel(enrolments)
        count = {stage["key"]: stage for stage in result["stages"]}
        chain = ["enrolled", "completed", "handed_over", "accepted", "started"]
        for smaller, larger in zip(chain[1:], chain, strict=False):
            assert count[smaller]["count"] <= count[larger]["count"]
        assert count["exit_ready"]["count"] <= count["completed"]["count"]
        for months in FOLLOW_UP_MONTHS:
            stage = count[f"active_{months}"]
            assert stage["count"] <= stage["due"] <= count["started"]["count"]
            assert stage["not_due"] >= 0
        for stage in result["stages"]:
            for share in (stage["of_enrolled"], stage["of_previous"]):
                assert share is None or 0 <= share <= 100

        today = timezone.localdate()
        found = figures.attendance_figures(enrolments)
        in_sql = figures.exit_ready_ids(enrolments)
        ordered = enrolments.select_related("course__programme").order_by("pk")
        for enrolment, spec in zip(ordered, journey["people"], strict=True):
            numbers = found[enrolment.pk]
            assert numbers.present_count <= numbers.held_sessions == journey["held"]
            assert numbers.consecutive_absences == absences_since_last_present(spec, journey)
            assert numbers.rate is None or 0 <= numbers.rate <= 100
            assert numbers.last_attended is None or numbers.last_attended <= today
            latest = Assessment.objects.filter(enrolment=enrolment, source="staff").last()
            verdict = readiness.evaluate(
                assessment=latest, figures=numbers, programme=enrolment.course.programme
            )
            assert verdict.exit_ready == (enrolment.pk in in_sql)
