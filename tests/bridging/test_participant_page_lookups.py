"""The participant page's prepared lookups (common.prepared, built once per process and
shape): the participant with their status (`_get_participant_for_user`), their enrolments each
marked `visible` (`_journey`), and their handover history with each handover's `is_open` and
`visible` (`_handover_history`). Each finds exactly what the querysets they stand for find, for
every kind of user."""

import pytest
from django.http import Http404

from bridging.models import Enrolment, HandoverParticipant
from bridging.participant_hooks import _annotated_history, _handover_history, _journey
from participants.models import Participant
from participants.views import _get_participant_for_user
from partnerships.models import Membership
from tests.factories import EnrolmentFactory, MembershipFactory, ParticipantFactory, request_of

pytestmark = pytest.mark.django_db

Role = Membership.Role


def _users(cast):
    # Coordinating project B and teaching in project A (whose instructors see everyone);
    # staff of the association project A hands over to and coordinator of project B; an
    # instructor of project B (who sees only whom they teach); a superuser; a deactivated one.
    teaching_too = cast.coordinator_b
    MembershipFactory(user=teaching_too, organisation=cast.project_a, role=Role.INSTRUCTOR)
    staff_too = MembershipFactory(
        user=cast.staff_b, organisation=cast.project_b, role=Role.COORDINATOR
    ).user
    superuser = type(teaching_too).objects.create_superuser("root", "root@example.org", "x")
    deactivated = MembershipFactory(organisation=cast.project_a, role=Role.COORDINATOR).user
    type(deactivated).objects.filter(pk=deactivated.pk).update(is_active=False)
    deactivated.refresh_from_db()
    return [
        cast.coordinator_a,
        cast.instructor_a,
        cast.coordinator_b,
        cast.instructor_b,
        cast.staff_a,
        staff_too,
        cast.outsider,
        superuser,
        deactivated,
    ]


def test_the_participant_is_found_as_the_scope_finds_them_for_every_kind_of_user(
    cast, django_assert_num_queries
):
    taught = EnrolmentFactory(
        course=cast.course_b, participant__organisation=cast.project_b
    ).participant
    untaught = ParticipantFactory(organisation=cast.project_b)
    participants = [cast.participant_a, cast.participant_b, taught, untaught]
    found = 0
    for user in _users(cast):
        for participant in participants:
            expected = (
                Participant.objects.visible_to(user)
                .with_kept_status()
                .filter(pk=participant.pk)
                .first()
            )
            try:
                got = _get_participant_for_user(request_of(user), participant.pk)
            except Http404:
                got = None
            assert (got and got.pk) == (expected and expected.pk), (user, participant)
            if got is None:
                continue
            found += 1
            assert (got.status, got.first_name) == (expected.status, expected.first_name)
            with django_assert_num_queries(0):
                name = got.organisation.name  # read with the participant
            assert name == expected.organisation.name
            every = _journey(request_of(user), got) and got.__dict__["_enrolments_with_marks"]
            visible = set(
                Enrolment.objects.visible_to(user)
                .filter(participant=participant)
                .values_list("pk", flat=True)
            )
            assert [(e.pk, e.visible) for e in every] == [
                (pk, pk in visible)
                for pk in Enrolment.objects.filter(participant=participant)
                .order_by("-course__start_date", "-pk")
                .values_list("pk", flat=True)
            ], (user, participant)
    # coordinator A: a; instructor A: a (sees all of A); coordinator B (instructor in A): all
    # four; instructor B: taught; staff B (coordinator of B): b, taught, untaught; superuser:
    # all four.
    assert found == 1 + 1 + 4 + 1 + 3 + 4


def test_the_handover_history_marks_open_and_visible_as_the_querysets_do(cast):
    earlier = cast.member_a.handover
    earlier.pk = None  # an earlier handover of the same course, declined
    earlier.save()
    other = HandoverParticipant.objects.create(
        handover=earlier,
        participant=cast.participant_a,
        enrolment=cast.enrolment_a,
        status=HandoverParticipant.Status.DECLINED,
        decline_reason=HandoverParticipant.DeclineReason.FULL,
    )
    seen = 0
    for user in _users(cast):
        request = request_of(user)
        participant = Participant.objects.get(pk=cast.participant_a.pk)
        got = _handover_history(participant, request.user)
        expected = list(
            _annotated_history(
                HandoverParticipant.objects.filter(participant=participant).order_by("pk"), user
            )
        )
        assert [(m.pk, m.is_open, m.visible) for m in got] == [
            (m.pk, m.is_open, m.visible) for m in expected
        ], user
        assert [[f.pk for f in m.follow_ups.all()] for m in got] == [
            list(m.follow_ups.values_list("pk", flat=True)) for m in expected
        ]
        seen += sum(m.visible for m in got)
    assert {cast.member_a.pk, other.pk} <= {m.pk for m in got}
    assert seen > 0
