"""The journey part of the status is kept on the participant (`journey_status`) by the services
that change what it is derived from (participants.hooks.refresh_status). Over random journeys,
driven step by step through those services, the kept status equals the derived one for every
participant after every step; and each service that changes a fact keeps it, one by one."""

import contextlib
import datetime
import io

from django.core.management import call_command
from django.forms.models import model_to_dict
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from bridging import handovers
from bridging import services as journey
from bridging.forms import CourseForm
from bridging.models import Enrolment, FollowUp, HandoverParticipant
from participants import services as participant_services
from participants.hooks import journey_status_expression
from participants.models import Participant
from participants.services import ParticipantError
from partnerships.models import Membership
from tests.factories import (
    CourseFactory,
    MembershipFactory,
    OfferFactory,
    ParticipantFactory,
    ProgrammeFactory,
)

Status = Participant.Status


def disagreements(participants, seen=None):
    """The participants whose kept status differs from the derived one: (pk, what differs).
    Both the status as shown (`with_kept_status()` against `with_status()`) and the kept
    journey part itself (which a withdrawn participant keeps too) against the definition.
    The kept statuses read are added to the set `seen`, if given."""
    derived = participants.with_status().annotate(journey=journey_status_expression())
    kept = dict(participants.with_kept_status().values_list("pk", "status"))
    if seen is not None:
        seen |= set(kept.values())
    found = []
    for pk, status, journey_part, stored in derived.values_list(
        "pk", "status", "journey", "journey_status"
    ):
        if (kept[pk], stored) != (status, journey_part):
            found.append((pk, {"kept": kept[pk], "derived": status, "stored": stored,
                               "journey": journey_part}))  # fmt: skip
    return found


