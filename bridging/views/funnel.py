"""The coordinator's funnel for a programme (or one course), with exports."""

import itertools
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import CharField, DateField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, TruncDate
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from common.charts import bars
from common.choices import choice_labels
from common.exports import FORMATS, table_response
from common.prepared import Prepared
from common.search import suggestions_response
from participants.models import Participant, ParticipantAccess
from participants.services import logging_form, read_logging_access
from partnerships.models import Membership
from partnerships.models.organisations import LOADED_MEMBERSHIPS

from .. import funnel as funnel_module
from ..forms import FunnelCourseForm
from ..models import Enrolment, FollowUp, Handover, HandoverParticipant
from .access import coordinators, get_rw_programme_for_user

Role = Membership.Role


def _scope(request, pk):
    """The programme, the course chosen (or None for all), their enrolments, and the course
    search form. A course that is not one of the programme's courses the user sees is a 404."""
    programme = get_rw_programme_for_user(request, pk)
    form = FunnelCourseForm(request.GET, programme=programme, user=request.user)
    course = form.cleaned_data["course"] if form.is_valid() else None
    if request.GET.get("course") and course is None:
        raise Http404
    enrolments = Enrolment.objects.visible_to(request.user).filter(course__programme=programme)
    if course:
        enrolments = enrolments.filter(course=course)
    return programme, course, enrolments, form


RECEIVERS_PAGE_SIZE = 25


@coordinators
def programme_funnel(request, pk):
    programme, course, enrolments, form = _scope(request, pk)
    result = funnel_module.funnel(enrolments)
    stages = result["stages"]
    modes = dict(Handover.Mode.choices)
    by_mode, by_receiver = funnel_module.programme_breakdowns(request.user, programme, course)
    for row in by_mode:
        row["label"] = modes.get(row["handover__mode"], "")
    # A programme hands over to hundreds of organisations: they are shown a page at a time.
    receivers = Paginator(by_receiver, RECEIVERS_PAGE_SIZE).get_page(request.GET.get("receivers"))
    for row in receivers:
        row["label"] = row["handover__receiver__name"] or _("Self-organised")
    return render(
        request,
        "bridging/funnel.html",
        {
            "programme": programme,
            "course": course,
            "form": form,
            "stages": stages,
            "aside": result["aside"],
            "chart": bars(
                [(s["label"], s["count"]) for s in stages],
                title=_("How far the participants got across the bridge"),
                chart_id="funnel-chart",
            ),
            "by_mode": by_mode,
            "by_receiver": receivers,
            "course_query": urlencode({"course": course.pk}) if course else "",
            "months": funnel_module.FOLLOW_UP_MONTHS,
        },
    )


@require_GET
@coordinators
def funnel_course_suggestions(request, pk):
    """A page of the programme's courses matching the search, for the funnel's course field."""
    programme = get_rw_programme_for_user(request, pk)
    form = FunnelCourseForm(programme=programme, user=request.user)
    return suggestions_response(request, form["course"])


@coordinators
def funnel_export(request, pk, fmt):
    """The funnel's numbers: no personal data."""
    programme, course, enrolments, _form = _scope(request, pk)
    result = funnel_module.funnel(enrolments)
    return table_response(
        fmt=fmt,
        filename=f"tragt-{programme.pk}" + (f"-hold-{course.pk}" if course else ""),
        headers=[
            _("Stage"),
            _("Count"),
            _("Per cent of enrolled"),
            _("Per cent of the stage before"),
            # The base of a follow-up stage's share, as the page says "of 1 due" beside it.
            _("With follow-up due"),
            _("Not yet due"),
        ],
        rows=[
            *(
                (
                    str(s["label"]),
                    s["count"],
                    s["of_enrolled"],
                    s["of_previous"],
                    s.get("due"),
                    s.get("not_due"),
                )
                for s in result["stages"]
            ),
            *((str(a["label"]), a["count"], None, None, None, None) for a in result["aside"]),
        ],
    )


class _FollowUpsOf(Subquery):
    """A member's follow-ups as one text, "months:answer" joined by commas in the order they
    fall due (empty or NULL: none): the export's cell in one column of the member's row, not a
    row per follow-up. On PostgreSQL an array keeps its subquery's order. SQLite (before 3.44,
    no ORDER BY within an aggregate) joins the rows in the order its subquery gives them; the
    test of the follow-ups' order holds it to that."""

    template = "(SELECT group_concat(follow_up, ',') FROM (%(subquery)s))"

    def __init__(self):
        super().__init__(
            FollowUp.objects.filter(member=OuterRef("pk"))
            .order_by("due_on", "pk")
            .values(follow_up=Concat(Cast("months", CharField()), Value(":"), "answer"))
        )
        self.output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="array_to_string(ARRAY(%(subquery)s), ',')", **extra
        )


_EXPORT_COLUMNS = (
    "participant_id",
    "participant__first_name",
    "participant__last_name",
    "participant__anonymised_at",
    "handover__course__name",
    "handover__mode",
    # The offer's name, or for a handover without an offer the place of the meeting.
    Coalesce("handover__offer__name", "handover__meeting_place"),
    "handover__receiver__name",
    "status",
    # Dates as the pages show them: the day in Danish time, not in UTC. (The Cast keeps the
    # value a date but drops TruncDate's check of every value in Python: thousands of rows.)
    Cast(TruncDate("sent_at"), DateField()),
    Cast(TruncDate("answered_at"), DateField()),
    "decline_reason",
    "started_on",
    _FollowUpsOf(),
)


