"""Extension points for the apps above this one (see ARCHITECTURE: participants never imports
bridging). An app adds what it knows about a participant to the participant's timeline and to
the data-subject export by registering a function here from its AppConfig.ready().
"""

import datetime
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import CharField


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


WithdrawalHandler = Callable[[object], None]
withdrawal_handlers: list[WithdrawalHandler] = []


def withdrawal_handler(function: WithdrawalHandler) -> WithdrawalHandler:
    """Register a function (participant) run in the transaction that records the participant
    leaving the programme, e.g. to take them off their courses."""
    withdrawal_handlers.append(function)
    return function


# Called inside the transaction that anonymises a participant (participants.services.
# participant_anonymise, also run by the retention command for thousands), with the participant:
# an app above this one blanks the free text it holds about them (reasons, notes), keeping what
# statistics read (statuses, choices, dates, scores). One UPDATE per model, no row by row.
AnonymiseHandler = Callable[[object], None]
anonymise_handlers: list[AnonymiseHandler] = []


def on_anonymise(function: AnonymiseHandler) -> AnonymiseHandler:
    anonymise_handlers.append(function)
    return function


# --- The participant's status ------------------------------------------------------------------
# Derived, never typed. This app knows only what it holds itself (the coordinator's "left the
# programme" and the registration consent: `withdrawn_condition`, which depends on the day); the
# app that holds the journey (bridging) registers the rest of the definition, the journey part,
# with `status_definition`. The status is "withdrawn" when `withdrawn_condition` holds, and the
# journey part otherwise.
#
# The journey part changes only when a service changes a fact it reads (an enrolment, a course's
# state, a handover member, a follow-up's answer), so it is also kept on the participant
# (`Participant.journey_status`): those services call `refresh_status(participant_ids)` in
# their transaction, which re-derives it with the same definition in one UPDATE. Pages that
# count or filter many participants read it (`with_kept_status()`); the withdrawal is always
# read live.

StatusDefinition = Callable[[bool], object]
_status_definitions: list[StatusDefinition] = []


def status_definition(function: StatusDefinition) -> StatusDefinition:
    """Register the function (row_by_row) -> SQL expression of the journey part of the status
    (a `Participant.Status` other than withdrawn). The last one registered is the definition;
    it passes each subquery through `per_participant`."""
    _status_definitions.append(function)
    return function


def per_participant(queryset, row_by_row: bool, field="participant"):
    """`queryset`, facts about the outer participant (`field` = OuterRef("pk")), as a subquery
    PostgreSQL runs for each participant through the index on `field` when `row_by_row`.
    Left alone, it turns a subquery over thousands of participants into one hash of the whole
    table (every enrolment in the country for a project's counts); the extra condition, true
    for every row the subquery keeps, stops that rewrite. The result is the same."""
    if not row_by_row:
        return queryset
    from django.db.models import OuterRef

    return queryset.filter(**{f"{field}__gte": OuterRef("pk")})


def withdrawn_condition(today: datetime.date, row_by_row: bool = False):
    """Left the programme (the coordinator's action), or withdrew the consent to be registered
    in it and has no registration consent in force on `today`."""
    from django.db.models import Exists, OuterRef, Q

    from .models import Consent

    registration = Consent.objects.filter(
        participant=OuterRef("pk"), purpose=Consent.Purpose.REGISTRATION
    )
    # The withdrawn ones are few, in their own partial index (consent_registration_withdrawn):
    # read at once as a set even row by row, rather than looked up for every participant.
    withdrawn = registration.filter(withdrawn_on__lte=today)
    in_force = per_participant(registration, row_by_row).filter(given_on__lte=today)
    return Q(withdrawn_on__isnull=False) | (
        Exists(withdrawn)
        & ~Exists(in_force.filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today)))
    )


def journey_status_expression(row_by_row: bool = False):
    """The journey part of the status as an expression (every status but withdrawn)."""
    from django.db.models import Value

    from .models import Participant

    if not _status_definitions:
        return Value(Participant.Status.RECRUITED, output_field=CharField())
    return _status_definitions[-1](row_by_row)


def status_expression(today: datetime.date | None = None, row_by_row: bool = False):
    """The status as an expression for `annotate`. Built once per definition, day and mode:
    it is a dozen subqueries, and building them costs every page that shows a status a few
    milliseconds. Sharing the built expression is safe, as `annotate` resolves a copy of it
    (the rows are read afresh by every query; only the shape of the SQL is kept)."""
    from django.utils import timezone

    today = today or timezone.localdate()
    definition = _status_definitions[-1] if _status_definitions else None
    return _built_status_expression(definition, today, row_by_row)


@functools.lru_cache(maxsize=8)
def _built_status_expression(definition, today: datetime.date, row_by_row: bool):
    return _with_withdrawal(today, row_by_row, journey_status_expression(row_by_row))


def _with_withdrawal(today: datetime.date, row_by_row: bool, journey):
    from django.db.models import Case, Value, When

    from .models import Participant

    return Case(
        When(withdrawn_condition(today, row_by_row), then=Value(Participant.Status.WITHDRAWN)),
        default=journey,
        output_field=CharField(),
    )


