"""Anonymise participants whose data has outlived its purpose. Meant for a daily cron job.

A participant is expired when their programme ended more than the retention period ago
(PARTICIPANT_RETENTION_MONTHS, default 24) and they have no active consent to follow-up contact.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from participants.services import expired_participants, participant_anonymise


class Command(BaseCommand):
    help = "Anonymise participants whose programme ended longer ago than the retention period."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be anonymised; change nothing."
        )
        parser.add_argument(
            "--months",
            type=int,
            default=settings.PARTICIPANT_RETENTION_MONTHS,
            help="Retention period in months (default: %(default)s).",
        )

    def handle(self, *args, dry_run=False, months=None, **options):
        expired = list(expired_participants(months=months).select_related("organisation"))
        verb = "Would anonymise" if dry_run else "Anonymised"
        for participant in expired:
            if not dry_run:
                participant_anonymise(participant=participant, membership=None)
            self.stdout.write(
                f"{verb} participant {participant.pk} ({participant.organisation.name}, "
                f"programme ended {participant.ended_on})"
            )
        self.stdout.write(f"{verb} {len(expired)} participant(s); retention {months} months.")