def _export_values(members):
    """The export's values in one query of plain values, a row per member with its follow-ups
    in one column: no model instance per cell, no second query per thousand members."""
    return members.order_by("handover__created_at", "pk").values_list(*_EXPORT_COLUMNS)


class _Labels(dict):
    """Each value's text, worked out the first time it is asked for (`text(value)`): a look-up
    of a value seen before is a plain dict look-up, without a Python call per cell."""

    def __init__(self, text):
        super().__init__()
        self.text = text

    def __missing__(self, value):
        self[value] = text = self.text(value)
        return text


ROWS_PER_CHUNK = 500


def _export_rows(values):
    """The export's rows from `_export_values`, a few hundred at a time and a column at a time:
    no choice label looked up per row in Python code, and each day and each member's
    follow-ups written out once per distinct value (the members of a handover share their days,
    and most follow-ups read alike)."""
    modes, statuses = choice_labels(Handover, "mode"), choice_labels(HandoverParticipant, "status")
    reasons = choice_labels(HandoverParticipant, "decline_reason")
    answers = choice_labels(FollowUp, "answer")
    day = _Labels(lambda value: "" if value is None else value.isoformat())

    def follow_ups_text(text):
        if not text:
            return ""
        pairs = (one.partition(":") for one in text.split(","))
        return ", ".join(f"{months}: {answers.get(answer) or '-'}" for months, _, answer in pairs)

    follow_ups = _Labels(follow_ups_text)
    values, empty = iter(values), itertools.repeat("")
    while chunk := list(itertools.islice(values, ROWS_PER_CHUNK)):
        (participant_ids, first_names, last_names, anonymised, courses, chosen_modes, offers,
         receivers, chosen_statuses, sent, answered, chosen_reasons, started,
         texts) = zip(*chunk, strict=True)  # fmt: skip
        yield from zip(
            map(Participant.name_from, participant_ids, first_names, last_names, anonymised),
            courses,
            map(modes.get, chosen_modes, empty),
            offers,
            [receiver or "" for receiver in receivers],
            map(statuses.get, chosen_statuses, empty),
            map(day.__getitem__, sent),
            map(day.__getitem__, answered),
            map(reasons.get, chosen_reasons, empty),
            map(day.__getitem__, started),
            map(follow_ups.__getitem__, texts),
            strict=True,
        )


def _export_build(user, coordinated, staff, organisation):
    """The export's rows (`_export_values`) in `logging_form`, for a user with these
    memberships, by id: the handover list's scope (`visible_to`) reads nothing else of them."""
    stand_in = get_user_model()(pk=user, is_active=True, is_superuser=False)
    setattr(
        stand_in,
        LOADED_MEMBERSHIPS,
        [Membership(organisation_id=id_, role=Role.COORDINATOR) for id_ in coordinated]
        + [Membership(organisation_id=id_, role=Role.STAFF) for id_ in staff],
    )
    members = HandoverParticipant.objects.visible_to(stand_in).filter(
        handover__course__programme__organisation=organisation
    )
    return logging_form(_export_values(members))


# Built and compiled once per process and shape (building the scope's filters and the eight
# tables' columns cost more Python than the rest of the request's queries).
_EXPORT_ROWS = Prepared(_export_build)


def _compiled_export_rows(request):
    """The export's rows as SQL compiled once (`_EXPORT_ROWS`), or None where the ORM builds
    them (the user's memberships not read by this request, a superuser, or SQLite)."""
    user = request.user
    if connection.vendor != "postgresql" or user.is_superuser or not user.is_active:
        return None
    coordinated = Membership.objects.organisation_ids_of(user, Role.COORDINATOR)
    staff = Membership.objects.organisation_ids_of(user, Role.STAFF)
    if not isinstance(coordinated, list) or not isinstance(staff, list):
        return None
    return _EXPORT_ROWS.sql(
        user=user.pk,
        coordinated=coordinated,
        staff=staff,
        organisation=request.membership.organisation_id,
    )


@coordinators
def handover_export(request, fmt):
    """The handover list with names, for the project's coordinators; every participant in it
    gets an entry in their access log."""
    if fmt not in FORMATS:
        raise Http404
    # The access log first, in bulk: one entry for the list, whose set of participants is
    # written once (on PostgreSQL in the same statement that reads the list).
    if (compiled := _compiled_export_rows(request)) is not None:
        rows, participant_ids = compiled, None
    else:
        members = HandoverParticipant.objects.visible_to(request.user).filter(
            handover__course__programme__organisation=request.membership.organisation
        )
        rows, participant_ids = _export_values(members), members.values("participant_id")
    values = read_logging_access(
        rows,
        participant_ids=participant_ids,
        membership=request.membership,
        action=ParticipantAccess.Action.EXPORT_LIST,
    )
    response = table_response(
        fmt=fmt,
        filename="udslusninger",
        headers=[_("Participant"), _("Course"), _("Bridging model"), _("Offer"),
                 _("Receiving organisation"), _("Status"), _("Sent"), _("Answered"),
                 _("Reason"), _("Started on"), _("Follow-ups")],
        rows=_export_rows(values),
        stream=True,
    )  # fmt: skip
    return response
