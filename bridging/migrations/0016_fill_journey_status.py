"""Fill the kept journey part of every participant's status from the definition
(bridging/status.py), in one UPDATE. Here in bridging, after its tables, because the definition
reads them; it runs the definition as the code has it now, like `manage.py refresh_statuses`."""

from django.db import migrations


def fill(apps, schema_editor):
    from participants.hooks import refresh_status

    Participant = apps.get_model("participants", "Participant")
    if Participant.objects.exists():
        refresh_status()


class Migration(migrations.Migration):
    dependencies = [
        ("bridging", "0015_withdrawal_notified"),
        ("participants", "0012_journey_status"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
