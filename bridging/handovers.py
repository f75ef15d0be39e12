"""The handover workflow: one function per transition, each checking the current state under a
row lock, notifications sent after commit. Emails carry a link and never personal data."""

import datetime
from calendar import monthrange

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participants.hooks import refresh_status
from participants.models import Participant
from participants.services import has_sharing_consent
from partnerships.models import Offer, Organisation, PartnershipAgreement

from . import notifications
from .models import Course, Enrolment, FollowUp, Handover, HandoverParticipant
from .services import JourneyError

Status = HandoverParticipant.Status


# --- Who may be handed over ------------------------------------------------------------------


def blockers(*, enrolment: Enrolment, offer: Offer | None) -> list[str]:
    """Why this participant cannot be included in a handover to `offer` now (empty: they can)."""
    reasons = []
    if enrolment.status not in (Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED):
        reasons.append(gettext_lazy("not on the course (withdrawn or waiting)"))
    if enrolment.participant.is_anonymised:
        reasons.append(gettext_lazy("anonymised"))
    if offer is not None and not has_sharing_consent(
        participant=enrolment.participant, organisation=offer.organisation
    ):
        reasons.append(
            gettext_lazy("no consent to share name and contact details with %(organisation)s")
            % {"organisation": offer.organisation}
        )
    return reasons


class OverlapError(JourneyError):
    """Someone is already in an open handover and no reason was given for another one; the
    message names them and belongs at the form's reason field."""


def open_condition() -> Q:
    """True for a handover (HandoverParticipant) that keeps its participant on their way:
    proposed, sent, accepted, or started and not (yet) stopped at a follow-up (or active again
    at a later one: FollowUp.stopped)."""
    stopped = FollowUp.stopped(OuterRef("pk"))
    return Q(status__in=HandoverParticipant.OPEN_STATUSES) & ~(
        Q(status=Status.STARTED) & Exists(stopped)
    )


def stopped_at(member) -> Subquery:
    """The months of the follow-up at which `member` (an OuterRef to a handed-over participant)
    stopped, by the one definition (FollowUp.stopped), the first of their current stop; null
    while they have not stopped. Shown beside a later follow-up's question, which is still
    asked: people come back, and the figures at 6 and 12 months need everyone's answer."""
    return Subquery(FollowUp.stopped(member).order_by("months").values("months")[:1])


def open_handovers(participants):
    """The handovers that keep each of `participants` (ids or a queryset of ids) on their way
    (open_condition)."""
    return (
        HandoverParticipant.objects.filter(open_condition(), participant__in=participants)
        .select_related("handover__offer", "handover__receiver")
        .order_by("participant_id", "-handover__created_at", "-pk")
    )


STATE_SHOWN = (
    "participant", "status", "sent_at", "answered_at", "started_on", "handover__created_at",
    "handover__meeting_place", "handover__offer__name", "handover__receiver__name",
)  # fmt: skip
"""The fields `state_label` reads, for `only()` on a query of open handovers read for it."""


def state_label(member: HandoverParticipant) -> str:
    """Where a participant's handover stands, in words: "Accepted at Gymnastik, Forening A
    on 3 November 2026"."""
    handover = member.handover
    target = (
        f"{handover.offer.name}, {handover.receiver.name}"
        if handover.offer_id
        else handover.meeting_place
    )
    moments = {
        Status.PROPOSED: (gettext_lazy("Proposed for %(target)s on %(date)s"), handover.created_at),
        Status.SENT: (gettext_lazy("Handed over to %(target)s on %(date)s"), member.sent_at),
        Status.ACCEPTED: (gettext_lazy("Accepted at %(target)s on %(date)s"), member.answered_at),
        Status.STARTED: (gettext_lazy("Started at %(target)s on %(date)s"), member.started_on),
    }
    label, moment = moments.get(member.status, (None, None))
    if label is None or moment is None:
        return f"{member.get_status_display()}: {target}"
    day = timezone.localdate(moment) if isinstance(moment, datetime.datetime) else moment
    return str(label) % {"target": target, "date": date_format(day, "DATE_FORMAT")}


