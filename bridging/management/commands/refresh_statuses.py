"""Re-derive the kept journey part of every participant's status from its definition
(bridging/status.py). The services keep it as they change the facts; run this after the facts
were changed another way (a data repair in SQL or the admin). It prints how many differed."""

from django.core.management.base import BaseCommand
from django.db import transaction

from participants.hooks import refresh_status
from participants.models import Participant


class Command(BaseCommand):
    help = "Re-derive every participant's kept status from the journey's facts."

    def handle(self, *args, **options):
        with transaction.atomic():
            before = dict(Participant.objects.values_list("pk", "journey_status"))
            refresh_status()
            after = Participant.objects.values_list("pk", "journey_status")
            changed = sum(1 for pk, status in after if before.get(pk) != status)
        self.stdout.write(
            f"refresh_statuses: {len(before):,} participants, {changed:,} status(es) corrected."
        )
