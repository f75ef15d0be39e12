"""Lists' participants stored once per set of people: an entry of the access log for a list
(`ListAccess`) refers to a `ListSet`, named by the digest of its participants' ids, whose
participants (`ListSetParticipant`) are written the first time that set is logged. An export of
an unchanged handover list then writes one row instead of one per participant.

This migration makes the sets of the lists logged so far (the same people once), and 0015
removes the old table of each list's participants.
"""

import hashlib
import itertools

import django.db.models.deletion
from django.db import migrations, models

BATCH = 5000


def digest_of(ids) -> str:
    # As participants.services.set_digest (a migration keeps its own copy).
    return hashlib.sha256(",".join(str(pk) for pk in sorted(set(ids))).encode()).hexdigest()


def make_sets(apps, schema_editor):
    ListAccess = apps.get_model("participants", "ListAccess")
    ListAccessParticipant = apps.get_model("participants", "ListAccessParticipant")
    ListSet = apps.get_model("participants", "ListSet")
    ListSetParticipant = apps.get_model("participants", "ListSetParticipant")
    db = schema_editor.connection.alias
    rows = (
        ListAccessParticipant.objects.using(db)
        .order_by("access_id", "participant_id")
        .values_list("access_id", "participant_id")
        .iterator(chunk_size=BATCH)
    )
    members = {
        access_id: [pk for _a, pk in group]
        for access_id, group in itertools.groupby(rows, key=lambda row: row[0])
    }
    sets = {}  # digest: id
    for access_id in ListAccess.objects.using(db).order_by("pk").values_list("pk", flat=True):
        ids = members.get(access_id, [])
        digest = digest_of(ids)
        if digest not in sets:
            sets[digest] = ListSet.objects.using(db).create(digest=digest).pk
            ListSetParticipant.objects.using(db).bulk_create(
                (ListSetParticipant(participant_id=pk, set_id=sets[digest]) for pk in ids),
                batch_size=BATCH,
            )
        ListAccess.objects.using(db).filter(pk=access_id).update(set_id=sets[digest])


def make_lists(apps, schema_editor):
    ListAccess = apps.get_model("participants", "ListAccess")
    ListAccessParticipant = apps.get_model("participants", "ListAccessParticipant")
    ListSetParticipant = apps.get_model("participants", "ListSetParticipant")
    db = schema_editor.connection.alias
    for access_id, set_id in ListAccess.objects.using(db).values_list("pk", "set_id"):
        ids = ListSetParticipant.objects.using(db).filter(set_id=set_id)
        ListAccessParticipant.objects.using(db).bulk_create(
            (
                ListAccessParticipant(participant_id=pk, access_id=access_id)
                for pk in ids.values_list("participant_id", flat=True)
            ),
            batch_size=BATCH,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0013_list_access_participant_access_brin"),
    ]

    operations = [
        migrations.CreateModel(
            name="ListSet",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("digest", models.CharField(max_length=64, unique=True, verbose_name="digest")),
            ],
            options={
                "verbose_name": "set of participants in lists",
                "verbose_name_plural": "sets of participants in lists",
            },
        ),
        migrations.CreateModel(
            name="ListSetParticipant",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "participant",
                        "set",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "participant",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="participants.participant",
                        verbose_name="participant",
                    ),
                ),
                (
                    "set",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="entries",
                        to="participants.listset",
                        verbose_name="set",
                    ),
                ),
            ],
            options={
                "verbose_name": "participant in a set of lists",
                "verbose_name_plural": "participants in sets of lists",
            },
        ),
        migrations.AddField(
            model_name="listaccess",
            name="set",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="participants.listset",
                verbose_name="participants",
            ),
        ),
        migrations.RunPython(make_sets, make_lists, elidable=False),
    ]