def _check_one_bridge_at_a_time(enrolments, overlap_reason: str) -> set[int]:
    """Lock the participants, then find those already on their way: they may only join another
    handover with a stated reason. Returns their ids."""
    ids = sorted({enrolment.participant_id for enrolment in enrolments})
    list(Participant.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    current = {}
    for member in open_handovers(ids):
        current.setdefault(member.participant_id, member)
    if current and not overlap_reason.strip():
        names = {e.participant_id: e.participant for e in enrolments}
        states = [(names[pk], state_label(member)) for pk, member in current.items()]
        raise OverlapError(
            gettext_lazy(
                "Already in an open handover: %(who)s. Say why they should be handed over "
                "again, or leave them out."
            )
            % {
                "who": "; ".join(
                    f"{name} ({state[:1].lower()}{state[1:]})" for name, state in states
                )
            }
        )
    return set(current)


@transaction.atomic
def handover_propose(
    *,
    course: Course,
    mode: str,
    enrolments: list[Enrolment],
    offer: Offer | None,
    user,
    contact_participant: Participant | None = None,
    meeting_place: str = "",
    meeting_time: str = "",
    note: str = "",
    send_now: bool = False,
    overlap_reason: str = "",
) -> Handover:
    """Propose a handover and, with `send_now`, send every member in the same transaction:
    all of it is saved, or none of it. One bridge at a time: someone already in an open
    handover joins another only with `overlap_reason`, kept on their row."""
    if not enrolments:
        raise JourneyError(gettext_lazy("Choose at least one participant."))
    if mode == Handover.Mode.SELF_ORGANISED:
        offer = None
        if not meeting_place.strip():
            raise JourneyError(gettext_lazy("Say where the self-organised group meets."))
    else:
        if offer is None:
            raise JourneyError(gettext_lazy("Choose the offer the participants move on to."))
        offer = Offer.objects.select_related("organisation").get(pk=offer.pk)
        if not offer.is_active:
            raise JourneyError(gettext_lazy("The offer is paused; choose an active offer."))
        if mode == Handover.Mode.INDIVIDUAL and len(enrolments) != 1:
            raise JourneyError(gettext_lazy("An individual handover is for one participant."))
    refused = [
        f"{enrolment.participant}: {', '.join(str(r) for r in reasons)}"
        for enrolment in enrolments
        if (reasons := blockers(enrolment=enrolment, offer=offer))
    ]
    if refused:
        raise JourneyError(
            gettext_lazy("Cannot be included: %(who)s.") % {"who": "; ".join(refused)}
        )
    overlapping = _check_one_bridge_at_a_time(enrolments, overlap_reason)
    handover = Handover.objects.create(
        course=course,
        mode=mode,
        offer=offer,
        receiver=offer.organisation if offer else None,
        contact_participant=contact_participant,
        meeting_place=meeting_place.strip(),
        meeting_time=meeting_time.strip(),
        note=note,
        proposed_by=user,
    )
    HandoverParticipant.objects.bulk_create(
        [
            HandoverParticipant(
                handover=handover,
                participant=e.participant,
                enrolment=e,
                overlap_reason=overlap_reason.strip() if e.participant_id in overlapping else "",
            )
            for e in enrolments
        ]
    )
    if send_now:
        for member in handover.members.all():
            handover_send(member=member)
    else:
        refresh_status([e.participant_id for e in enrolments])
    return handover


def _locked(member) -> HandoverParticipant:
    return (
        HandoverParticipant.objects.select_for_update(of=("self",))
        .select_related("handover__offer", "handover__receiver", "participant")
        .get(pk=member.pk)
    )


def _require(member, *statuses):
    if member.status not in statuses:
        raise JourneyError(
            gettext_lazy("This step is not possible now: the handover is %(status)s.")
            % {"status": str(member.get_status_display()).lower()}
        )


@transaction.atomic
def handover_send(
    *, member: HandoverParticipant, at: datetime.datetime | None = None
) -> HandoverParticipant:
    """Send to the receiving organisation; a self-organised group is simply on its way. `at`
    (now when not given) lets a record of the past, such as the demo's history, keep its date."""
    member = _locked(member)
    _require(member, Status.PROPOSED)
    if member.handover.offer_id and not has_sharing_consent(
        participant=member.participant, organisation=member.handover.receiver
    ):
        raise JourneyError(
            gettext_lazy("%(name)s no longer consents to sharing with %(organisation)s.")
            % {"name": member.participant, "organisation": member.handover.receiver}
        )
    member.status = Status.SENT
    member.sent_at = _moment(at)
    member.save(update_fields=["status", "sent_at"])
    refresh_status([member.participant_id])
    _announce(member)
    return member


@transaction.atomic
def handover_accept(
    *,
    member: HandoverParticipant,
    first_session_on: datetime.date,
    buddy: str,
    user,
    at: datetime.datetime | None = None,
) -> HandoverParticipant:
    """Accept, taking one of the offer's free places: the offer row is locked while counting, so
    two staff accepting the last place at once cannot both succeed."""
    member = _locked(member)
    _require(member, Status.SENT)
    if member.handover.offer_id:
        offer = Offer.objects.select_for_update().get(pk=member.handover.offer_id)
        if offer.free_places is not None:
            if offer.free_places < 1:
                raise JourneyError(
                    gettext_lazy("The offer has no free places. Add places or decline.")
                )
            offer.free_places -= 1
            offer.save(update_fields=["free_places"])
    member.status = Status.ACCEPTED
    member.first_session_on = first_session_on
    member.buddy = buddy.strip()
    member.answered_at, member.answered_by = _moment(at, after=member.sent_at), user
    member.save(update_fields=["status", "first_session_on", "buddy", "answered_at", "answered_by"])
    refresh_status([member.participant_id])
    _announce(member)
    return member


@transaction.atomic
def handover_accept_group(
    *, handover: Handover, first_session_on: datetime.date, buddy: str, user
) -> list[HandoverParticipant]:
    """Accept everyone of a handover still waiting for an answer, in one step: all or none. The
    offer row is locked while its free places are counted, as for one."""
    members = list(
        HandoverParticipant.objects.select_for_update(of=("self",))
        .filter(handover=handover, status=Status.SENT)
        .order_by("pk")
    )
    if not members:
        raise JourneyError(gettext_lazy("No one in this handover is waiting for an answer."))
    if handover.offer_id:
        offer = Offer.objects.select_for_update().get(pk=handover.offer_id)
        if offer.free_places is not None:
            if offer.free_places < len(members):
                raise JourneyError(
                    gettext_lazy(
                        "The offer has %(free)s free places for %(count)s people. Add places, "
                        "or accept or decline them one by one."
                    )
                    % {"free": offer.free_places, "count": len(members)}
                )
            offer.free_places -= len(members)
            offer.save(update_fields=["free_places"])
    now = timezone.now()
    for member in members:
        member.status = Status.ACCEPTED
        member.first_session_on = first_session_on
        member.buddy = buddy.strip()
        member.answered_at, member.answered_by = now, user
    HandoverParticipant.objects.bulk_update(
        members, ["status", "first_session_on", "buddy", "answered_at", "answered_by"]
    )
    refresh_status([member.participant_id for member in members])
    _announce(members[0])
    return members


def next_session_on(offer: Offer | None, today: datetime.date) -> datetime.date:
    """The offer's next meeting day from today (today itself if it meets today): what an
    acceptance proposes as the first session. Today when the offer has no weekdays."""
    days = offer.weekdays if offer is not None else []
    if not days:
        return today
    return min(today + datetime.timedelta(days=(day - today.weekday()) % 7) for day in days)


@transaction.atomic
def handover_decline(
    *,
    member: HandoverParticipant,
    reason: str,
    note: str,
    user,
    at: datetime.datetime | None = None,
) -> HandoverParticipant:
    member = _locked(member)
    _require(member, Status.SENT, Status.PROPOSED)
    if reason not in HandoverParticipant.DeclineReason.values:
        raise JourneyError(gettext_lazy("Choose a reason for declining."))
    if reason == HandoverParticipant.DeclineReason.OTHER and not note.strip():
        raise JourneyError(gettext_lazy("Say in a few words why, when the reason is 'other'."))
    member.status = Status.DECLINED
    member.decline_reason, member.decline_note = reason, note.strip()
    member.answered_at, member.answered_by = _moment(at, after=member.sent_at), user
    member.save(
        update_fields=["status", "decline_reason", "decline_note", "answered_at", "answered_by"]
    )
    refresh_status([member.participant_id])
    _announce(member)
    return member


def _moment(at: datetime.datetime | None, after: datetime.datetime | None = None):
    """When a transition happened: now, or an explicit moment in the past (never the future,
    never before the step it answers)."""
    now = timezone.now()
    if at is None:
        return now
    if at > now:
        raise JourneyError(gettext_lazy("The moment cannot be in the future."))
    if after is not None and at < after:
        raise JourneyError(gettext_lazy("The answer cannot come before the handover was sent."))
    return at


# A follow-up can be answered from this long before it falls due, not earlier.
FOLLOW_UP_OPENS_BEFORE = datetime.timedelta(weeks=3)


def start_date_proposal(member: HandoverParticipant) -> datetime.date:
    """What the start form proposes: the first session agreed at acceptance, or the offer's
    next session after the acceptance; never a day in the future."""
    today = timezone.localdate()
    if member.first_session_on:
        proposal = member.first_session_on
    else:
        since = member.answered_at or member.sent_at
        proposal = next_session_on(
            member.handover.offer, timezone.localdate(since) if since else today
        )
    return min(proposal, today)


@transaction.atomic
def handover_start(
    *, member: HandoverParticipant, started_on: datetime.date
) -> HandoverParticipant:
    """The participant came to the first session at the offer, on `started_on`; the follow-ups
    fall due from that date. A self-organised group starts straight from being sent. The date
    cannot be in the future, nor before the acceptance (or, self-organised, the sending)."""
    member = _locked(member)
    allowed = (Status.SENT, Status.ACCEPTED) if not member.handover.offer_id else (Status.ACCEPTED,)
    _require(member, *allowed)
    if started_on is None:
        raise JourneyError(gettext_lazy("Give the date of the first session at the offer."))
    if started_on > timezone.localdate():
        raise JourneyError(gettext_lazy("The start date cannot be in the future."))
    since = member.answered_at if member.status == Status.ACCEPTED else member.sent_at
    if since and started_on < timezone.localdate(since):
        raise JourneyError(
            gettext_lazy("The start date cannot be before %(date)s, when it was agreed.")
            % {"date": date_format(timezone.localdate(since), "SHORT_DATE_FORMAT")}
        )
    member.status = Status.STARTED
    member.started_on = started_on
    member.save(update_fields=["status", "started_on"])
    programme = member.handover.course.programme
    FollowUp.objects.bulk_create(
        [
            FollowUp(member=member, months=months, due_on=add_months(member.started_on, months))
            for months in programme.get_follow_up_months()
        ],
        ignore_conflicts=True,
    )
    refresh_status([member.participant_id])
    return member


def follow_up_opens_on(follow_up: FollowUp) -> datetime.date:
    return follow_up.due_on - FOLLOW_UP_OPENS_BEFORE


@transaction.atomic
def follow_up_answer(
    *,
    follow_up: FollowUp,
    answer: str,
    stop_reason: str,
    user,
    at: datetime.datetime | None = None,
) -> FollowUp:
    """Answered once, by the receiving organisation's staff or the coordinator, from a few
    weeks before it falls due; "stopped" needs the reason."""
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.answer:
        raise JourneyError(gettext_lazy("This follow-up has already been answered."))
    if answer not in FollowUp.Answer.values:
        raise JourneyError(gettext_lazy("Choose active, stopped or unknown."))
    answered_at = _moment(at)
    if timezone.localdate(answered_at) < follow_up_opens_on(follow_up):
        raise JourneyError(
            gettext_lazy("This follow-up can be answered from %(date)s.")
            % {"date": date_format(follow_up_opens_on(follow_up), "SHORT_DATE_FORMAT")}
        )
    if answer == FollowUp.Answer.STOPPED and not stop_reason.strip():
        raise JourneyError(gettext_lazy("Say why they stopped."))
    follow_up.answer, follow_up.stop_reason = answer, stop_reason.strip()
    follow_up.answered_by, follow_up.answered_at = user, answered_at
    follow_up.save(update_fields=["answer", "stop_reason", "answered_by", "answered_at"])
    refresh_status(HandoverParticipant.objects.filter(pk=follow_up.member_id).values("participant"))
    return follow_up


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, monthrange(year, month)[1]))


