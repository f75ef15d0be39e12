"""The programme of a participant whose consent to be registered was withdrawn (and none is left)
ended that day, as the services now keep it (participants.services.programme_end_refresh): set
it where an earlier version left it out, so the retention period runs for them too. Written with
the historical models, not the live code; only moves an end date later, never clears one."""

from django.db import migrations


def forwards(apps, schema_editor):
    Consent = apps.get_model("participants", "Consent")
    Participant = apps.get_model("participants", "Participant")
    registration = Consent.objects.filter(purpose="registration")
    withdrawn = registration.filter(withdrawn_on__isnull=False).values("participant")
    ends, open_ = {}, set()
    for participant_id, withdrawn_on in registration.filter(participant__in=withdrawn).values_list(
        "participant_id", "withdrawn_on"
    ):
        if withdrawn_on is None:
            open_.add(participant_id)
        else:
            ends[participant_id] = max(ends.get(participant_id, withdrawn_on), withdrawn_on)
    for pk, day in ends.items():
        if pk not in open_:
            Participant.objects.filter(pk=pk, ended_on__isnull=True).update(ended_on=day)
            Participant.objects.filter(pk=pk, ended_on__lt=day).update(ended_on=day)


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0015_list_sets_only"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
