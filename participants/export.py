"""Everything held about one participant, for their right of access (GDPR art. 15)."""

from django.utils import timezone

from . import hooks
from .models import (
    Consent,
    ListAccess,
    Participant,
    ParticipantAccess,
    ProgrammeReturn,
    access_history,
)

PARTICIPANT_FIELDS = [
    "id",
    "first_name",
    "last_name",
    "phone",
    "email",
    "address",
    "postcode",
    "city",
    "birth_year",
    "gender",
    "municipality",
    "home_area",
    "recruitment",
    "status",
    "journey_status",
    "withdrawn_on",
    "withdrawn_reason",
    "ended_on",
    "health_notes",
    "preferred_weekdays",
    "preferred_times",
    "max_travel_km",
    "max_monthly_fee",
    "continue_with_team",
    "motivation",
    "created_at",
    "updated_at",
    "anonymised_at",
]


def _value(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def participant_export(participant: Participant) -> dict:
    participant.get_status_display()  # the derived status, read once if not annotated
    data = {
        "exported_at": timezone.now().isoformat(),
        "participant": {name: _value(getattr(participant, name)) for name in PARTICIPANT_FIELDS},
    }
    data["participant"]["organisation"] = participant.organisation.name
    data["participant"]["registered_by"] = _user(participant.created_by)
    data["participant"]["preferred_activities"] = [
        activity.name for activity in participant.preferred_activities.all()
    ]
    data["consents"] = [
        {
            "purpose": consent.purpose,
            "purpose_label": str(consent.get_purpose_display()),
            "organisation": consent.organisation.name if consent.organisation else None,
            "text_version": consent.text_version,
            "text": str(consent.text),
            "given_on": _value(consent.given_on),
            "method": consent.method,
            "recorded_by": _user(consent.recorded_by),
            "recorded_at": _value(consent.recorded_at),
            "withdrawn_on": _value(consent.withdrawn_on),
            "withdrawal_recorded_by": _user(consent.withdrawal_recorded_by),
        }
        for consent in Consent.objects.filter(participant=participant).select_related(
            "organisation", "recorded_by", "withdrawal_recorded_by"
        )
    ]
    data["returns_to_the_programme"] = [
        {
            "left_on": _value(came_back.left_on),
            "left_reason": came_back.left_reason,
            "returned_on": _value(came_back.returned_on),
            "recorded_by": _user(came_back.recorded_by),
            "recorded_at": _value(came_back.recorded_at),
        }
        for came_back in ProgrammeReturn.objects.filter(participant=participant).select_related(
            "recorded_by"
        )
    ]
    data["access_log"] = [
        {
            "at": _value(entry.at),
            "user": _user(entry.user),
            "role": entry.role,
            "action": entry.action,
            "fields": entry.fields,
            "in_words": (
                f"{entry.get_role_display()}: {entry.get_action_display()}"
                + (f": {entry.get_fields_display()}" if entry.fields else "")
            ),
        }
        for entry in access_history(
            ParticipantAccess.objects.filter(participant=participant).select_related("user"),
            ListAccess.objects.including(participant).select_related("user"),
            participant,
        )
    ]
    for provider in hooks.export_providers:
        key, value = provider(participant)
        data[key] = value
    return data


def _user(user):
    if user is None:
        return None
    return user.get_full_name() or user.username
