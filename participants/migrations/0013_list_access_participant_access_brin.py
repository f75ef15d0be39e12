"""An index for finding a list's participants by the list (`ListAccessParticipant.access`),
as deleting a `ListAccess` does: the primary key (participant, access) starts with the
participant, so it cannot serve them, and PostgreSQL read the whole table.

A BRIN index on PostgreSQL, not a B-tree: each list's rows are written together by one INSERT,
in the order of the lists' ids, so a summary per range of table pages finds them, at almost no
cost to the export that writes thousands of rows at a time. SQLite has no BRIN indexes: there
the column has no index of its own. Like participants 0009, the index is not part of the
model state.
"""

from django.contrib.postgres.indexes import BrinIndex
from django.db import migrations

# A list of 2,418 names fills about 13 pages of 8 kB: ranges of 16 pages, not the default 128.
INDEX = BrinIndex(fields=["access"], name="list_access_participant_brin", pages_per_range=16)


def add_brin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("participants", "ListAccessParticipant"), INDEX)


def remove_brin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("participants", "ListAccessParticipant"), INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0012_journey_status"),
    ]

    operations = [
        migrations.RunPython(add_brin, remove_brin, elidable=False),
    ]
