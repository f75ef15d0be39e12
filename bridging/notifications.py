"""Mail about handovers: what is due, sent as one mail per address, marked only when accepted.

Each notice belongs to a row and a time field on it (a handover sent but not yet announced to
the organisation: `HandoverParticipant.notified_at`; a reminder: `reminded_at`; ...). A notice
is due while its field is empty. `deliver` gathers every due notice, sends each address one
mail holding all of its notices, and fills a row's field only when at least one of its mails
was accepted by the mail server. A refused mail leaves the row due, so the next run of
`send_reminders` tries again; a row with no address at all is marked, as nothing can be sent.
Mails carry links only, never names or other personal data.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerships.models import Membership, Organisation

from .models import FollowUp, HandoverParticipant

logger = logging.getLogger(__name__)
Status = HandoverParticipant.Status


@dataclass(frozen=True)
class Notice:
    model: type
    pk: int
    field: str
    subject: str
    body: str
    recipients: tuple[str, ...]


@dataclass
class Report:
    marked: dict = field(default_factory=lambda: defaultdict(int))  # field name -> rows marked
    mails: int = 0
    failed: list = field(default_factory=list)  # (address, error)


def organisation_addresses(organisation: Organisation) -> list[str]:
    staff = Membership.objects.filter(
        organisation=organisation, role=Membership.Role.STAFF, user__is_active=True
    ).exclude(user__email="")
    addresses = {organisation.contact_email, *staff.values_list("user__email", flat=True)}
    return sorted(address for address in addresses if address)


def _site(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def due_notices(*, handover_id=None, now=None, reminders=True) -> list[Notice]:
    """Every notice that is due. `handover_id` limits it to one handover's participants (right
    after a transition); `reminders=False` leaves out reminders, flags and follow-up prompts."""
    now = now or timezone.now()
    inbox = _site(reverse("bridging:inbox"))
    rows = HandoverParticipant.objects.select_related(
        "handover__receiver", "handover__proposed_by"
    ).order_by("pk")
    if handover_id is not None:
        rows = rows.filter(handover_id=handover_id)
    addresses = {}

    def receiver_addresses(handover):
        if handover.receiver_id not in addresses:
            addresses[handover.receiver_id] = tuple(organisation_addresses(handover.receiver))
        return addresses[handover.receiver_id]

    def coordinator(handover):
        user = handover.proposed_by
        return (user.email,) if user and user.email else ()

    notices = []
    for member in rows.filter(
        status=Status.SENT, notified_at__isnull=True, handover__receiver__isnull=False
    ):
        notices.append(Notice(
            HandoverParticipant, member.pk, "notified_at",
            _("New participants are on their way to you"),
            _("Open your inbox to see who is coming and to answer:\n\n%(link)s") % {"link": inbox},
            receiver_addresses(member.handover),
        ))  # fmt: skip
    for member in rows.filter(answered_at__isnull=False, answer_notified_at__isnull=True):
        notices.append(Notice(
            HandoverParticipant, member.pk, "answer_notified_at",
            _("A handover has been answered"),
            _("See the answer here:\n\n%(link)s")
            % {"link": _site(member.handover.get_absolute_url())},
            coordinator(member.handover),
        ))  # fmt: skip
    # Withdrawn from a handover the organisation had been told about (the participant left the
    # programme or withdrew a consent): it no longer waits for them.
    for member in rows.filter(
        status=Status.WITHDRAWN,
        notified_at__isnull=False,
        withdrawal_notified_at__isnull=True,
        handover__receiver__isnull=False,
    ):
        notices.append(Notice(
            HandoverParticipant, member.pk, "withdrawal_notified_at",
            _("A participant is no longer on their way to you"),
            _("A participant handed over to you has been withdrawn from the handover. Your inbox "
              "shows who is still on their way:\n\n%(link)s") % {"link": inbox},
            receiver_addresses(member.handover),
        ))  # fmt: skip
    if not reminders:
        return notices
    period = datetime.timedelta(days=settings.HANDOVER_REMINDER_DAYS)
    waiting = rows.filter(status=Status.SENT)
    for member in waiting.filter(sent_at__lte=now - period, reminded_at__isnull=True):
        notices.append(Notice(
            HandoverParticipant, member.pk, "reminded_at",
            _("Reminder: participants are waiting for your answer"),
            _("Please answer in your inbox:\n\n%(link)s") % {"link": inbox},
            receiver_addresses(member.handover),
        ))  # fmt: skip
    for member in waiting.filter(reminded_at__lte=now - period, flagged_at__isnull=True):
        notices.append(Notice(
            HandoverParticipant, member.pk, "flagged_at",
            _("A handover has had no answer"),
            _("The receiving organisation has not answered after a reminder:\n\n%(link)s")
            % {"link": _site(member.handover.get_absolute_url())},
            coordinator(member.handover),
        ))  # fmt: skip
    # Someone withdrawn from the handover (they left, or withdrew the consent to share) is no
    # longer the organisation's to follow up.
    prompts = (
        FollowUp.objects.filter(
            answer="", prompted_at__isnull=True, due_on__lte=timezone.localdate(now)
        )
        .exclude(member__status=Status.WITHDRAWN)
        .select_related("member__handover__receiver", "member__handover__proposed_by")
    )
    for follow_up in prompts.order_by("pk"):
        handover = follow_up.member.handover
        recipients = receiver_addresses(handover) if handover.receiver_id else ()
        notices.append(Notice(
            FollowUp, follow_up.pk, "prompted_at",
            _("Follow-up: is the participant still active?"),
            _("Please answer the follow-up here:\n\n%(link)s") % {"link": inbox},
            tuple(sorted({*recipients, *coordinator(handover)})),
        ))  # fmt: skip
    return notices


def deliver(notices: list[Notice], *, now=None) -> Report:
    """Send one mail per address with all of its notices; mark what was accepted."""
    now = now or timezone.now()
    report = Report()
    by_address = defaultdict(list)
    for notice in notices:
        for address in notice.recipients:
            by_address[address].append(notice)
    accepted = set()
    connection = get_connection()
    for address, own in sorted(by_address.items()):
        subjects = list(dict.fromkeys(n.subject for n in own))
        subject = (
            subjects[0]
            if len(subjects) == 1
            else _("Bridging: %(count)s things wait for you") % {"count": len(subjects)}
        )
        body = "\n\n".join(
            dict.fromkeys(f"{n.subject}\n{n.body}" if len(subjects) > 1 else n.body for n in own)
        )
        message = EmailMessage(
            subject, body, settings.DEFAULT_FROM_EMAIL, [address], connection=connection
        )
        try:
            sent = message.send()
        except Exception as error:  # noqa: BLE001 - any refusal or outage: keep it due
            sent, reason = 0, f"{type(error).__name__}: {error}"
        else:
            reason = "not accepted"
        if sent:
            report.mails += 1
            accepted.update((n.model, n.pk, n.field) for n in own)
        else:
            report.failed.append((address, reason))
            logger.error(
                "Mail to %s was not accepted (%s); it is tried again on the next run.",
                address,
                reason,
            )
    done = defaultdict(list)
    for notice in notices:
        key = (notice.model, notice.pk, notice.field)
        if key in accepted or not notice.recipients:
            done[key[0], key[2]].append(key[1])
    for (model, field_name), pks in done.items():
        report.marked[field_name] += model.objects.filter(
            pk__in=pks, **{f"{field_name}__isnull": True}
        ).update(**{field_name: now})
    return report


def deliver_now(*, handover_id: int) -> None:
    """Right after a transition has committed: announce what is due on that handover (one
    mail per address however many were sent at once); a failure waits for `send_reminders`."""
    deliver(due_notices(handover_id=handover_id, reminders=False))
