"""Daily: remind receiving organisations of unanswered handovers, flag long-unanswered ones to
the coordinator, and prompt follow-ups that are due. Idempotent: each reminder, flag and prompt
is sent once (its time is recorded), so running it twice a day changes nothing."""

import datetime

from django.conf import settings
from django.core.mail import send_mass_mail
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bridging.handovers import organisation_addresses
from bridging.models import FollowUp, HandoverParticipant

Status = HandoverParticipant.Status


class Command(BaseCommand):
    help = "Send due handover reminders, flags to coordinators and follow-up prompts."

    def handle(self, *args, **options):
        now = timezone.now()
        period = datetime.timedelta(days=settings.HANDOVER_REMINDER_DAYS)
        inbox = f"{settings.SITE_URL}{reverse('bridging:inbox')}"
        messages = []
        with transaction.atomic():
            due = HandoverParticipant.objects.select_for_update(of=("self",)).filter(
                status=Status.SENT
            )
            reminders = due.filter(sent_at__lte=now - period, reminded_at__isnull=True)
            for member in reminders.select_related("handover__receiver"):
                messages.append((
                    _("Reminder: participants are waiting for your answer"),
                    _("Please answer in your inbox:\n\n%(link)s") % {"link": inbox},
                    organisation_addresses(member.handover.receiver),
                ))  # fmt: skip
            reminded = reminders.update(reminded_at=now)
            flags = due.filter(reminded_at__lte=now - period, flagged_at__isnull=True)
            for member in flags.select_related("handover__proposed_by"):
                coordinator = member.handover.proposed_by
                messages.append((
                    _("A handover has had no answer"),
                    _("The receiving organisation has not answered after a reminder:\n\n%(link)s")
                    % {"link": f"{settings.SITE_URL}{member.handover.get_absolute_url()}"},
                    [coordinator.email] if coordinator and coordinator.email else [],
                ))  # fmt: skip
            flagged = flags.update(flagged_at=now)
            prompts = FollowUp.objects.select_for_update(of=("self",)).filter(
                answer="", prompted_at__isnull=True, due_on__lte=timezone.localdate()
            )
            for follow_up in prompts.select_related(
                "member__handover__receiver", "member__handover__proposed_by"
            ):
                handover = follow_up.member.handover
                recipients = (
                    organisation_addresses(handover.receiver) if handover.receiver_id else []
                )
                if handover.proposed_by and handover.proposed_by.email:
                    recipients.append(handover.proposed_by.email)
                messages.append((
                    _("Follow-up: is the participant still active?"),
                    _("Please answer the follow-up here:\n\n%(link)s") % {"link": inbox},
                    recipients,
                ))  # fmt: skip
            prompted = prompts.update(prompted_at=now)
            batch = [(s, b, settings.DEFAULT_FROM_EMAIL, to) for s, b, to in messages if to]
            transaction.on_commit(lambda: send_mass_mail(batch, fail_silently=True))
        self.stdout.write(
            f"Reminders: {reminded}, flagged to coordinators: {flagged}, "
            f"follow-up prompts: {prompted}."
        )
