"""A trigram index for the open offer directory's `search` (HSDS), on PostgreSQL only.

A search word may occur anywhere inside an offer's text fields (`icontains`), which no B-tree
index can find: at national scale every search read all 30,000 offers. A pg_trgm GIN index
answers `UPPER(text) LIKE '%WORD%'`, the SQL of `icontains`, from the index. (The organisations'
and activity types' names are few enough to read.) SQLite has neither the extension nor GIN
indexes: there these operations do nothing and the search reads the table as before, with the
same results. The index is not part of the model state, so no later migration rebuilds it on
SQLite; its expression is the one `partnerships.models.offers.search_document()` builds, frozen
here (a test on PostgreSQL checks that the search still uses it).
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models
from django.db.models.functions import Concat, Upper

PUBLISHED = models.Q(is_active=True, is_listed=True)


def _document():
    parts = []
    for field in ("name", "description", "municipality", "area", "venue", "target_group"):
        parts += [field, models.Value(" ")]
    return Concat(*parts[:-1], output_field=models.TextField())


def _indexes(apps):  # (model, index) pairs
    return [
        (
            apps.get_model("partnerships", "Offer"),
            GinIndex(
                OpClass(Upper(_document()), name="gin_trgm_ops"),
                condition=PUBLISHED,
                name="offer_published_search",
            ),
        ),
    ]


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for model, index in _indexes(apps):
            schema_editor.add_index(model, index)


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for model, index in _indexes(apps):
            schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0010_municipality_values"),
    ]

    operations = [
        # Does nothing on other databases than PostgreSQL.
        TrigramExtension(),
        migrations.RunPython(add_indexes, remove_indexes, elidable=False),
    ]
