"""Anonymisation now also blanks the contact or buddy named for a handed-over participant's
start (see participant_hooks.blank_free_text): the same for those anonymised before. The day of
the first session and the statuses stay."""

from django.db import migrations


def blank_free_text(apps, schema_editor):
    Participant = apps.get_model("participants", "Participant")
    HandoverParticipant = apps.get_model("bridging", "HandoverParticipant")
    anonymised = Participant.objects.filter(anonymised_at__isnull=False).values("pk")
    HandoverParticipant.objects.filter(participant__in=anonymised).exclude(buddy="").update(
        buddy=""
    )


class Migration(migrations.Migration):
    dependencies = [("bridging", "0021_kept_lowest_score")]

    operations = [migrations.RunPython(blank_free_text, migrations.RunPython.noop)]
