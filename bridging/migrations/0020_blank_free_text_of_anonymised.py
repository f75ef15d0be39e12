"""Anonymisation now also blanks the free text written about a participant on their journey
(reasons and notes; see participant_hooks.blank_free_text): the same for those anonymised
before. Statuses, choices, dates and scores stay."""

from django.db import migrations
from django.db.models import Case, Value, When


def blank_free_text(apps, schema_editor):
    Participant = apps.get_model("participants", "Participant")
    Enrolment = apps.get_model("bridging", "Enrolment")
    HandoverParticipant = apps.get_model("bridging", "HandoverParticipant")
    FollowUp = apps.get_model("bridging", "FollowUp")
    Assessment = apps.get_model("bridging", "Assessment")
    anonymised = Participant.objects.filter(anonymised_at__isnull=False).values("pk")
    # A withdrawal must give a reason (enrolment_withdrawal_has_reason): the neutral one the
    # anonymisation writes, in Danish (the language the programme runs in).
    Enrolment.objects.filter(participant__in=anonymised).update(
        withdrawn_reason=Case(
            When(status="withdrawn", then=Value("(slettet ved anonymisering)")),
            default=Value(""),
        )
    )
    HandoverParticipant.objects.filter(participant__in=anonymised).update(
        decline_note="", overlap_reason="", withdrawn_reason=""
    )
    FollowUp.objects.filter(member__participant__in=anonymised).update(stop_reason="")
    Assessment.objects.filter(enrolment__participant__in=anonymised).update(
        indicator_notes={}, note="", wishes_after="", known_offers=""
    )


class Migration(migrations.Migration):
    dependencies = [
        ("bridging", "0019_follow_up_of_member_in_order"),
        ("participants", "0017_programme_returns"),
    ]

    operations = [migrations.RunPython(blank_free_text, migrations.RunPython.noop)]
