"""Daily: remind receiving organisations of unanswered handovers, flag long-unanswered ones to
the coordinator, prompt follow-ups that are due, and retry any notification the mail server
refused before. Each address gets one mail per run with everything due for it. A notice is
marked sent only when its mail was accepted, so running it twice a day sends nothing twice, and
a refused mail is tried again on the next run. Refusals are logged and make the command exit
with a non-zero status, so cron reports them."""

from django.core.management.base import BaseCommand, CommandError

from bridging.notifications import deliver, due_notices


class Command(BaseCommand):
    help = "Send due handover reminders, flags to coordinators, follow-up prompts and notices."

    def handle(self, *args, **options):
        report = deliver(due_notices())
        marked = report.marked
        self.stdout.write(
            f"Mails: {report.mails}. Reminders: {marked['reminded_at']}, flagged to "
            f"coordinators: {marked['flagged_at']}, follow-up prompts: {marked['prompted_at']}, "
            f"notices: {marked['notified_at'] + marked['answer_notified_at']}."
        )
        if report.failed:
            raise CommandError(
                f"{len(report.failed)} mail(s) were not accepted and will be tried again on the "
                "next run: " + "; ".join(f"{address} ({why})" for address, why in report.failed)
            )
