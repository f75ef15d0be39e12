"""Delete the one-time tokens of create forms once no repeated post can come. Meant for a daily
cron job, like Django's `clearsessions`."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from common.models import UsedFormToken


class Command(BaseCommand):
    help = "Delete create forms' one-time tokens used longer ago than --days (default 7)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="Keep tokens this many days.")

    def handle(self, *args, days=7, **options):
        before = timezone.now() - datetime.timedelta(days=days)
        deleted, _ = UsedFormToken.objects.filter(used_at__lt=before).delete()
        self.stdout.write(f"Deleted {deleted} form token(s) used before {before:%Y-%m-%d %H:%M}.")
