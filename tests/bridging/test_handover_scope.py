"""The handover scopes read the ids of the memberships a request has loaded (a plannable list
instead of an OR of two subqueries); they must show exactly what the subqueries show."""

from bridging.models import Handover, HandoverParticipant
from partnerships.models import Membership
from partnerships.models.organisations import LOADED_MEMBERSHIPS
from tests.factories import EnrolmentFactory, MembershipFactory

Role = Membership.Role


def test_the_scopes_are_the_same_with_the_memberships_read_for_the_request(cast):
    # Coordinator in project B and staff in association A, which project A hands over to.
    both = MembershipFactory(
        user=cast.coordinator_b, organisation=cast.association_a, role=Role.STAFF
    ).user
    HandoverParticipant.objects.create(
        handover=cast.member_a.handover,
        participant=cast.participant_b,
        enrolment=EnrolmentFactory(course=cast.course_a, participant=cast.participant_b),
    )  # proposed: not yet for the association's eyes
    for user in [cast.coordinator_a, cast.staff_a, cast.staff_b, both, cast.instructor_a]:
        for model in (Handover, HandoverParticipant):
            by_subquery = set(model.objects.visible_to(user).values_list("pk", flat=True))
            setattr(user, LOADED_MEMBERSHIPS, list(Membership.objects.own(user)))
            by_ids = set(model.objects.visible_to(user).values_list("pk", flat=True))
            delattr(user, LOADED_MEMBERSHIPS)
            assert by_ids == by_subquery, (user, model)
    assert HandoverParticipant.objects.visible_to(cast.coordinator_a).count() == 2
    assert HandoverParticipant.objects.visible_to(both).count() == 1
    assert not HandoverParticipant.objects.visible_to(cast.instructor_a).exists()
    assert not HandoverParticipant.objects.visible_to(cast.staff_b).exists()


def test_a_page_reads_the_memberships_once_and_scopes_by_their_ids(client, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client.force_login(cast.staff_a)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("bridging:inbox"))
    assert response.status_code == 200
    assert cast.participant_a.first_name in response.content.decode()
    scoped = [q["sql"] for q in queries if "bridging_handoverparticipant" in q["sql"]]
    assert scoped and not any("partnerships_membership" in sql for sql in scoped)
