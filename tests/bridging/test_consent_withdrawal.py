"""Withdrawing the consent to share with a receiving organisation withdraws the participant from
every handover to it that is not over (issue 11, item 9): its staff no longer see the name
anywhere and cannot accept; the timeline and the coordinator's handover page say so."""

import pytest
from django.urls import reverse
from django.utils import timezone

from bridging import handovers
from bridging.funnel import funnel
from bridging.models import Enrolment, FollowUp, HandoverParticipant
from participants.hooks import timeline
from participants.models import Consent, ParticipantAccess
from tests.factories import ConsentFactory, EnrolmentFactory, OfferFactory

pytestmark = pytest.mark.django_db


def sharing_consent(cast):
    return Consent.objects.get(
        participant=cast.participant_a, purpose="share_contact", organisation=cast.association_a
    )


def withdraw(client, cast, consent=None):
    consent = consent or sharing_consent(cast)
    client.force_login(cast.coordinator_a)
    return client.post(
        reverse("participants:consent_withdraw", args=[cast.participant_a.pk, consent.pk]),
        {"withdrawn_on": timezone.localdate().isoformat()},
    )


def fresh(member):
    return HandoverParticipant.objects.get(pk=member.pk)


def test_staff_no_longer_see_the_name_and_cannot_accept(client, cast):
    client.force_login(cast.staff_a)
    assert "Alma Andersen" in client.get(reverse("bridging:inbox")).content.decode()
    response = withdraw(client, cast)
    assert response.status_code == 302
    member = fresh(cast.member_a)
    assert member.status == "withdrawn"
    assert member.withdrawn_at is not None
    assert "Samtykket til at dele med Forening A blev trukket tilbage den" in (
        member.withdrawn_reason
    )
    client.force_login(cast.staff_a)
    logged_before = ParticipantAccess.objects.filter(participant=cast.participant_a).count()
    inbox = client.get(reverse("bridging:inbox")).content.decode()
    assert "Alma" not in inbox
    # The access log is not written for a name the staff no longer see.
    assert ParticipantAccess.objects.filter(participant=cast.participant_a).count() == (
        logged_before
    )
    accept = client.post(
        reverse("bridging:handover_transition", args=[cast.member_a.pk, "accept"]),
        {"first_session_on": timezone.localdate().isoformat(), "buddy": "Frida"},
    )
    assert accept.status_code == 404
    group = client.post(
        reverse("bridging:handover_accept_group", args=[cast.member_a.handover_id]),
        {"first_session_on": timezone.localdate().isoformat(), "buddy": "Frida"},
        follow=True,
    )
    assert "Ingen i denne udslusning venter på svar" in group.content.decode()
    assert fresh(cast.member_a).status == "withdrawn"
    # The follow-up planned for them is gone from the inbox, and from the answering URL.
    answer = client.post(
        reverse("bridging:follow_up_answer", args=[cast.follow_up_a.pk]), {"answer": "active"}
    )
    assert answer.status_code == 404
    assert FollowUp.objects.get(pk=cast.follow_up_a.pk).answer == ""


def test_the_coordinator_sees_it_on_the_handover_and_the_timeline_says_so(client, cast):
    withdraw(client, cast)
    page = client.get(cast.member_a.handover.get_absolute_url()).content.decode()
    assert "Alma Andersen" in page  # the project still knows its own participant
    assert "Trukket ud af udslusningen" in page
    assert "Organisationen kan ikke længere se navnet." in page
    events = [(event.title, event.detail) for event in timeline(cast.participant_a)]
    assert any(title == "Trukket ud af udslusningen" and "Tilbud A" in d for title, d in events)


def test_an_accepted_place_is_given_back_and_a_started_one_keeps_its_funnel_stages(client, cast):
    offer = cast.offer_a
    offer.free_places = 3
    offer.save(update_fields=["free_places"])
    handovers.handover_accept(
        member=cast.member_a, first_session_on=timezone.localdate(), buddy="F", user=cast.staff_a
    )
    assert offer.__class__.objects.get(pk=offer.pk).free_places == 2
    withdraw(client, cast)
    assert offer.__class__.objects.get(pk=offer.pk).free_places == 3
    # A started one: withdrawn too, but the funnel still counts what happened.
    other = EnrolmentFactory(course=cast.course_a, participant__organisation=cast.project_a)
    consent = ConsentFactory(
        participant=other.participant, purpose="share_contact", organisation=cast.association_a
    )
    handover = handovers.handover_propose(
        course=cast.course_a,
        mode="individual",
        enrolments=[other],
        offer=cast.offer_a,
        user=cast.coordinator_a,
        send_now=True,
    )
    member = handover.members.get()
    handovers.handover_accept(
        member=member, first_session_on=timezone.localdate(), buddy="F", user=cast.staff_a
    )
    handovers.handover_start(member=member, started_on=timezone.localdate())
    Enrolment.objects.filter(pk__in=[other.pk, cast.enrolment_a.pk]).update(status="completed")
    before = {s["key"]: s["count"] for s in funnel(Enrolment.objects.all())["stages"]}
    client.force_login(cast.coordinator_a)
    client.post(
        reverse("participants:consent_withdraw", args=[other.participant_id, consent.pk]),
        {"withdrawn_on": timezone.localdate().isoformat()},
    )
    assert fresh(member).status == "withdrawn"
    after = {s["key"]: s["count"] for s in funnel(Enrolment.objects.all())["stages"]}
    assert (before["handed_over"], before["accepted"], before["started"]) == (2, 2, 1)
    assert after == before


def test_only_handovers_to_that_organisation_and_only_without_another_consent(client, cast):
    elsewhere = OfferFactory(organisation=cast.association_b)
    ConsentFactory(
        participant=cast.participant_a, purpose="share_contact", organisation=cast.association_b
    )
    other = handovers.handover_propose(
        course=cast.course_a,
        mode="individual",
        enrolments=[cast.enrolment_a],
        offer=elsewhere,
        user=cast.coordinator_a,
        send_now=True,
        overlap_reason="Prøver begge",
    )
    first = sharing_consent(cast)
    # A second sharing consent with association A still covers the handover.
    second = ConsentFactory(
        participant=cast.participant_a, purpose="share_contact", organisation=cast.association_a
    )
    withdraw(client, cast, first)
    assert fresh(cast.member_a).status == "sent"
    withdraw(client, cast, second)
    assert fresh(cast.member_a).status == "withdrawn"
    assert other.members.get().status == "sent"
    # Withdrawing another kind of consent changes nothing. (Not the registration consent: with
    # none other in force that is leaving the programme, test_leaving_withdraws_handovers.py.)
    withdraw(client, cast, ConsentFactory(participant=cast.participant_a, purpose="statistics"))
    assert other.members.get().status == "sent"


@pytest.mark.parametrize("role", ["staff_a", "staff_b", "coordinator_b", "instructor_a"])
def test_no_other_role_sees_the_withdrawn_name_in_the_inbox(client, cast, role):
    withdraw(client, cast)
    client.force_login(getattr(cast, role))
    response = client.get(reverse("bridging:inbox"))
    assert "Alma" not in response.content.decode()