class World:
    """A project with three courses (two places each, so waitlists happen), an offer at an
    association, and participants who consented to registration and to sharing with it."""

    def __init__(self, people: int):
        self.coordinator = MembershipFactory(role=Membership.Role.COORDINATOR)
        project = self.coordinator.organisation
        self.programme = ProgrammeFactory(organisation=project)
        self.courses = [
            CourseFactory(programme=self.programme, capacity=2, status=state)
            for state in ["running", "running", "planned"]
        ]
        self.offer = OfferFactory(free_places=None)
        self.participants = []
        self.consents = []
        for _ in range(people):
            participant = ParticipantFactory(organisation=project)
            consents = participant_services.consents_record(
                participant=participant, membership=self.coordinator,
                purposes=["registration"], organisations=[self.offer.organisation],
                given_on=timezone.localdate() - datetime.timedelta(days=300), method="paper",
            )  # fmt: skip
            self.participants.append(participant)
            self.consents.append(consents)
        self.ours = Participant.objects.filter(organisation=project)
        # Handovers sent and answered long enough ago that their follow-ups can be answered
        # (read when the world is made, not when the module is imported: a run can cross
        # Copenhagen's midnight).
        self.sent = timezone.now() - datetime.timedelta(days=200)
        self.answered = self.sent + datetime.timedelta(days=1)
        self.started = timezone.localdate() - datetime.timedelta(days=190)

    def enrolment(self, person, course):
        return Enrolment.objects.filter(
            participant=self.participants[person], course=self.courses[course]
        ).first()

    def member(self, person, *statuses):
        return (
            HandoverParticipant.objects.filter(
                participant=self.participants[person], status__in=statuses
            )
            .order_by("-pk")
            .first()
        )

    # Each step is one thing a user does through a page's service; a step the rules refuse
    # (JourneyError, ParticipantError) changes nothing, as on the page.
    def enrol(self, person, course):
        journey.enrolment_create(course=self.courses[course], participant=self.participants[person])

    def leave_course(self, person, course):
        if enrolment := self.enrolment(person, course):
            journey.enrolment_withdraw(enrolment=enrolment, reason="Syg")

    def complete(self, person, course):
        journey.course_complete(course=self.courses[course])

    def undo_completion(self, person, course):
        journey.course_complete_undo(course=self.courses[course])

    def cancel_or_reopen(self, person, course):
        course = self.courses[course]
        course.refresh_from_db()
        data = model_to_dict(course)
        data["instructors"] = [user.pk for user in data["instructors"]]
        data["status"] = "cancelled" if course.status != "cancelled" else "running"
        form = CourseForm(data, instance=course, organisation=self.programme.organisation)
        if course.status == "completed":
            return
        assert form.is_valid(), form.errors
        journey.course_update(form=form)

    def propose(self, person, course):
        # From the course they are on, or finished, most recently.
        enrolment = (
            Enrolment.objects.filter(
                participant=self.participants[person], status__in=["enrolled", "completed"]
            )
            .order_by("-pk")
            .first()
        )
        if enrolment:
            handovers.handover_propose(
                course=enrolment.course, mode="individual", enrolments=[enrolment],
                offer=self.offer, user=self.coordinator.user, overlap_reason="Igen",
            )  # fmt: skip

    def send(self, person, course):
        if member := self.member(person, "proposed"):
            handovers.handover_send(member=member, at=self.sent)

    def accept(self, person, course):
        if member := self.member(person, "sent"):
            handovers.handover_accept(
                member=member, first_session_on=self.started, buddy="",
                user=self.coordinator.user, at=self.answered,
            )  # fmt: skip

    def accept_group(self, person, course):
        if member := self.member(person, "sent"):
            handovers.handover_accept_group(
                handover=member.handover, first_session_on=self.started, buddy="",
                user=self.coordinator.user,
            )  # fmt: skip

    def decline(self, person, course):
        if member := self.member(person, "proposed", "sent"):
            handovers.handover_decline(member=member, reason="full", note="",
                                       user=self.coordinator.user)  # fmt: skip

    def start(self, person, course):
        if member := self.member(person, "accepted"):
            handovers.handover_start(
                member=member,
                # The day it was answered in Copenhagen, as the service reads it (not UTC's).
                started_on=max(self.started, timezone.localdate(member.answered_at)),
            )

    def answer_stopped(self, person, course):
        self._answer(person, FollowUp.Answer.STOPPED)

    def answer_active(self, person, course):
        self._answer(person, FollowUp.Answer.ACTIVE)

    def _answer(self, person, answer):
        follow_up = (
            FollowUp.objects.filter(member__participant=self.participants[person], answer="")
            .order_by("due_on")
            .first()
        )
        if follow_up:
            handovers.follow_up_answer(follow_up=follow_up, answer=answer, stop_reason="Flyttet",
                                       user=self.coordinator.user)  # fmt: skip

    def withdraw_sharing(self, person, course):
        participant_services.consent_withdraw(
            consent=self.consents[person][1], membership=self.coordinator, on=timezone.localdate()
        )

    def withdraw_registration(self, person, course):
        participant_services.consent_withdraw(
            consent=self.consents[person][0], membership=self.coordinator, on=timezone.localdate()
        )

    def advance(self, person, course):
        """The person's next step forward: enrol, then propose, send, accept, start and answer
        the follow-ups of a handover (stopped on the first course, active on the others)."""
        participant = self.participants[person]
        on_a_course = Enrolment.objects.filter(
            participant=participant, status__in=["enrolled", "completed"]
        )
        if not on_a_course.exists():
            return self.enrol(person, course)
        for status, step in [("proposed", self.send), ("sent", self.accept),
                             ("accepted", self.start)]:  # fmt: skip
            if self.member(person, status):
                return step(person, course)
        if FollowUp.objects.filter(member__participant=participant, answer="").exists():
            return self._answer(person, ["stopped", "active", "active"][course])
        return self.propose(person, course)

    def leave_programme(self, person, course):
        participant_services.participant_withdraw(
            participant=self.participants[person], membership=self.coordinator,
            on=timezone.localdate(), reason="Flyttet",
        )  # fmt: skip


ACTIONS = [
    "enrol", "leave_course", "complete", "undo_completion", "cancel_or_reopen", "propose",
    "send", "accept", "accept_group", "decline", "start", "answer_stopped", "answer_active",
    "withdraw_sharing", "withdraw_registration", "leave_programme", "advance",
]  # fmt: skip
# Mostly the journey forwards, so that random steps reach its later stages.
WEIGHTED = ACTIONS + ["advance"] * 24
step = st.tuples(st.sampled_from(WEIGHTED), st.integers(0, 1), st.integers(0, 2))


