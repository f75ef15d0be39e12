"""Chapter 7b: one bridge at a time. A participant who started at one offer is handed over to a
second one, with the coordinator's reason; another is withdrawn from a handover because she
withdrew her consent to share with the association, and a third because they left the programme
while on their way. Built only through the services the pages call (the consent form, the
handover form, the withdrawal of a consent, "Meld ud af forløbet")."""

import datetime

from django.utils import timezone

from bridging import handovers
from bridging.models import Course, Enrolment, Handover, HandoverParticipant
from participants.models import Consent, Participant
from participants.services import consent_withdraw, consents_record, participant_withdraw
from partnerships.models import Membership, Offer

SECOND_REASON = (
    "Hun går til yoga om tirsdagen og vil gerne også gå med i gåklubben om torsdagen, "
    "sammen med to fra holdet."
)


def seed_second_bridges(programme, coordinator):
    project = programme.organisation
    mine = HandoverParticipant.objects.filter(handover__course__programme=programme)
    membership = Membership.objects.get(
        user=coordinator, organisation=project, role=Membership.Role.COORDINATOR
    )
    finished = programme.courses.filter(status=Course.Status.COMPLETED).first()
    if finished is None:
        return
    if not mine.filter(overlap_reason=SECOND_REASON).exists():
        _second_bridge(finished, membership)
    withdrawn = mine.filter(status=HandoverParticipant.Status.WITHDRAWN)
    if not withdrawn.filter(participant__withdrawn_on__isnull=True).exists():
        _withdrawn_consent(finished, membership)
    if not withdrawn.filter(participant__withdrawn_on__isnull=False).exists():
        _left_on_the_way(programme, membership)


def _share_with(participant, organisation, membership):
    if not Consent.objects.active().filter(
        participant=participant, purpose=Consent.Purpose.SHARE_CONTACT, organisation=organisation
    ):
        consents_record(
            participant=participant,
            membership=membership,
            purposes=[],
            organisations=[organisation],
            given_on=timezone.localdate() - datetime.timedelta(weeks=2),
            method=Consent.Method.PAPER,
        )


def _first_offer(organisation_name, exclude=None):
    """The demo organisation's first active offer (other than `exclude`), or None."""
    return (
        Offer.objects.filter(is_active=True, organisation__name=organisation_name)
        .exclude(pk=exclude)
        .order_by("pk")
        .first()
    )


def _second_bridge(course, membership):
    """She started at an evening school's offer; now a walking club as well, with a reason."""
    started = (
        HandoverParticipant.objects.filter(
            handover__course=course,
            handover__mode=Handover.Mode.INDIVIDUAL,
            status=HandoverParticipant.Status.STARTED,
        )
        .select_related("enrolment", "participant", "handover")
        .first()
    )
    if started is None:
        return
    offer = _first_offer("Gåklubben Søndermarken", exclude=started.handover.offer_id)
    if offer is None:
        return
    _share_with(started.participant, offer.organisation, membership)
    handovers.handover_propose(
        course=course,
        mode=Handover.Mode.INDIVIDUAL,
        enrolments=[started.enrolment],
        offer=offer,
        user=membership.user,
        send_now=True,
        overlap_reason=SECOND_REASON,
    )


def _withdrawn_consent(course, membership):
    """Sent to an association, then she withdrew her consent to share with it: the handover
    shows her as withdrawn, and the association no longer sees her name."""
    enrolment = (
        course.enrolments.on_roster()
        .filter(participant__anonymised_at__isnull=True)
        .exclude(participant__in=HandoverParticipant.objects.values("participant"))
        .select_related("participant")
        .order_by("pk")
        .first()
    )
    offer = _first_offer("Vesterbro Seniorgymnastik")
    if enrolment is None or offer is None:
        return
    participant: Participant = enrolment.participant
    _share_with(participant, offer.organisation, membership)
    handovers.handover_propose(
        course=course,
        mode=Handover.Mode.INDIVIDUAL,
        enrolments=[enrolment],
        offer=offer,
        user=membership.user,
        send_now=True,
        note="Hun vil gerne prøve gymnastikken, men er i tvivl.",
    )
    consent = Consent.objects.active().get(
        participant=participant,
        purpose=Consent.Purpose.SHARE_CONTACT,
        organisation=offer.organisation,
    )
    consent_withdraw(consent=consent, membership=membership)


def _left_on_the_way(programme, membership):
    """Sent to the walking club, then they moved away and the coordinator recorded that they left
    the programme: the handover reads withdrawn, and the club no longer waits for them."""
    enrolment = (
        Enrolment.objects.on_roster()
        .filter(
            course__programme=programme,
            course__status__in=[Course.Status.COMPLETED, Course.Status.RUNNING],
            participant__anonymised_at__isnull=True,
            participant__withdrawn_on__isnull=True,
        )
        .exclude(participant__in=HandoverParticipant.objects.values("participant"))
        .select_related("participant")
        .order_by("-pk")
        .first()
    )
    offer = _first_offer("Gåklubben Søndermarken")
    if enrolment is None or offer is None:
        return
    _share_with(enrolment.participant, offer.organisation, membership)
    handovers.handover_propose(
        course=enrolment.course,
        mode=Handover.Mode.INDIVIDUAL,
        enrolments=[enrolment],
        offer=offer,
        user=membership.user,
        send_now=True,
    )
    participant_withdraw(
        participant=enrolment.participant,
        membership=membership,
        on=timezone.localdate(),
        reason="Flyttet til Aarhus",
    )
