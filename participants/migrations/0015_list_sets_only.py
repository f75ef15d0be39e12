"""Every list's entry has its set (0014): the set is required, the old table of each list's
participants goes, and on PostgreSQL a BRIN index finds a set's participants by the set (as
participants 0013 did for a list's; not part of the model state)."""

import django.db.models.deletion
from django.contrib.postgres.indexes import BrinIndex
from django.db import migrations, models

# A set of 2,418 people fills about 13 pages of 8 kB: ranges of 16 pages.
INDEX = BrinIndex(fields=["set"], name="list_set_participant_brin", pages_per_range=16)


def add_brin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("participants", "ListSetParticipant"), INDEX)


def remove_brin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("participants", "ListSetParticipant"), INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0014_list_sets"),
    ]

    operations = [
        migrations.AlterField(
            model_name="listaccess",
            name="set",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="participants.listset",
                verbose_name="participants",
            ),
        ),
        migrations.DeleteModel(name="ListAccessParticipant"),
        migrations.RunPython(add_brin, remove_brin, elidable=False),
    ]
