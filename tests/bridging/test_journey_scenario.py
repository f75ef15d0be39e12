"""The journey as a coordinator lives it, through the services only, with every funnel number
counted by hand: ten participants for eight places, a withdrawal, four held sessions, end
assessments, completion, handovers in all four modes, answers, starts and follow-ups."""

import datetime

import pytest
from django.utils import timezone

from bridging import handovers, services
from bridging.funnel import funnel
from bridging.models import INDICATORS, Assessment, FollowUp, HandoverParticipant
from tests.factories import (
    ActivityTypeFactory,
    ConsentFactory,
    CourseFactory,
    OfferFactory,
    ParticipantFactory,
)

pytestmark = pytest.mark.django_db

FIELDS = [i.field for i in INDICATORS]


def _days_ago(member, sent, answered=None):
    """Handovers answered weeks ago: the services stamp "now", so the test sets the history."""
    at = lambda days: timezone.now() - datetime.timedelta(days=days)  # noqa: E731
    stamps = {"sent_at": at(sent), **({"answered_at": at(answered)} if answered else {})}
    HandoverParticipant.objects.filter(pk=member.pk).update(**stamps)
    return HandoverParticipant.objects.get(pk=member.pk)


def test_the_journey_of_ten_participants_gives_the_funnel_counted_by_hand(cast):
    today = timezone.localdate()
    course = CourseFactory(programme=cast.programme_a, name="Hold S", status="running", weeks=4,
                           capacity=8, start_date=today - datetime.timedelta(weeks=6))  # fmt: skip
    services.sessions_generate(course=course)
    people = [ParticipantFactory(organisation=cast.project_a, first_name=f"P{n}")
              for n in range(1, 11)]  # fmt: skip
    e = {
        n: services.enrolment_create(course=course, participant=p)
        for n, p in enumerate(people, start=1)
    }
    assert [e[n].status for n in (8, 9, 10)] == ["enrolled", "waitlisted", "waitlisted"]
    services.enrolment_withdraw(enrolment=e[8], reason="Flyttet")  # P9 moves up
    for enrolment in e.values():
        enrolment.refresh_from_db()
    assert [e[n].status for n in (8, 9, 10)] == ["withdrawn", "enrolled", "waitlisted"]
    sessions = list(course.sessions.order_by("date"))
    assert len(sessions) == 4
    presence = {1: 4, 2: 4, 3: 4, 4: 4, 5: 4, 6: 4, 7: 2, 9: 3}  # of the four held sessions
    for n, present in presence.items():
        for number, session in enumerate(sessions):
            status = "present" if number < present else "absent"
            services.attendance_mark(session=session, enrolment=e[n], status=status,
                                     user=cast.instructor_a)  # fmt: skip
    scores = {n: dict.fromkeys(FIELDS, 3) for n in (1, 2, 3, 4, 5, 9)}
    scores[6] = dict.fromkeys(FIELDS, 4) | {"joy_of_movement": 1}  # held back by one indicator
    scores[7] = dict.fromkeys(FIELDS, 4)  # held back by attendance: 50 %
    for n, values in scores.items():
        Assessment.objects.create(enrolment=e[n], source="staff", kind="end", assessed_on=today,
                                  assessed_by=cast.instructor_a, **values)  # fmt: skip
    assert services.course_complete(course=course) == 8
    for n in (1, 2, 3, 4, 5, 6, 7, 9):
        e[n].refresh_from_db()

    offer = OfferFactory(organisation=cast.association_a)
    for n in (1, 2, 3, 4, 5, 6):
        ConsentFactory(participant=e[n].participant, purpose="share_contact",
                       organisation=cast.association_a)  # fmt: skip
    coordinator, staff = cast.coordinator_a, cast.staff_a

    def propose(mode, numbers, to=offer, **extra):
        handover = handovers.handover_propose(course=course, mode=mode, offer=to,
                                              enrolments=[e[n] for n in numbers],
                                              user=coordinator, **extra)  # fmt: skip
        return [handovers.handover_send(member=m) for m in handover.members.order_by("pk")]

    # Individual: P1 accepted and started 100 days ago, active at 3 months.
    (p1,) = propose("individual", [1])
    handovers.handover_accept(member=p1, first_session_on=today, buddy="Frida", user=staff)
    p1 = _days_ago(p1, sent=110, answered=105)
    handovers.handover_start(member=p1, started_on=today - datetime.timedelta(days=100))
    # Group: P2 accepted, started 100 days ago and stopped at 3 months; P3 declined (full).
    p2, p3 = propose("group", [2, 3])
    handovers.handover_accept(member=p2, first_session_on=today, buddy="Frida", user=staff)
    p2 = _days_ago(p2, sent=110, answered=105)
    handovers.handover_start(member=p2, started_on=today - datetime.timedelta(days=100))
    handovers.handover_decline(member=p3, reason="full", note="", user=staff)
    # Whole team continues: P4 started today; P5 and P6 accepted.
    continuing = handovers.continuing_offer_create(
        course=course, organisation=cast.association_a, activity_type=ActivityTypeFactory()
    )
    p4, p5, p6 = propose("team", [4, 5, 6], to=continuing)
    for member in (p4, p5, p6):
        handovers.handover_accept(member=member, first_session_on=today, buddy="B", user=staff)
    handovers.handover_start(member=p4, started_on=today)
    # Self-organised: P7 and P9 walk together from today.
    for member in propose("self_organised", [7, 9], to=None, meeting_place="Parken",
                          contact_participant=e[9].participant):  # fmt: skip
        handovers.handover_start(member=member, started_on=today)

    handovers.follow_up_answer(follow_up=FollowUp.objects.get(member=p1, months=3),
                               answer="active", stop_reason="", user=staff)  # fmt: skip
    handovers.follow_up_answer(follow_up=FollowUp.objects.get(member=p2, months=3),
                               answer="stopped", stop_reason="Flyttet", user=staff)  # fmt: skip

    result = funnel(course.enrolments.all())
    counts = {stage["key"]: stage["count"] for stage in result["stages"] + result["aside"]}
    assert counts == {
        "enrolled": 9,  # P1-P9: P8 withdrew, P10 never got a place
        "completed": 8,  # P1-P7 and P9
        "exit_ready": 6,  # P1-P5 and P9 (75 % exactly); not P6 (one indicator), P7 (50 %)
        "handed_over": 8,  # everyone who completed was sent somewhere
        "accepted": 7,  # all but P3, who was declined
        "started": 5,  # P1, P2, P4, P7, P9
        "active_3": 1,  # P1; P2 stopped
        "active_6": 0,
        "active_12": 0,
        "handed_over_not_completed": 0,
        "handed_over_not_ready": 2,  # P6 and P7
    }
    stages = {stage["key"]: stage for stage in result["stages"]}
    assert (stages["active_3"]["due"], stages["active_3"]["not_due"]) == (2, 3)
    assert (stages["active_6"]["due"], stages["active_6"]["not_due"]) == (0, 5)
    assert stages["exit_ready"]["of_previous"] == 75  # 6 of the 8 who completed
    assert stages["accepted"]["of_previous"] == 88  # 7 of 8 handed over
