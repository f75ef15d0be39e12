"""The rest of the open offer directory's `search`, which also finds an offer by its
organisation's or activity type's name: a trigram index on the organisations' names, on
PostgreSQL only and outside the model state like 0011's (otherwise every word reads all 6,000
organisations), and the published offers of an activity type with their ids, so that part of
the search is read off an index alone."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations, models
from django.db.models.functions import Upper


def _index():
    return GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="organisation_name_search")


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("partnerships", "Organisation"), _index())


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("partnerships", "Organisation"), _index())


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0011_offer_search_trigram"),
    ]

    operations = [
        migrations.RunPython(add_index, remove_index, elidable=False),
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(
                condition=models.Q(("is_active", True), ("is_listed", True)),
                fields=["activity_type"],
                include=("id",),
                name="offer_published_activity_type",
            ),
        ),
    ]
