"""The offers' search index (0014) takes new rows into the index itself, not into GIN's pending
list (`fastupdate`). Offers change seldom and are searched often: with a pending list, rows
added since the last vacuum are read one by one by every search, and PostgreSQL prices the index
by the list's length, so after an import it could read every offer instead. PostgreSQL only."""

from django.db import migrations


def fastupdate(value):
    def set_fastupdate(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"ALTER INDEX offer_published_search_text SET (fastupdate = {value})"
            )
            if value == "off":
                # Move what is already pending into the index.
                schema_editor.execute(
                    "SELECT gin_clean_pending_list('offer_published_search_text')"
                )

    return set_fastupdate


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0014_offer_search_text"),
    ]

    operations = [
        migrations.RunPython(fastupdate("off"), fastupdate("on"), elidable=False),
    ]
