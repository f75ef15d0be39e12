"""Extension points for the apps above this one (see ARCHITECTURE: participants never imports
bridging). An app adds what it knows about a participant to the participant's timeline and to
the data-subject export by registering a function here from its AppConfig.ready().
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class TimelineEvent:
    on: datetime.date
    title: str
    detail: str = ""


TimelineProvider = Callable[[object], Iterable[TimelineEvent]]
ExportProvider = Callable[[object], tuple[str, object]]

timeline_providers: list[TimelineProvider] = []
export_providers: list[ExportProvider] = []


def timeline_provider(function: TimelineProvider) -> TimelineProvider:
    timeline_providers.append(function)
    return function


def export_provider(function: ExportProvider) -> ExportProvider:
    export_providers.append(function)
    return function


def timeline(participant) -> list[TimelineEvent]:
    events = [event for provider in timeline_providers for event in provider(participant)]
    return sorted(events, key=lambda event: event.on, reverse=True)


PageSectionProvider = Callable[[object, object], str]
page_section_providers: list[PageSectionProvider] = []


def page_section(function: PageSectionProvider) -> PageSectionProvider:
    """Register a function (request, participant) -> HTML for the participant page."""
    page_section_providers.append(function)
    return function


def page_sections(request, participant) -> list[str]:
    return [html for provider in page_section_providers if (html := provider(request, participant))]
