"""The lowest score of each enrolment's latest staff assessment, kept on the enrolment
(Enrolment.kept_lowest_score) for the exit-ready rule, and filled.

The fill is a frozen copy of what `bridging.figures.readiness_refresh()` writes for every
enrolment when this migration was written (the latest staff assessment: the newest day, then
the newest written, then the highest id), so a later change to that code cannot change or break
a migrate of an old database; `manage.py refresh_statuses` brings it to the code of the day
afterwards. tests/bridging/test_kept_readiness.py migrates from 0020 with assessments and
compares the filled column with what readiness_refresh() writes."""

from django.db import migrations, models

SCORES = (
    "a.knows_offers, a.knows_purpose, a.takes_part, a.has_vision, a.joy_of_movement, "
    "a.progress, a.manages_in_offer, a.belonging"
)

# Standard SQL but for the lowest of several values: LEAST on PostgreSQL, MIN on SQLite.
FILL = """UPDATE bridging_enrolment SET kept_lowest_score = (
    SELECT {lowest}({scores}) FROM bridging_assessment a
    WHERE a.enrolment_id = bridging_enrolment.id AND a.source = 'staff'
    ORDER BY a.assessed_on DESC, a.created_at DESC, a.id DESC LIMIT 1
)"""


def fill(apps, schema_editor):
    lowest = "LEAST" if schema_editor.connection.vendor == "postgresql" else "MIN"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FILL.format(lowest=lowest, scores=SCORES))


class Migration(migrations.Migration):
    dependencies = [
        ("bridging", "0020_blank_free_text_of_anonymised"),
    ]

    operations = [
        migrations.AddField(
            model_name="enrolment",
            name="kept_lowest_score",
            field=models.PositiveSmallIntegerField(
                editable=False,
                null=True,
                verbose_name="lowest score of the latest staff assessment",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