@transaction.atomic
def handovers_withdraw_for_consent(
    *, participant: Participant, organisation: Organisation, on: datetime.date, reason: str
) -> list[HandoverParticipant]:
    """The participant no longer consents to sharing with `organisation`: withdraw them from
    every handover to it that is not over (proposed, sent, accepted or started), so its staff
    no longer see the name anywhere and cannot accept. A place taken by an acceptance that has
    not started is given back. Nothing happens while another sharing consent still covers it."""
    if has_sharing_consent(participant=participant, organisation=organisation, on=on):
        return []
    return _withdraw(
        HandoverParticipant.objects.filter(
            participant=participant,
            handover__receiver=organisation,
            status__in=HandoverParticipant.OPEN_STATUSES,
        ),
        reason=reason,
    )


# Not started yet: leaving the programme ends these. Someone who started at an offer is there
# already, whatever happens to the temporary effort.
NOT_STARTED = (Status.PROPOSED, Status.SENT, Status.ACCEPTED)


@transaction.atomic
def handovers_withdraw_for_leaving(
    *, participant: Participant, reason: str
) -> list[HandoverParticipant]:
    """The participant left the programme (or withdrew the consent to be registered in it):
    withdraw them from every handover that has not started (proposed, sent or accepted), so
    the receiving organisation no longer waits for them, and give back a place taken by an
    acceptance. A handover they started at stays: they are at the offer."""
    return _withdraw(
        HandoverParticipant.objects.filter(participant=participant, status__in=NOT_STARTED),
        reason=reason,
    )


