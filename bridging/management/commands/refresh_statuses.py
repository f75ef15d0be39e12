"""Re-derive what the services keep from its definition: the journey part of every
participant's status (bridging/status.py) and every enrolment's attendance figures and the
lowest score of its latest staff assessment (Enrolment.kept_*, bridging/figures.py). The
services keep them as they change the facts; run this after the facts were changed another way
(a data repair in SQL or the admin). It prints how many differed."""

from django.core.management.base import BaseCommand
from django.db import transaction

from bridging.figures import attendance_refresh, readiness_refresh
from bridging.models import Enrolment
from participants.hooks import refresh_status
from participants.models import Participant


class Command(BaseCommand):
    help = (
        "Re-derive every participant's kept status and every enrolment's kept attendance "
        "figures and readiness score from the journey's facts."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            before = dict(Participant.objects.values_list("pk", "journey_status"))
            refresh_status()
            after = Participant.objects.values_list("pk", "journey_status")
            changed = sum(1 for pk, status in after if before.get(pk) != status)
        self.stdout.write(
            f"refresh_statuses: {len(before):,} participants, {changed:,} status(es) corrected."
        )
        with transaction.atomic():
            kept = Enrolment.objects.values_list("pk", *Enrolment.KEPT_FIELDS)
            before = {pk: values for pk, *values in kept}
            attendance_refresh()
            readiness_refresh()
            changed = sum(1 for pk, *values in kept.all() if before.get(pk) != values)
        self.stdout.write(
            f"refresh_statuses: {len(before):,} enrolments, {changed:,} enrolment(s)' "
            "attendance figures or readiness score corrected."
        )
