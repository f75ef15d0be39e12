"""Anonymisation now also blanks the free text written about a participant (the reason for
leaving, on the participant and on each return to the programme): the same for those
anonymised before."""

from django.db import migrations


def blank_free_text(apps, schema_editor):
    Participant = apps.get_model("participants", "Participant")
    ProgrammeReturn = apps.get_model("participants", "ProgrammeReturn")
    anonymised = Participant.objects.filter(anonymised_at__isnull=False)
    anonymised.exclude(withdrawn_reason="").update(withdrawn_reason="")
    ProgrammeReturn.objects.filter(participant__in=anonymised.values("pk")).exclude(
        left_reason=""
    ).update(left_reason="")


class Migration(migrations.Migration):
    dependencies = [("participants", "0017_programme_returns")]

    operations = [migrations.RunPython(blank_free_text, migrations.RunPython.noop)]
