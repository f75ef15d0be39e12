"""The participants' scope reads the ids of the memberships a request has loaded (a plannable
list instead of subqueries of memberships); it must show exactly what the subqueries show."""

from participants.models import Consent, Participant
from partnerships.models import Membership
from partnerships.models.organisations import LOADED_MEMBERSHIPS
from tests.factories import (
    EnrolmentFactory,
    MembershipFactory,
    ParticipantFactory,
    UserFactory,
)

Role = Membership.Role


def _by_subquery_and_by_ids(model, user):
    by_subquery = set(model.objects.visible_to(user).values_list("pk", flat=True))
    setattr(user, LOADED_MEMBERSHIPS, list(Membership.objects.own(user)))
    try:
        by_ids = set(model.objects.visible_to(user).values_list("pk", flat=True))
    finally:
        delattr(user, LOADED_MEMBERSHIPS)
    return by_subquery, by_ids


def test_the_scope_is_the_same_with_the_memberships_read_for_the_request(cast):
    # Project B keeps its participants from its instructors: instructor B sees only whom
    # they teach: participant B, on their course; another of B's participants is on none.
    EnrolmentFactory(course=cast.course_b, participant=cast.participant_b)
    other_b = ParticipantFactory(organisation=cast.project_b)
    # Coordinator in B and instructor in A (which lets instructors see everyone).
    both = MembershipFactory(
        user=cast.coordinator_b, organisation=cast.project_a, role=Role.INSTRUCTOR
    ).user
    # Instructor in B and staff in A's association: sees B's taught participants only.
    mixed = MembershipFactory(
        user=UserFactory(username="blandet"), organisation=cast.project_b, role=Role.INSTRUCTOR
    ).user
    MembershipFactory(user=mixed, organisation=cast.association_a, role=Role.STAFF)
    cast.course_b.instructors.add(mixed)
    # Instructor B also teaches a participant of project A on B's course: not B's project,
    # so not visible.
    EnrolmentFactory(course=cast.course_b, participant=cast.participant_a)
    users = [
        cast.coordinator_a,
        cast.instructor_a,
        cast.instructor_b,
        cast.staff_a,
        cast.outsider,
        both,
        mixed,
    ]
    for user in users:
        for model in (Participant, Consent):
            by_subquery, by_ids = _by_subquery_and_by_ids(model, user)
            assert by_ids == by_subquery, (user, model)
    seen = {user: _by_subquery_and_by_ids(Participant, user)[1] for user in users}
    assert seen[cast.instructor_b] == {cast.participant_b.pk}
    assert seen[mixed] == {cast.participant_b.pk}
    assert seen[both] == {cast.participant_a.pk, cast.participant_b.pk, other_b.pk}
    assert seen[cast.coordinator_a] == seen[cast.instructor_a] == {cast.participant_a.pk}
    assert not seen[cast.staff_a] and not seen[cast.outsider]


def test_a_participant_page_scopes_by_the_ids_of_the_memberships(client, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client.force_login(cast.coordinator_a)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            reverse("participants:participant_detail", args=[cast.participant_a.pk])
        )
    assert response.status_code == 200
    read = [
        q["sql"] for q in queries if q["sql"].startswith('SELECT "participants_participant"."id"')
    ]
    assert read and not any("partnerships_membership" in sql for sql in read)


def test_one_participants_access_log_is_what_the_rule_shows(cast):
    from participants.models import ParticipantAccess

    for participant in (cast.participant_a, cast.participant_b):
        ParticipantAccess.objects.create(participant=participant, action="view")
    both = MembershipFactory(
        user=cast.coordinator_b, organisation=cast.project_a, role=Role.INSTRUCTOR
    ).user
    users = [cast.coordinator_a, cast.instructor_a, cast.staff_a, cast.outsider, both]
    for user in users:
        for participant in (cast.participant_a, cast.participant_b):
            by_rule = set(
                ParticipantAccess.objects.visible_to(user)
                .filter(participant=participant)
                .values_list("pk", flat=True)
            )
            setattr(user, LOADED_MEMBERSHIPS, list(Membership.objects.own(user)))
            try:
                read = ParticipantAccess.objects.of_participant(user, participant)
                by_ids = set(read.values_list("pk", flat=True))
            finally:
                delattr(user, LOADED_MEMBERSHIPS)
            unloaded = ParticipantAccess.objects.of_participant(user, participant)
            assert by_ids == by_rule == set(unloaded.values_list("pk", flat=True))
    coordinator_sees = ParticipantAccess.objects.of_participant(
        cast.coordinator_a, cast.participant_a
    )
    assert coordinator_sees.count() == 1
