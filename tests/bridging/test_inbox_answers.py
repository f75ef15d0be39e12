"""The receiving organisation answers: a card says who sent the participant and why, the first
session is proposed from the offer's schedule, and a group is accepted in one step."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bridging import handovers
from bridging.models import HandoverParticipant
from tests.factories import ConsentFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


def _group(cast, size, note="Glæder sig meget; kommer med bus."):
    enrolments = []
    for _ in range(size):
        enrolment = EnrolmentFactory(course=cast.course_a, participant__organisation=cast.project_a)
        ConsentFactory(participant=enrolment.participant, purpose="share_contact",
                       organisation=cast.association_a)  # fmt: skip
        enrolments.append(enrolment)
    handover = handovers.handover_propose(course=cast.course_a, mode="group", offer=cast.offer_a,
                                          enrolments=enrolments, user=cast.coordinator_a,
                                          note=note)  # fmt: skip
    for member in handover.members.all():
        handovers.handover_send(member=member)
    return handover


def accept_all(client, handover, **data):
    return client.post(
        reverse("bridging:handover_accept_group", args=[handover.pk]), data, follow=True
    )


def test_card_shows_who_sent_the_participant_and_the_coordinators_note(client, cast):
    cast.coordinator_a.first_name, cast.coordinator_a.last_name = "Karin", "Koordinator"
    cast.coordinator_a.save()
    _group(cast, 2)
    client.force_login(cast.staff_a)
    page = client.get(reverse("bridging:inbox")).content.decode()
    assert "Sendt af Karin Koordinator, Projekt A" in page
    assert "Glæder sig meget; kommer med bus." in page


def test_first_session_is_prefilled_with_the_offers_next_meeting_day(client, cast):
    today = timezone.localdate()
    cast.offer_a.weekdays = [(today.weekday() + 2) % 7, (today.weekday() + 5) % 7]
    cast.offer_a.save()
    client.force_login(cast.staff_a)
    page = client.get(reverse("bridging:inbox")).content.decode()
    expected = today + datetime.timedelta(days=2)
    assert f'value="{expected:%Y-%m-%d}"' in page


def test_next_meeting_day_is_today_when_it_meets_today(cast):
    today = datetime.date(2026, 11, 25)  # a Wednesday
    cast.offer_a.weekdays = [2]
    assert handovers.next_session_on(cast.offer_a, today) == today
    cast.offer_a.weekdays = [0]
    assert handovers.next_session_on(cast.offer_a, today) == datetime.date(2026, 11, 30)


def test_a_group_is_accepted_in_one_step(
    client, cast, mailoutbox, django_capture_on_commit_callbacks
):
    cast.offer_a.free_places = 5
    cast.offer_a.save(update_fields=["free_places"])
    handover = _group(cast, 3)
    client.force_login(cast.staff_a)
    page = client.get(reverse("bridging:inbox")).content.decode()
    assert "Tag imod alle 3" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = accept_all(client, handover, first_session_on="2026-12-02", buddy="Frida")
    assert "3 er taget imod." in response.content.decode()
    members = HandoverParticipant.objects.filter(handover=handover)
    assert {(m.status, m.buddy, m.first_session_on) for m in members} == {
        ("accepted", "Frida", datetime.date(2026, 12, 2))
    }
    cast.offer_a.refresh_from_db()
    assert cast.offer_a.free_places == 2
    assert len(mailoutbox) == 1  # the coordinator is told once


def test_a_group_larger_than_the_free_places_is_refused_whole(client, cast):
    cast.offer_a.free_places = 2
    cast.offer_a.save(update_fields=["free_places"])
    handover = _group(cast, 3)
    client.force_login(cast.staff_a)
    response = accept_all(client, handover, first_session_on="2026-12-02", buddy="Frida")
    assert "Tilbuddet har 2 ledige pladser til 3 personer." in response.content.decode()
    assert set(handover.members.values_list("status", flat=True)) == {"sent"}
    cast.offer_a.refresh_from_db()
    assert cast.offer_a.free_places == 2


def test_accepting_a_group_without_a_contact_person_changes_nothing(client, cast):
    handover = _group(cast, 2)
    client.force_login(cast.staff_a)
    response = accept_all(client, handover, first_session_on="2026-12-02", buddy="")
    assert "Angiv datoen for første gang og en kontaktperson." in response.content.decode()
    assert set(handover.members.values_list("status", flat=True)) == {"sent"}


def test_only_people_still_waiting_are_accepted(client, cast):
    handover = _group(cast, 2)
    first = handover.members.order_by("pk").first()
    handovers.handover_decline(member=first, reason="full", note="", user=cast.staff_a)
    client.force_login(cast.staff_a)
    accept_all(client, handover, first_session_on="2026-12-02", buddy="Frida")
    assert dict(handover.members.values_list("pk", "status")) == {
        first.pk: "declined",
        handover.members.exclude(pk=first.pk).get().pk: "accepted",
    }


@pytest.mark.parametrize(("role", "status"), [("staff_b", 404), ("coordinator_a", 403)])
def test_only_the_receiving_organisation_accepts_a_group(client, cast, role, status):
    handover = _group(cast, 2)
    client.force_login(cast.user(role))
    response = client.post(
        reverse("bridging:handover_accept_group", args=[handover.pk]),
        {"first_session_on": "2026-12-02", "buddy": "Frida"},
    )
    assert response.status_code == status
    assert set(handover.members.values_list("status", flat=True)) == {"sent"}
