"""The participant's status is derived from what happened (bridging/status.py), no longer typed.

The one status a person typed that no other record holds, "withdrawn", becomes the
coordinator's "left the programme" with its date; every other stored status is dropped, as the
journey's own records now say it."""

from django.db import migrations, models
from django.db.models.functions import Coalesce, TruncDate


def keep_withdrawals(apps, schema_editor):
    Participant = apps.get_model("participants", "Participant")
    Participant.objects.filter(status="withdrawn").update(
        withdrawn_on=Coalesce("ended_on", TruncDate("updated_at")),
        withdrawn_reason="Udmeldt før status blev afledt",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0005_municipality_values"),
    ]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="withdrawn_on",
            field=models.DateField(
                blank=True, null=True, verbose_name="withdrawn from the programme on"
            ),
        ),
        migrations.AddField(
            model_name="participant",
            name="withdrawn_reason",
            field=models.CharField(blank=True, max_length=200, verbose_name="reason for leaving"),
        ),
        migrations.RunPython(keep_withdrawals, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="participant",
            name="status",
        ),
        migrations.AlterField(
            model_name="participant",
            name="ended_on",
            field=models.DateField(
                blank=True,
                help_text="When the participant's programme ended: set when a course of theirs "
                "is completed or they leave the programme. Starts the retention period.",
                null=True,
                verbose_name="programme ended on",
            ),
        ),
    ]
