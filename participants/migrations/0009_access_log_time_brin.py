"""The access log's index on `at`: a BRIN index on PostgreSQL instead of a B-tree.

No query reads the log by time alone: a participant's entries are found by `participant`. Yet
every entry written (2,418 for one export of the handover list at national scale) also went
into the B-tree on `at`. The log is written in time order, so a BRIN index (a summary per
range of table pages, kept up at almost no cost) still finds a period's entries, say for a
retention purge. SQLite has no BRIN indexes: there `at` has no index. The BRIN index is not
part of the model state, like the offers' trigram index (partnerships 0011).
"""

from django.contrib.postgres.indexes import BrinIndex
from django.db import migrations, models
from django.utils import timezone

INDEX = BrinIndex(fields=["at"], name="participant_access_at_brin")


def add_brin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("participants", "ParticipantAccess"), INDEX)


def remove_brin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("participants", "ParticipantAccess"), INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0008_consent_registration_withdrawn_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="participantaccess",
            name="at",
            field=models.DateTimeField(default=timezone.now, verbose_name="when"),
        ),
        migrations.RunPython(add_brin, remove_brin, elidable=False),
    ]
