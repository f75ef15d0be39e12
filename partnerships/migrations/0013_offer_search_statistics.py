"""Statistics on the search text of 0011's trigram index, on PostgreSQL only.

Without them PostgreSQL guesses that a search word occurs in about 200 offers whatever the
word, and for a word found in nearly all 27,000 (a single letter, "seniorer") it then looks
each one up again by its id, which took over a second at national scale. Extended statistics
on the expression (PostgreSQL 14 and later) let ANALYZE measure how common the words are. The
expression is read from the index itself, so the two cannot differ.
"""

from django.db import migrations

CREATE = """
DO $$
DECLARE document text;
BEGIN
    SELECT pg_get_expr(indexprs, indrelid) INTO document
    FROM pg_index WHERE indexrelid = 'offer_published_search'::regclass;
    EXECUTE format(
        'CREATE STATISTICS offer_search_document ON (%s) FROM partnerships_offer', document
    );
END $$;
ANALYZE partnerships_offer;
"""


def add_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def remove_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP STATISTICS IF EXISTS offer_search_document")


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0012_offer_search_indexes"),
    ]

    operations = [
        migrations.RunPython(add_statistics, remove_statistics, elidable=False),
    ]