def _withdraw(members, *, reason: str) -> list[HandoverParticipant]:
    """Withdraw `members` (a queryset of handed-over participants), locked, in the caller's
    transaction: places taken by an acceptance back to their offers, and the receiving
    organisations told after commit (for those it had been told about)."""
    members = list(
        members.select_for_update(of=("self",)).select_related("handover").order_by("pk")
    )
    if not members:
        return []
    places = {}
    for member in members:
        if member.status == Status.ACCEPTED and member.handover.offer_id:
            places[member.handover.offer_id] = places.get(member.handover.offer_id, 0) + 1
    for offer in Offer.objects.select_for_update().filter(pk__in=places, free_places__isnull=False):
        offer.free_places += places[offer.pk]
        offer.save(update_fields=["free_places"])
    now = timezone.now()
    for member in members:
        member.status = Status.WITHDRAWN
        member.withdrawn_at = now
        member.withdrawn_reason = reason.strip()
    HandoverParticipant.objects.bulk_update(members, ["status", "withdrawn_at", "withdrawn_reason"])
    refresh_status({member.participant_id for member in members})
    for handover_id in sorted({member.handover_id for member in members if member.sent_at}):
        transaction.on_commit(lambda pk=handover_id: notifications.deliver_now(handover_id=pk))
    return members


