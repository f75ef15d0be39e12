"""Fill the kept journey part of every participant's status (Participant.journey_status), in one
UPDATE. Here in bridging, after its tables, because the definition reads them.

The fill is a frozen copy of the definition (bridging/status.py, rules 2-6, with
FollowUp.stopped) as the code had it when this migration was made self-contained (28 November
2026), not a call of the live `participants.hooks.refresh_status`: a later change to that code
(a new rule, a column it reads that a later migration adds) cannot change or break a migrate of
an old database. `manage.py refresh_statuses` brings the kept statuses to the code of the day
afterwards. tests/bridging/test_kept_status.py migrates from 0015 and compares the filled column
with what refresh_status() writes."""

from django.db import migrations

# Standard SQL that PostgreSQL and SQLite both run. In the order of precedence:
# continued: started at an offer (or withdrawn from the handover after starting) and no
#   follow-up says stopped unless a later one (by months) says active;
# handed_over: in a sent or accepted handover;
# in_course: enrolled (not waitlisted) on a planned or running course;
# ended: completed or withdrew from a course, a handover declined, or started (and stopped);
# recruited: nothing else.
_STARTED = """SELECT 1 FROM bridging_handoverparticipant m
    WHERE m.participant_id = participants_participant.id
        AND (m.status = 'started' OR (m.status = 'withdrawn' AND m.started_on IS NOT NULL))"""
FILL = f"""UPDATE participants_participant SET journey_status = CASE
    WHEN EXISTS ({_STARTED}
        AND NOT EXISTS (
            SELECT 1 FROM bridging_followup f
            WHERE f.member_id = m.id AND f.answer = 'stopped'
                AND NOT EXISTS (
                    SELECT 1 FROM bridging_followup later
                    WHERE later.member_id = f.member_id AND later.months > f.months
                        AND later.answer = 'active'
                )
        )) THEN 'continued'
    WHEN EXISTS (
        SELECT 1 FROM bridging_handoverparticipant m
        WHERE m.participant_id = participants_participant.id
            AND m.status IN ('sent', 'accepted')
    ) THEN 'handed_over'
    WHEN EXISTS (
        SELECT 1 FROM bridging_enrolment e
        JOIN bridging_course c ON c.id = e.course_id
        WHERE e.participant_id = participants_participant.id
            AND e.status = 'enrolled' AND c.status IN ('planned', 'running')
    ) THEN 'in_course'
    WHEN EXISTS (
        SELECT 1 FROM bridging_enrolment e
        WHERE e.participant_id = participants_participant.id
            AND e.status IN ('completed', 'withdrawn')
    ) OR EXISTS (
        SELECT 1 FROM bridging_handoverparticipant m
        WHERE m.participant_id = participants_participant.id AND m.status = 'declined'
    ) OR EXISTS ({_STARTED}) THEN 'ended'
    ELSE 'recruited'
END"""


def fill(apps, schema_editor):
    Participant = apps.get_model("participants", "Participant")
    if Participant.objects.using(schema_editor.connection.alias).exists():
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(FILL)


class Migration(migrations.Migration):
    dependencies = [
        ("bridging", "0015_withdrawal_notified"),
        ("participants", "0012_journey_status"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
