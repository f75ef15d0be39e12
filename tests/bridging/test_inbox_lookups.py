"""The inbox's prepared lookups (common.prepared, built once per process and number of ids):
the people waiting in a page's handovers with whether each may be contacted, those handovers,
and the people's wished activities. Each finds exactly what the queryset it stands for finds."""

import datetime

import pytest
from django.utils import timezone

from bridging.views.handovers import (
    _INBOX_HANDOVERS,
    _INBOX_PEOPLE,
    _INBOX_WISHED,
    INBOX_HANDOVER_FIELDS,
    INBOX_PERSON_FIELDS,
    inbox_handovers,
    inbox_people,
    inbox_wished,
)
from participants.models import Consent
from tests.bridging.test_handovers import hand_over_one_more
from tests.factories import ActivityTypeFactory

pytestmark = pytest.mark.django_db


def _fields(obj, names):
    """The values of `names` (with `__` through related objects) of `obj`."""
    values = []
    for name in names:
        value = obj
        for part in name.split("__"):
            value = getattr(value, part) if value is not None else None
        values.append(value if not hasattr(value, "pk") else value.pk)
    return values


def test_the_inbox_lookups_find_what_their_querysets_find(cast):
    more = [hand_over_one_more(cast, send=True) for _ in range(3)]
    # One waits in no handover asked for, one withdrew the consent to share (from today), one
    # wishes for two activities.
    Consent.objects.filter(participant=more[1].participant, purpose="share_contact").update(
        withdrawn_on=timezone.localdate()
    )
    more[2].participant.preferred_activities.add(
        ActivityTypeFactory(name="Zumba"), ActivityTypeFactory(name="Badminton")
    )
    cast.member_a.participant.preferred_activities.add(ActivityTypeFactory(name="Yoga"))
    organisation = cast.association_a.pk
    handover_sets = [
        [cast.member_a.handover_id],
        [cast.member_a.handover_id, more[1].handover_id, more[2].handover_id],
        [more[0].handover_id + 10_000],  # none
    ]
    days = [timezone.localdate(), timezone.localdate() - datetime.timedelta(days=1)]
    compared = 0
    for handovers in handover_sets:
        for today in days:
            expected = list(inbox_people(handovers, organisation, today))
            found = _INBOX_PEOPLE.all(handovers=handovers, organisation=organisation, today=today)
            shown = [*INBOX_PERSON_FIELDS, "pk", "may_contact"]
            assert [_fields(m, shown) for m in found] == [_fields(m, shown) for m in expected]
            compared += len(found)
        expected = sorted(inbox_handovers(handovers), key=lambda h: h.pk)
        found = sorted(_INBOX_HANDOVERS.all(handovers=handovers), key=lambda h: h.pk)
        shown = [*INBOX_HANDOVER_FIELDS, "pk", "course__programme__organisation__pk"]
        assert [_fields(h, shown) for h in found] == [_fields(h, shown) for h in expected]
        participants = [m.participant_id for m in inbox_people(handovers, organisation, days[0])]
        assert _INBOX_WISHED.rows(participants=participants) == list(inbox_wished(participants))
    # The comparisons were of something: people found, contact allowed and not, wishes.
    assert compared == 2 * (1 + 3)
    may_contact = {
        m.pk: m.may_contact for m in inbox_people(handover_sets[1], organisation, days[0])
    }
    assert may_contact[more[1].pk] is False and may_contact[more[2].pk] is True
    assert len(_INBOX_WISHED.rows(participants=[more[2].participant_id])) == 2