class KeptStatusOverRandomJourneys(TestCase):
    @settings(max_examples=15, deadline=None,
              suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
    @given(st.lists(step, min_size=8, max_size=24))
    def test_the_kept_status_equals_the_derived_one_after_every_step(self, steps):
        world = World(people=2)
        assert disagreements(world.ours) == []
        reached = set()
        for action, person, course in steps:
            with contextlib.suppress(journey.JourneyError, ParticipantError):
                getattr(world, action)(person, course)
            assert disagreements(world.ours, seen=reached) == [], (action, person, course)
        for status in reached:
            event(f"reached {status}")  # --hypothesis-show-statistics: how far journeys go


# --- Each service that changes a fact keeps the status, one by one ---------------------------


def _kept(world, person):
    return world.ours.with_kept_status().get(pk=world.participants[person].pk).status


def _step(world, action, person=0, course=0, expected=None):
    getattr(world, action)(person, course)
    assert disagreements(world.ours) == []
    if expected is not None:
        assert _kept(world, person) == expected, action


def test_a_whole_journey_keeps_the_status_at_every_step(db):
    world = World(people=2)
    _step(world, "enrol", expected=Status.IN_COURSE)
    _step(world, "enrol", 1, expected=Status.IN_COURSE)
    _step(world, "complete", expected=Status.ENDED)  # course 0: both completed
    _step(world, "undo_completion", 1, expected=Status.IN_COURSE)
    _step(world, "complete", 1, expected=Status.ENDED)
    _step(world, "propose", expected=Status.ENDED)  # proposed: not yet handed over
    _step(world, "send", expected=Status.HANDED_OVER)
    _step(world, "accept", expected=Status.HANDED_OVER)
    _step(world, "start", expected=Status.CONTINUED)
    _step(world, "answer_stopped", expected=Status.ENDED)
    _step(world, "enrol", 1, 1, expected=Status.IN_COURSE)
    _step(world, "cancel_or_reopen", 1, 1, expected=Status.ENDED)  # cancelled: withdrawn from it
    _step(world, "cancel_or_reopen", 1, 1, expected=Status.IN_COURSE)  # running again


def test_withdrawing_from_a_course_moves_the_waitlist_up_and_keeps_both_statuses(db):
    world = World(people=3)
    for person in range(3):
        world.enrol(person, 0)  # two places: the third waits
    assert [_kept(world, person) for person in range(3)] == [
        Status.IN_COURSE, Status.IN_COURSE, Status.RECRUITED,
    ]  # fmt: skip
    _step(world, "leave_course", 0, 0, expected=Status.ENDED)
    assert _kept(world, 2) == Status.IN_COURSE


def test_a_group_acceptance_and_a_decline_keep_the_status(db):
    world = World(people=2)
    world.enrol(0, 0)
    world.enrol(1, 0)
    world.propose(0, 0)
    world.propose(1, 0)
    world.send(0, 0)
    _step(world, "accept_group", 0, expected=Status.HANDED_OVER)
    _step(world, "decline", 1, expected=Status.IN_COURSE)  # declined a draft, still on course
    world.leave_course(1, 0)
    assert _kept(world, 1) == Status.ENDED


def test_withdrawing_the_consent_to_share_withdraws_the_handover_and_keeps_the_status(db):
    world = World(people=1)
    world.enrol(0, 0)
    world.propose(0, 0)
    world.send(0, 0)
    assert _kept(world, 0) == Status.HANDED_OVER
    _step(world, "withdraw_sharing", expected=Status.IN_COURSE)


def test_leaving_the_programme_is_read_live_and_takes_them_off_their_courses(db):
    world = World(people=2)
    world.enrol(0, 0)
    _step(world, "leave_programme", expected=Status.WITHDRAWN)
    participant = Participant.objects.get(pk=world.participants[0].pk)
    assert participant.journey_status == Status.ENDED  # the course left, kept underneath
    _step(world, "withdraw_registration", 1, expected=Status.WITHDRAWN)


def test_saving_a_participant_read_earlier_keeps_the_status_the_services_wrote(db):
    world = World(people=1)
    participant = Participant.objects.get(pk=world.participants[0].pk)
    world.enrol(0, 0)
    participant.first_name = "Ny"
    participant.save()
    assert Participant.objects.get(pk=participant.pk).journey_status == Status.IN_COURSE


def test_the_command_puts_right_what_was_changed_behind_the_services_back(db):
    world = World(people=2)
    world.enrol(0, 0)
    Participant.objects.filter(pk=world.participants[0].pk).update(journey_status="continued")
    Enrolment.objects.filter(participant=world.participants[1]).delete()
    Enrolment.objects.create(
        participant=world.participants[1], course=world.courses[1], status="enrolled"
    )
    assert len(disagreements(world.ours)) == 2
    out = io.StringIO()
    call_command("refresh_statuses", stdout=out)
    assert disagreements(world.ours) == []
    assert "2 status(es) corrected" in out.getvalue()
    assert _kept(world, 1) == Status.IN_COURSE


# --- The migration that filled the kept status holds its own copy of the definition ------------


def test_migrating_from_0015_fills_the_kept_status_as_refresh_status_does(live_cast, monkeypatch):
    """bridging 0016 runs a frozen copy of the definition, not the live code (which it must not
    depend on: the live hook is made to fail here); on a database of 0015 it fills every
    participant's journey part as participants.hooks.refresh_status() of today's code does."""
    from django.db import connection

    from participants import hooks

    cast = live_cast
    member = cast.member_a  # sent: handed over
    ours = {"member": member.participant_id}

    def person(key, enrolment="enrolled", course="running", member_status=None, answers=()):
        course = CourseFactory(programme=cast.programme_a, status=course)
        participant = ParticipantFactory(organisation=cast.project_a)
        reason = "Flyttet" if enrolment == "withdrawn" else ""
        enrolled = Enrolment.objects.create(
            course=course, participant=participant, status=enrolment, withdrawn_reason=reason
        )
        if member_status:
            extra = {"withdrawn_at": timezone.now()} if member_status == "withdrawn" else {}
            if member_status == "declined":
                extra["decline_reason"] = "full"
            started_on = (
                datetime.date(2026, 1, 5) if member_status in ("started", "withdrawn") else None
            )
            in_handover = HandoverParticipant.objects.create(
                handover=member.handover, participant=participant, enrolment=enrolled,
                status=member_status, started_on=started_on, **extra,
            )  # fmt: skip
            for months, answer in answers:
                FollowUp.objects.create(
                    member=in_handover, months=months, due_on="2026-04-05", answer=answer
                )
        ours[key] = participant.pk

    person("started", "completed", "completed", "started")
    person("stopped", "completed", "completed", "started", [(3, "stopped")])
    person("came back", "completed", "completed", "started", [(3, "stopped"), (6, "active")])
    person("withdrawn after starting", "completed", "completed", "withdrawn")
    person("declined", "completed", "completed", "declined")
    person("on a planned course", course="planned")
    person("waitlisted", enrolment="waitlisted")
    person("left a course", enrolment="withdrawn")
    hooks.refresh_status()
    expected = dict(Participant.objects.values_list("pk", "journey_status"))
    assert {key: expected[pk] for key, pk in ours.items()} == {
        "member": "handed_over",
        "started": "continued",
        "stopped": "ended",
        "came back": "continued",
        "withdrawn after starting": "continued",
        "declined": "ended",
        "on a planned course": "in_course",
        "waitlisted": "recruited",
        "left a course": "ended",
    }

    call_command("migrate", "bridging", "0015", verbosity=0)
    with connection.cursor() as cursor:  # nothing kept: the fill must work it all out
        cursor.execute("UPDATE participants_participant SET journey_status = 'withdrawn'")

    def live_code(*args, **kwargs):
        raise AssertionError("migration 0016 called the live refresh_status")

    monkeypatch.setattr(hooks, "refresh_status", live_code)
    call_command("migrate", "bridging", "0016", verbosity=0)
    assert dict(Participant.objects.values_list("pk", "journey_status")) == expected
    monkeypatch.undo()
    call_command("migrate", verbosity=0)
