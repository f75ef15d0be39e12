"""After 0014 rewrote the offers' table, on PostgreSQL:

- The search index takes new rows into the index itself, not into GIN's pending list
  (`fastupdate`). Offers change seldom and are searched often: with a pending list, rows added
  since the last vacuum are read one by one by every search, and PostgreSQL prices the index by
  the list's length, so after an import it could read every offer instead.
- VACUUM ANALYZE the table. The rewrite left its visibility map empty, so until a vacuum every
  count and page read off an index (the directory's order, `modified_after`) also read the
  offers' rows; a rewrite does not prompt autovacuum. VACUUM cannot run in a transaction, hence
  `atomic = False`.
"""

from django.db import migrations


def fastupdate(value):
    def set_fastupdate(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"ALTER INDEX offer_published_search_text SET (fastupdate = {value})"
            )
            if value == "off":
                schema_editor.execute("VACUUM ANALYZE partnerships_offer")

    return set_fastupdate


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("partnerships", "0014_offer_search_text"),
    ]

    operations = [
        migrations.RunPython(fastupdate("off"), fastupdate("on"), elidable=False),
    ]
