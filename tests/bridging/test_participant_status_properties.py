"""Properties of the derived status over random journeys: every participant has exactly one
status, the counts per status add up to the participants there are, and the SQL definition
(bridging/status.py) agrees with the rules as the README states them, read here in Python."""

import datetime

from django.db.models import Count
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from bridging.models import Enrolment, FollowUp, Handover, HandoverParticipant
from participants.models import Consent, Participant
from tests.factories import (
    ConsentFactory,
    CourseFactory,
    OfferFactory,
    ParticipantFactory,
    ProgrammeFactory,
)

Status = Participant.Status
COURSE_STATES = ["planned", "running", "completed", "cancelled"]
ENROLMENT_STATES = ["enrolled", "waitlisted", "completed", "withdrawn"]
STAGES = ["proposed", "sent", "accepted", "declined", "started"]

place = st.tuples(st.sampled_from(COURSE_STATES), st.sampled_from(ENROLMENT_STATES))
bridge = st.tuples(st.sampled_from(STAGES), st.booleans())  # (stage, a follow-up said stopped)
person = st.fixed_dictionaries(
    {
        "places": st.lists(place, max_size=2, unique_by=lambda p: p[0]),
        "bridges": st.lists(bridge, max_size=2),
        "left": st.booleans(),
        "registration": st.sampled_from(["none", "active", "withdrawn", "renewed"]),
    }
)


def expected(spec):
    """The rules in words (README, "The participant's status"), first match wins."""
    registration_withdrawn = spec["registration"] == "withdrawn"
    places = [(course, enrolment) for course, enrolment in spec["places"]]
    if spec["left"] or registration_withdrawn:
        return Status.WITHDRAWN
    if any(stage == "started" and not stopped for stage, stopped in spec["bridges"]):
        return Status.CONTINUED
    if any(stage in ("sent", "accepted") for stage, _stopped in spec["bridges"]):
        return Status.HANDED_OVER
    if any(e == "enrolled" and c in ("planned", "running") for c, e in places):
        return Status.IN_COURSE
    if any(e in ("completed", "withdrawn") for _c, e in places) or any(
        stage in ("declined", "started") for stage, _stopped in spec["bridges"]
    ):
        return Status.ENDED
    return Status.RECRUITED


def build(people):
    today = timezone.localdate()
    programme = ProgrammeFactory()
    courses = {state: CourseFactory(programme=programme, status=state) for state in COURSE_STATES}
    offer = OfferFactory()
    handover = Handover.objects.create(course=courses["completed"], mode="group", offer=offer,
                                       receiver=offer.organisation)  # fmt: skip
    built = []
    for spec in people:
        participant = ParticipantFactory(
            organisation=programme.organisation,
            withdrawn_on=today if spec["left"] else None,
            withdrawn_reason="Flyttet" if spec["left"] else "",
        )
        if spec["registration"] != "none":
            consent = ConsentFactory(
                participant=participant, given_on=today - datetime.timedelta(9)
            )
            if spec["registration"] in ("withdrawn", "renewed"):
                Consent.objects.filter(pk=consent.pk).update(withdrawn_on=today)
            if spec["registration"] == "renewed":
                ConsentFactory(participant=participant, given_on=today)
        enrolment = None
        for course_state, status in spec["places"]:
            enrolment = Enrolment.objects.create(
                participant=participant, course=courses[course_state], status=status,
                withdrawn_reason="Syg" if status == "withdrawn" else "",
            )  # fmt: skip
        for number, (stage, stopped) in enumerate(spec["bridges"]):
            if enrolment is None:
                enrolment = Enrolment.objects.create(
                    participant=participant, course=courses["cancelled"], status="waitlisted"
                )
                spec["places"].append(("cancelled", "waitlisted"))
            target = handover if number == 0 else Handover.objects.create(
                course=courses["completed"], mode="group", offer=offer,
                receiver=offer.organisation,
            )  # fmt: skip
            member = HandoverParticipant.objects.create(
                handover=target, participant=participant, enrolment=enrolment, status=stage,
                decline_reason="full" if stage == "declined" else "",
                started_on=today if stage == "started" else None,
            )  # fmt: skip
            FollowUp.objects.create(member=member, months=3, due_on=today,
                                    answer="stopped" if stopped else "active")  # fmt: skip
        built.append((participant, spec))
    return programme, built


class StatusOverRandomJourneys(TestCase):
    @settings(max_examples=30, deadline=None,
              suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
    @given(st.lists(person, min_size=1, max_size=6))
    def test_every_participant_has_exactly_one_status_and_the_counts_add_up(self, people):
        programme, built = build(people)
        ours = Participant.objects.filter(organisation=programme.organisation)
        found = dict(ours.with_status().values_list("pk", "status"))
        assert len(found) == len(built)
        for participant, spec in built:
            assert found[participant.pk] in Status.values
            assert found[participant.pk] == expected(spec), spec
            # One participant read on their own (the participant page's fallback) agrees.
            alone = Participant.objects.get(pk=participant.pk)
            assert alone.get_status_display() == Status(found[participant.pk]).label
        counts = dict(ours.with_status().values_list("status").annotate(n=Count("pk")).order_by())
        assert sum(counts.values()) == len(built)
        # The coordinator's overview counts with each fact looked up participant by participant.
        by_row = ours.with_status(row_by_row=True)
        assert dict(by_row.values_list("status").annotate(n=Count("pk")).order_by()) == counts
        for status in Status:
            filtered = ours.with_status().filter(status=status)
            assert filtered.count() == counts.get(status, 0)
