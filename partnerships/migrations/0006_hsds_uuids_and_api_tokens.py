# Public identifiers for the open offer directory (HSDS), filled for existing rows, and API
# tokens. The unique constraint follows in 0007, in its own transaction.

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_uuids(apps, schema_editor):
    for model_name, fields in [
        ("Organisation", ["uuid"]),
        ("ActivityType", ["uuid"]),
        ("Offer", ["uuid", "site_uuid"]),
    ]:
        model = apps.get_model("partnerships", model_name)
        rows = list(model.objects.filter(uuid__isnull=True).only("pk"))
        for row in rows:
            for field in fields:
                setattr(row, field, uuid.uuid4())
        model.objects.bulk_update(rows, fields, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0005_local_partnerships"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="activitytype",
            name="uuid",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="offer",
            name="contact_public",
            field=models.BooleanField(
                default=False,
                help_text="Show the contact person, email and phone in the open offer directory.",
                verbose_name="publish the contact details",
            ),
        ),
        migrations.AddField(
            model_name="offer",
            name="is_listed",
            field=models.BooleanField(
                default=True,
                help_text="Published as open data (Open Referral HSDS) while the offer is active, for municipalities, citizen-service desks and other directories to reuse.",
                verbose_name="listed in the open offer directory",
            ),
        ),
        migrations.AddField(
            model_name="offer",
            name="site_uuid",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="offer",
            name="uuid",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="organisation",
            name="uuid",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="What the token is for, e.g. the municipality's reporting tool.",
                        max_length=100,
                        verbose_name="name",
                    ),
                ),
                (
                    "key_prefix",
                    models.CharField(editable=False, max_length=12, verbose_name="starts with"),
                ),
                ("key_hash", models.CharField(editable=False, max_length=64, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                (
                    "last_used_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="last used"
                    ),
                ),
                (
                    "revoked_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="revoked"
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="api_tokens",
                        to="partnerships.organisation",
                        verbose_name="organisation",
                    ),
                ),
                (
                    "revoked_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="revoked by",
                    ),
                ),
            ],
            options={
                "verbose_name": "API token",
                "verbose_name_plural": "API tokens",
                "ordering": ["revoked_at", "-created_at"],
            },
        ),
        migrations.RunPython(fill_uuids, migrations.RunPython.noop),
    ]
