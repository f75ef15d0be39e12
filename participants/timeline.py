"""The participant app's own entries on the participant's timeline."""

from django.utils import timezone
from django.utils.translation import gettext as _

from .hooks import TimelineEvent, timeline_provider
from .models import Consent


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


CONSENTS_READ = "_consents_read"
"""Where the participant page keeps the participant's consents it read (with organisations)."""


def _consents(participant):
    """The participant's consents with their organisations: as the page read them already
    (CONSENTS_READ), or in one query."""
    read = participant.__dict__.get(CONSENTS_READ)
    if read is not None:
        return read
    return Consent.objects.filter(participant=participant).select_related("organisation")
