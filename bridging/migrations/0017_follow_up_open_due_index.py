from django.db import migrations, models


def analyze(apps, schema_editor):
    """Statistics of the new index's expression now (what it is for), not at the next
    automatic ANALYZE."""
    if schema_editor.connection.vendor == "postgresql":
        table = apps.get_model("bridging", "FollowUp")._meta.db_table
        schema_editor.execute(f"ANALYZE {schema_editor.quote_name(table)}")


class Migration(migrations.Migration):
    dependencies = [
        ("bridging", "0016_fill_journey_status"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(
                models.Case(models.When(answer="", then="due_on")), name="follow_up_open_due"
            ),
        ),
        migrations.RunPython(analyze, migrations.RunPython.noop, elidable=True),
    ]
