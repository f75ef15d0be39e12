"""The handover proposal's open handovers of the team (bridging.views.handovers
.on_their_way_members): a query built once per process and shape of the user's memberships
(common.prepared). For every kind of user it finds what its queryset finds."""

from types import SimpleNamespace

import pytest

from bridging.models import HandoverParticipant
from bridging.views.handovers import on_their_way_members, on_their_way_query
from partnerships.access import user_memberships
from partnerships.models import Membership
from tests.bridging.test_handovers import hand_over_one_more
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

STATE = ("pk", "participant_id", "status", "sent_at", "answered_at", "started_on")


def _rows(members):
    return [
        (
            *(getattr(m, name) for name in STATE),
            m.handover.created_at,
            m.handover.meeting_place,
            m.handover.offer.name if m.handover.offer_id else None,
            m.handover.receiver.name if m.handover.receiver_id else None,
        )
        for m in members
    ]


def test_the_prepared_open_handovers_are_the_querysets(cast):
    sent = hand_over_one_more(cast, send=True)
    proposed = hand_over_one_more(cast)
    HandoverParticipant.objects.filter(pk=hand_over_one_more(cast).pk).update(
        status="declined", decline_reason="full"
    )
    # A coordinator who is also staff at the receiving association sees the proposed ones too.
    MembershipFactory(
        user=cast.staff_a, organisation=cast.project_a, role=Membership.Role.COORDINATOR
    )
    people = [cast.member_a.participant_id, sent.participant_id, proposed.participant_id]
    compared = 0
    for user in (cast.coordinator_a, cast.staff_a, cast.coordinator_b, cast.instructor_a):
        user_memberships(SimpleNamespace(user=user))  # as the request has read them
        for participants in (people, people[:1], []):
            expected = _rows(on_their_way_query(user, participants))
            assert _rows(on_their_way_members(user, participants)) == expected
            compared += len(expected)
    assert compared >= 6