# --- Team handover: the hold continues at the receiving organisation -------------------------


@transaction.atomic
def continuing_offer_create(*, course: Course, organisation: Organisation, activity_type) -> Offer:
    """An offer at the receiving organisation that continues the course as it is: same place,
    same weekday and time, with places for the whole team, at the fee and on the terms of the
    partnership agreement in force with the organisation, when there is one."""
    agreement = (
        PartnershipAgreement.objects.filter(
            project=course.programme.organisation_id,
            receiver=organisation,
            status=PartnershipAgreement.Status.ACTIVE,
        )
        .order_by("-version")
        .first()
    )
    offer = Offer(
        organisation=organisation,
        name=_("%(course)s (continues)") % {"course": course.name},
        description=_("The team from %(course)s continues here.") % {"course": course.name},
        activity_type=activity_type,
        venue=course.venue,
        address=course.address,
        municipality=course.municipality or course.programme.organisation.municipality,
        start_time=course.start_time,
        end_time=course.end_time,
        level=Offer.Level.GENTLE,
        suits_newcomers=True,
        fee=0,
        payment=Offer.Payment.MOBILEPAY,
        free_places=Enrolment.objects.on_roster().filter(course=course).count(),
        contact_name=organisation.contact_name,
        contact_email=organisation.contact_email,
        contact_phone=organisation.contact_phone,
    )
    if agreement is not None:
        if agreement.adapted_fee is not None:
            offer.fee = offer.adapted_fee = agreement.adapted_fee
            offer.adapted_fee_months = agreement.adapted_fee_months
        if agreement.payment_method:
            offer.description += " " + _("Payment: %(method)s.") % {
                "method": agreement.payment_method
            }
    offer.weekdays = [course.weekday]
    offer.save()
    return offer


# --- Notifications: a link, never personal data ------------------------------------------------


def _announce(member: HandoverParticipant) -> None:
    """Tell the other side once the transition has committed. The mail is marked as sent only
    when the mail server accepts it; otherwise `send_reminders` tries again (notifications.py)."""
    handover_id = member.handover_id
    transaction.on_commit(lambda: notifications.deliver_now(handover_id=handover_id))
