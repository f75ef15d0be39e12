"""Keep only a hash of each calendar feed's secret. Existing addresses keep working: their
secret is hashed in place, so the calendar apps already subscribed need nothing new."""

import hashlib

from django.db import migrations, models


def hash_existing_tokens(apps, schema_editor):
    CalendarFeed = apps.get_model("bridging", "CalendarFeed")
    for feed in CalendarFeed.objects.only("pk", "token"):
        feed.token_hash = hashlib.sha256(feed.token.encode()).hexdigest()
        feed.save(update_fields=["token_hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("bridging", "0006_programme_minimum_per_indicator"),
    ]

    operations = [
        migrations.AddField(
            model_name="calendarfeed",
            name="token_hash",
            field=models.CharField(max_length=64, null=True, verbose_name="hash of the secret"),
        ),
        migrations.RunPython(hash_existing_tokens, migrations.RunPython.noop),
        migrations.RemoveField(model_name="calendarfeed", name="token"),
        migrations.AlterField(
            model_name="calendarfeed",
            name="token_hash",
            field=models.CharField(max_length=64, unique=True, verbose_name="hash of the secret"),
        ),
    ]
