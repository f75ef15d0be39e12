# The public identifiers are filled (0006): make them unique and default for new rows.

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0006_hsds_uuids_and_api_tokens"),
    ]

    operations = [
        migrations.AlterField(
            model_name="activitytype",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="offer",
            name="site_uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="offer",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
