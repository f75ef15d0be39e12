"""The participant app's own entries on the participant's timeline."""

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from .hooks import TimelineEvent, timeline_provider
from .models import Consent, ProgrammeReturn


@timeline_provider
def registration_and_consents(participant):
    yield TimelineEvent(
        on=timezone.localdate(participant.created_at),
        title=_("Registered in the programme"),
        detail=participant.get_recruitment_display(),
    )
    for consent in _consents(participant):
        purpose = consent.get_purpose_display()
        if consent.organisation:
            purpose = f"{purpose}: {consent.organisation.name}"
        yield TimelineEvent(on=consent.given_on, title=_("Consent given"), detail=purpose)
        if consent.withdrawn_on:
            yield TimelineEvent(
                on=consent.withdrawn_on, title=_("Consent withdrawn"), detail=purpose
            )
    for came_back in _returns(participant):
        yield TimelineEvent(
            on=came_back.left_on, title=_("Left the programme"), detail=came_back.left_reason
        )
        yield TimelineEvent(on=came_back.returned_on, title=_("Back in the programme"))
    if participant.withdrawn_on:
        yield TimelineEvent(
            on=participant.withdrawn_on,
            title=_("Left the programme"),
            detail=participant.withdrawn_reason,
        )
    elif participant.ended_on:
        yield TimelineEvent(
            on=participant.ended_on,
            title=_("Programme ended"),
            detail=participant.get_status_display(),
        )


HAS_RETURNED = "has_returned"
"""The annotation (`returned()`) that says whether the participant ever came back after
leaving: the participant page reads it with the participant, so the timeline asks for the
returns only of those who have any."""


def returned():
    return Exists(ProgrammeReturn.objects.filter(participant=OuterRef("pk")))


def _returns(participant):
    """The participant's leavings that were undone, oldest first: none without a query when the
    participant was read with HAS_RETURNED false."""
    if participant.__dict__.get(HAS_RETURNED, True) is False:
        return []
    return ProgrammeReturn.objects.filter(participant=participant).only(
        "left_on", "left_reason", "returned_on"
    )


CONSENTS_READ = "_consents_read"
"""Where the participant page keeps the participant's consents it read (with organisations)."""


def _consents(participant):
    """The participant's consents with their organisations: as the page read them already
    (CONSENTS_READ), or in one query."""
    read = participant.__dict__.get(CONSENTS_READ)
    if read is not None:
        return read
    return Consent.objects.filter(participant=participant).select_related("organisation")
