"""The open offer directory's search text as a stored column, kept by the database.

0011's trigram index was on an expression: PostgreSQL could find a rare word through it, but
for a word in nearly every offer ("seniorer", a single letter) it worked the expression out
again for each of 27,000 rows, and the search took half a second at national scale. The text is
now a generated column (in capitals, so a search compares it as it is), with the trigram index
on the column; ANALYZE measures it like any column, so 0013's statistics on the expression go.
On SQLite only the column is added.
"""

import django.db.models.functions.text
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations, models

PUBLISHED = models.Q(is_active=True, is_listed=True)


def _index():
    return GinIndex(
        OpClass("search_text", name="gin_trgm_ops"),
        condition=PUBLISHED,
        name="offer_published_search_text",
    )


def drop_expression_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP STATISTICS IF EXISTS offer_search_document")
        schema_editor.execute("DROP INDEX IF EXISTS offer_published_search")


def add_column_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("partnerships", "Offer"), _index())
        schema_editor.execute("ANALYZE partnerships_offer")


def remove_column_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("partnerships", "Offer"), _index())


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0013_offer_search_statistics"),
    ]

    operations = [
        # Not reversible: going back, migrate to 0010 and forward again for 0011-0013's index.
        migrations.RunPython(drop_expression_index, migrations.RunPython.noop, elidable=False),
        migrations.AddField(
            model_name="offer",
            name="search_text",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Upper(
                    django.db.models.functions.text.Concat(
                        "name",
                        models.Value(" "),
                        "description",
                        models.Value(" "),
                        "municipality",
                        models.Value(" "),
                        "area",
                        models.Value(" "),
                        "venue",
                        models.Value(" "),
                        "target_group",
                        output_field=models.TextField(),
                    )
                ),
                output_field=models.TextField(),
            ),
        ),
        migrations.RunPython(add_column_index, remove_column_index, elidable=False),
    ]