def kept_status_expression(today: datetime.date | None = None, row_by_row: bool = False):
    """The same status, with the journey part read from where the services keep it
    (`Participant.journey_status`) instead of derived from the facts again."""
    from django.db.models import F
    from django.utils import timezone

    return _with_withdrawal(today or timezone.localdate(), row_by_row, F("journey_status"))


def kept_status_condition(status: str, today: datetime.date | None = None, row_by_row=False):
    """A filter for the participants whose status (as `kept_status_expression` reads it) is
    `status`, written so that the index on the kept journey part can serve it: withdrawn when
    the withdrawal holds, otherwise the kept journey part when it does not."""
    from django.db.models import Q
    from django.utils import timezone

    from .models import Participant

    withdrawn = withdrawn_condition(today or timezone.localdate(), row_by_row)
    if status == Participant.Status.WITHDRAWN:
        return withdrawn
    return Q(journey_status=status) & ~withdrawn


def refresh_status(participant_ids=None) -> int:
    """Re-derive the kept journey part of the status of the participants `participant_ids`
    (ids or a query of ids; all participants when None) from the definition, in one UPDATE.
    Called by every service that changes a fact the definition reads, inside its transaction.

    The rows are locked first, in their own statement: a service changing the same
    participant at the same moment waits there for this transaction to end, and its UPDATE,
    a statement begun after that, reads the facts this one committed (an UPDATE that only
    waited on the row would re-derive from the facts as they were when it began)."""
    from .models import Participant

    if participant_ids is None:
        return Participant.objects.update(journey_status=journey_status_expression(False))
    ids = list(
        Participant.objects.filter(pk__in=participant_ids)
        .select_for_update()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    return Participant.objects.filter(pk__in=ids).update(
        journey_status=journey_status_expression(row_by_row=True)
    )


# --- The programme end date (the start of the retention period) -------------------------------
# This app knows two of the days a participant's programme can end on: the day they left it and
# the day their consent to be registered ended. An app above it adds the days it knows (bridging:
# the last day of the latest course they completed) by registering a function
# (participant_ids) -> {participant_id: date}. participants.services.programme_end_refresh
# takes the latest of them all.
ProgrammeEndProvider = Callable[[list], dict]
programme_end_providers: list[ProgrammeEndProvider] = []


def programme_end_provider(function: ProgrammeEndProvider) -> ProgrammeEndProvider:
    programme_end_providers.append(function)
    return function


# The programme's end date says when it ended, but someone can come back after it: enrol on a new
# course, or be handed over again. Until that is over too, their data is in use and the retention
# period does not run. An app above registers a function () -> a queryset of the column
# participant_id of those it still has in the programme (bridging: on the team or the waitlist of
# a course not over, or in a handover not yet started); `expired_participants` leaves them out.
StillInProgrammeProvider = Callable[[], object]
still_in_programme_providers: list[StillInProgrammeProvider] = []


def still_in_programme(function: StillInProgrammeProvider) -> StillInProgrammeProvider:
    still_in_programme_providers.append(function)
    return function


# Called inside the transaction that records a consent's withdrawal, with keyword arguments
# `consent` and `membership`: an app above this one undoes what the consent allowed (e.g.
# bridging withdraws the participant from handovers to the organisation).
ConsentWithdrawalHandler = Callable[..., None]
consent_withdrawal_handlers: list[ConsentWithdrawalHandler] = []


def on_consent_withdrawn(function: ConsentWithdrawalHandler) -> ConsentWithdrawalHandler:
    consent_withdrawal_handlers.append(function)
    return function


# For each offer on the participant's "matching offers" page, links to act on it (e.g. bridging
# proposes a handover to it): a function (request, participant) -> a function (offer) -> list of
# OfferAction, or None when the user can do nothing there. The outer call may query once; the
# inner one must not query.
@dataclass(frozen=True)
class OfferAction:
    label: str
    url: str


OfferActionProvider = Callable[[object, object], Callable[[object], list[OfferAction]] | None]
offer_action_providers: list[OfferActionProvider] = []


def offer_action_provider(function: OfferActionProvider) -> OfferActionProvider:
    offer_action_providers.append(function)
    return function


def offer_actions(request, participant) -> Callable[[object], list[OfferAction]]:
    makers = [m for provider in offer_action_providers if (m := provider(request, participant))]
    return lambda offer: [action for make in makers for action in make(offer)]


@dataclass(frozen=True)
class KeyFigure:
    """A figure for the summary at the top of the participant page (a card)."""

    label: str
    value: str
    icon: str = ""
    detail: str = ""
    url: str = ""


@dataclass(frozen=True)
class NextStep:
    """What to do next with the participant: a sentence and the page's one primary action."""

    text: str
    action: str
    url: str
    icon: str = "arrow-right"


@dataclass
class Summary:
    figures: list[KeyFigure]
    next_steps: list[NextStep]


SummaryProvider = Callable[[object, object], Summary | None]
summary_providers: list[SummaryProvider] = []


def summary_provider(function: SummaryProvider) -> SummaryProvider:
    """Register a function (request, participant) -> Summary for the top of the page."""
    summary_providers.append(function)
    return function


def summary(request, participant) -> Summary:
    collected = Summary(figures=[], next_steps=[])
    for provider in summary_providers:
        if part := provider(request, participant):
            collected.figures += part.figures
            collected.next_steps += part.next_steps
    return collected
