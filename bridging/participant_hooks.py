"""What the journey adds to the participant page and export, and to an organisation's page
(see participants.hooks and partnerships.hooks)."""

import functools

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Prefetch,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from common.charts import radar
from common.choices import choice_labels
from common.compiled import compiled
from common.prepared import Prepared
from common.urls import url_for_each
from participants.hooks import (
    KeyFigure,
    NextStep,
    OfferAction,
    Summary,
    TimelineEvent,
    export_provider,
    offer_action_provider,
    on_anonymise,
    on_consent_withdrawn,
    page_section,
    summary_provider,
    timeline_provider,
    withdrawal_handler,
)
from participants.models import Consent
from partnerships.access import active_membership
from partnerships.hooks import organisation_section, partner_provider
from partnerships.models import Membership
from partnerships.models.organisations import LOADED_MEMBERSHIPS

from . import handovers, readiness
from .figures import attach_attendance
from .forms import QuestionnaireCreateForm
from .models import (
    Assessment,
    Attendance,
    Course,
    Dimension,
    Enrolment,
    Fair,
    FairInterest,
    FollowUp,
    Handover,
    HandoverParticipant,
)
from .models.courses import course_scope
from .models.readiness import INDICATOR_FIELDS
from .status import courses_leave


def _marks_of(status):
    """An enrolment's marks of one kind (`status`), counted."""
    marks = (
        Attendance.objects.filter(enrolment=OuterRef("pk"), status=status)
        .order_by()
        .values("enrolment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(marks, output_field=IntegerField()), 0)


# Each kind of mark as the function that builds its count (common.compiled compiles each once).
_MARKS = {
    kind: functools.partial(_marks_of, status)
    for kind, status in (
        ("present", Attendance.Status.PRESENT),
        ("absent", Attendance.Status.ABSENT),
        ("excused", Attendance.Status.EXCUSED),
    )
}


def _enrolments(participant):
    """The participant's enrolments with their courses and their marks of each kind counted
    (`present`, `absent`, `excused`). The counts are the same SQL for every participant:
    compiled once (common.compiled), where resolving and compiling them cost the participant
    page about two thousand Python calls."""
    queryset = Enrolment.objects.filter(participant=participant).select_related("course")
    return queryset.annotate(
        **{
            kind: compiled(Enrolment, build, queryset.db, IntegerField())
            for kind, build in _MARKS.items()
        }
    )


@timeline_provider
def enrolments_and_attendance(participant):
    # Every course the participant was on, with their marks: as the participant page read
    # them already (_journey), or in one query.
    enrolments = participant.__dict__.get("_enrolments_with_marks")
    if enrolments is None:
        enrolments = _enrolments(participant)
    for enrolment in sorted(enrolments, key=lambda enrolment: enrolment.pk):
        yield TimelineEvent(
            on=enrolment.enrolled_on,
            title=_("%(status)s: %(course)s")
            % {"status": enrolment.get_status_display(), "course": enrolment.course.name},
            detail=_("Present %(present)s, absent %(absent)s, excused %(excused)s")
            % {
                "present": enrolment.present,
                "absent": enrolment.absent,
                "excused": enrolment.excused,
            },  # fmt: skip
        )


@export_provider
def enrolments_for_export(participant):
    return "enrolments", [
        {
            "course": enrolment.course.name,
            "status": enrolment.status,
            "enrolled_on": enrolment.enrolled_on.isoformat(),
            "recruitment": enrolment.recruitment,
            "exit_goal_explained": enrolment.exit_goal_explained,
            "withdrawn_reason": enrolment.withdrawn_reason,
            "attendance": [
                {"date": a.session.date.isoformat(), "status": a.status}
                for a in enrolment.attendances.all()
            ],
        }
        for enrolment in _enrolments(participant).prefetch_related(
            Prefetch(
                "attendances",
                queryset=Attendance.objects.select_related("session").order_by("session__date"),
            )
        )
    ]


SERIES_COLOURS = {"first": "#6c757d", "latest": "#1f5fbf", "own": "#b35c00"}


def _may_enrol(request, participant) -> bool:
    membership = active_membership(request)
    return (
        membership is not None
        and membership.role == Membership.Role.COORDINATOR
        and membership.organisation_id == participant.organisation_id
        and not participant.is_anonymised
    )


# What the summary, the sections and the timeline read of an enrolment, its course and the
# programme's bar: not the programme's texts nor the course's timetable.
_JOURNEY_SHOWN = [
    "participant", "status", "enrolled_on", "course__name", "course__status",
    "course__start_date", "course__programme__readiness_threshold",
    "course__programme__minimum_attendance",
]  # fmt: skip


# What the verdict, the chart and the history read of an assessment: the scores, not the
# notes on each indicator; of the assessor, the name.
_ASSESSMENT_SHOWN = [
    "enrolment", "kind", "source", "assessed_on", "created_at", "note", "wishes_after",
    *INDICATOR_FIELDS, "assessed_by__first_name", "assessed_by__last_name",
    "assessed_by__username",
]  # fmt: skip


def _journey(request, participant) -> dict:
    """The participant's courses, assessments and attendance figures as this user may see them,
    read once per request and shared by the summary and the sections. Three queries: the
    enrolments, their assessments, their attendance figures. Every enrolment is read, marked
    `visible` (Enrolment.objects.visible_to) and counted as the timeline counts the marks, and
    kept on the participant for the timeline, which lists them all."""
    cache = request.__dict__.setdefault("_participant_journey", {})
    if participant.pk in cache:
        return cache[participant.pk]
    user = request.user
    if course_scope(user, "course") is not None:
        # Built once per process and shape (common.prepared) from what `course_scope` reads of
        # the user: their id and the projects where they coordinate or teach.
        every = _JOURNEY.all(
            participant=participant.pk,
            today=timezone.localdate(),
            user=user.pk,
            coordinated=Membership.objects.organisation_ids_of(user, Membership.Role.COORDINATOR),
            teaching=Membership.objects.organisation_ids_of(user, Membership.Role.INSTRUCTOR),
        )
    else:
        # Of the participant's own, so PostgreSQL reads those few by their index.
        visible = Exists(
            Enrolment.objects.visible_to(user).filter(participant=participant, pk=OuterRef("pk"))
        )
        every = list(_journey_enrolments(participant, visible, timezone.localdate()))
    participant.__dict__["_enrolments_with_marks"] = every
    enrolments = [enrolment for enrolment in every if enrolment.visible]
    on_roster = [
        e for e in enrolments if e.status in (Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED)
    ]
    assessments = []
    if on_roster:
        assessments = _ASSESSMENTS.all(enrolments=[e.pk for e in on_roster])
        attach_attendance(on_roster)
    for enrolment in on_roster:
        staff = [a for a in assessments if a.enrolment_id == enrolment.pk and a.source == "staff"]
        enrolment.staff_assessments = staff
        enrolment.own_assessments = [
            a for a in assessments if a.enrolment_id == enrolment.pk and a.source == "self"
        ]
        enrolment.verdict = readiness.evaluate(
            assessment=staff[-1] if staff else None,
            figures=enrolment.figures,
            programme=enrolment.course.programme,
        )
    cache[participant.pk] = {"enrolments": enrolments, "on_roster": on_roster}
    return cache[participant.pk]


def _journey_enrolments(participant, visible, today):
    return (
        _enrolments(participant)
        .select_related("course__programme")
        .only(*_JOURNEY_SHOWN)
        .annotate(
            visible=visible,
            # The course's status as its page shows it (Course.shown_status_expression).
            course_shown_status=Course.shown_status_expression(today, course="course"),
        )
        .order_by("-course__start_date", "-pk")
    )


def _journey_build(participant, today, user, coordinated, teaching):
    # A user with these memberships, by id: `course_scope` reads nothing else of them.
    stand_in = get_user_model()(pk=user, is_active=True, is_superuser=False)
    role = Membership.Role
    memberships = [Membership(organisation_id=id_, role=role.COORDINATOR) for id_ in coordinated]
    memberships += [Membership(organisation_id=id_, role=role.INSTRUCTOR) for id_ in teaching]
    setattr(stand_in, LOADED_MEMBERSHIPS, memberships)
    # The rule of Enrolment.visible_to on the course and programme read anyway.
    visible = ExpressionWrapper(course_scope(stand_in, "course"), output_field=BooleanField())
    return _journey_enrolments(participant, visible, today)


_JOURNEY = Prepared(_journey_build)


def _assessments(enrolments):
    return (
        Assessment.objects.filter(enrolment__in=enrolments)
        .select_related("assessed_by")
        .only(*_ASSESSMENT_SHOWN)
        .order_by("assessed_on", "created_at", "pk")
    )


# Built and compiled once per process and number of enrolments (common.prepared).
_ASSESSMENTS = Prepared(_assessments)


# What the summary (the open handover, its state and follow-up) and the timeline read of the
# handed-over participant and their handover: not the offer's forty columns, nor the
# bookkeeping of reminders and notifications.
_HISTORY_SHOWN = [
    *handovers.STATE_SHOWN,
    "buddy", "decline_reason", "overlap_reason", "withdrawn_at", "withdrawn_reason",
    "handover__mode",
]  # fmt: skip


def _is_open():
    """`handovers.open_condition` as a column of the handed-over participant."""
    return ExpressionWrapper(handovers.open_condition(), output_field=BooleanField())


def _handover_history(participant, user=None):
    """All the participant's handovers (the timeline tells the whole path) with their
    follow-ups. Read for a `user` (the summary, which comes first on the participant page),
    each is marked `is_open` (handovers.open_condition) and `visible` (what the user may see),
    and kept on the participant for the timeline. Two queries."""
    members = participant.__dict__.get("_handover_history")
    if members is not None:
        return members
    members = (
        HandoverParticipant.objects.filter(participant=participant)
        .select_related("handover__offer", "handover__receiver")
        .only(*_HISTORY_SHOWN)
        .prefetch_related("follow_ups")
        .order_by("pk")  # one participant's: the same order as by their name, without a join
    )
    if user is None:
        return members
    loaded = getattr(user, LOADED_MEMBERSHIPS, None) is not None
    if user.is_active and not user.is_superuser and loaded:
        # Built once per process and shape (common.prepared) from what `visible_condition`
        # reads of the user: the projects they coordinate and the organisations they staff.
        members = _HISTORY.all(
            participant=participant.pk,
            coordinated=Membership.objects.organisation_ids_of(user, Membership.Role.COORDINATOR),
            staff=Membership.objects.organisation_ids_of(user, Membership.Role.STAFF),
        )
        prefetch_related_objects(members, "follow_ups")
    else:
        members = list(_annotated_history(members, user))
    participant.__dict__["_handover_history"] = members
    return members


def _annotated_history(members, user):
    return members.annotate(
        # The same SQL for every request: compiled once (common.compiled).
        is_open=compiled(HandoverParticipant, _is_open, members.db, BooleanField()),
        # The rule of visible_to, through the joins to the handover's project: a subquery
        # of the visible handed-over participants cost more to plan than the query.
        visible=ExpressionWrapper(
            HandoverParticipant.objects.visible_condition(user, ""),
            output_field=BooleanField(),
        ),
    )


def _history_build(participant, coordinated, staff):
    # A user with these memberships: `visible_condition` reads nothing else of them.
    stand_in = get_user_model()(is_active=True, is_superuser=False)
    role = Membership.Role
    memberships = [Membership(organisation_id=id_, role=role.COORDINATOR) for id_ in coordinated]
    memberships += [Membership(organisation_id=id_, role=role.STAFF) for id_ in staff]
    setattr(stand_in, LOADED_MEMBERSHIPS, memberships)
    members = (
        HandoverParticipant.objects.filter(participant=participant)
        .select_related("handover__offer", "handover__receiver")
        .only(*_HISTORY_SHOWN)
        .order_by("pk")
    )
    return _annotated_history(members, stand_in)


_HISTORY = Prepared(_history_build)


def _open_handover(request, participant):
    """The participant's latest open handover (handovers.open_handovers) this user may see, with
    `follow_up_months`: the first unanswered follow-up that can be answered now, if any. Read
    from the handover history (_handover_history)."""
    members = [m for m in _handover_history(participant, request.user) if m.is_open and m.visible]
    if not members:
        return None
    member = max(members, key=lambda m: (m.handover.created_at, m.pk))
    answerable_by = timezone.localdate() + handovers.FOLLOW_UP_OPENS_BEFORE
    # The follow-ups come in their order: by due date.
    member.follow_up_months = next(
        (f.months for f in member.follow_ups.all() if f.answer == "" and f.due_on <= answerable_by),
        None,
    )
    return member


def _handover_steps(request, participant, member) -> list[NextStep]:
    """In an open handover the journey goes on there: the handover (for the project's
    coordinators, who follow it up), or once started its follow-up when one can be answered,
    else nothing beyond the page."""
    url = member.handover.get_absolute_url() + f"#member-{member.pk}"
    if member.status != HandoverParticipant.Status.STARTED:
        return [
            NextStep(
                text=handovers.state_label(member),
                action=_("See the handover"),
                url=url,
                icon="send",
            )
        ]
    if member.follow_up_months is None:
        return []
    return [
        NextStep(
            text=_("%(label)s. Is the participant still active after %(months)s months?")
            % {"label": handovers.state_label(member), "months": member.follow_up_months},
            action=_("Answer the follow-up"),
            url=url,
            icon="telephone",
        )
    ]


@summary_provider
def journey_summary(request, participant):
    """The summary's course, attendance and exit readiness, and the next step on the journey."""
    journey = _journey(request, participant)
    current = journey["on_roster"][0] if journey["on_roster"] else None
    figures, steps = [], []
    if journey["enrolments"]:
        # The course whose attendance and readiness the cards beside it show; else the latest.
        latest = current or journey["enrolments"][0]
        figures.append(
            KeyFigure(
                label=_("Course"),
                value=latest.course.name,
                icon="people",
                detail=latest.get_status_display(),
                url=latest.course.get_absolute_url(),
            )
        )
    else:
        figures.append(KeyFigure(label=_("Course"), value=_("Not on a course"), icon="people"))
    if current is not None:
        rate = current.figures.rate
        figures.append(
            KeyFigure(
                label=_("Attendance"),
                value="–" if rate is None else f"{rate} %",
                icon="calendar-check",
                detail=_("%(present)s of %(held)s sessions")
                % {"present": current.figures.present_count, "held": current.figures.held_sessions},
            )
        )
        verdict = current.verdict
        if not verdict.assessed:
            value = _("Not assessed yet")
        elif verdict.exit_ready:
            value = _("Ready to move on")
        else:
            value = _("Not exit-ready yet")
        figures.append(
            KeyFigure(
                label=_("Readiness"),
                value=value,
                icon="signpost-split",
                detail=date_format(verdict.assessment.assessed_on, "SHORT_DATE_FORMAT")
                if verdict.assessed
                else "",
                url="#readiness-heading",
            )
        )
    if participant.is_anonymised:
        return Summary(figures=figures, next_steps=[])
    member = _open_handover(request, participant)
    if member is not None and _may_enrol(request, participant):
        return Summary(figures=figures, next_steps=_handover_steps(request, participant, member))
    # Whoever cannot open the handover keeps the course's steps, but no search for an offer:
    # one is found already.
    if not journey["enrolments"] and _may_enrol(request, participant):
        if participant.withdrawn_on is not None:  # left the programme: no one can enrol them
            return Summary(figures=figures, next_steps=[])
        steps.append(
            NextStep(
                text=_("Not on a course yet."),
                action=_("Enrol on a course"),
                url=reverse("bridging:participant_enrol", args=[participant.pk]),
                icon="person-plus",
            )
        )
    elif current is not None and current.status == Enrolment.Status.ENROLLED:
        if current.verdict.exit_ready:
            if member is None:
                steps.append(
                    NextStep(
                        text=_("Exit-ready: find a permanent offer that fits."),
                        action=_("Matching offers"),
                        url=reverse("participants:matching_offers", args=[participant.pk]),
                        icon="search",
                    )
                )
        else:
            steps.append(
                NextStep(
                    text=_("Not assessed yet on this course.")
                    if not current.verdict.assessed
                    else _("Talk about what comes next and record how far they have come."),
                    action=_("New assessment"),
                    url=reverse("bridging:assessment_create", args=[current.pk]),
                    icon="clipboard-check",
                )
            )
    elif current is not None and member is None:
        steps.append(
            NextStep(
                text=_("The course is completed: find a permanent offer that fits."),
                action=_("Matching offers"),
                url=reverse("participants:matching_offers", args=[participant.pk]),
                icon="search",
            )
        )
    return Summary(figures=figures, next_steps=steps)


@page_section
def courses_section(request, participant):
    """The participant's courses and, for the project's coordinators, "Enrol on a course"."""
    # Not someone who left the programme: enrolment_create refuses them.
    may_enrol = _may_enrol(request, participant) and participant.withdrawn_on is None
    enrolments = _journey(request, participant)["enrolments"]
    if not enrolments and not may_enrol:
        return ""
    # Course.get_absolute_url, reversed once for all the rows; the statuses' labels translated
    # once.
    course_url = url_for_each("bridging:course_detail")
    status = choice_labels(Enrolment, "status")
    course_status = {key: label.lower() for key, label in choice_labels(Course, "status").items()}
    return render_to_string(
        "bridging/includes/participant_courses.html",
        {
            "participant": participant,
            "enrolments": [
                (
                    course_url(e.course_id),
                    e.course.name,
                    status.get(e.status, e.status),
                    course_status.get(e.course_shown_status, e.course_shown_status),
                )
                for e in enrolments
            ],
            "may_enrol": may_enrol,
        },
        request=request,
    )


@page_section
def readiness_section(request, participant):
    """Exit readiness on the participant page: a star chart of first against latest assessment
    with the participant's own view as another series, the same numbers as a table, the verdict
    in words, and the history. Two queries."""
    enrolments = _journey(request, participant)["on_roster"]
    if not enrolments:
        return ""
    blocks = []
    # Each block's two links, reversed once for all of them.
    assessment_url = url_for_each("bridging:assessment_create")
    questionnaire_url = url_for_each("bridging:questionnaire_create")
    # The labels the blocks repeat, translated once; one questionnaire form, its field drawn
    # with each block's id (the forms differed only in that).
    kinds, sources = choice_labels(Assessment, "kind"), choice_labels(Assessment, "source")
    questionnaire = QuestionnaireCreateForm()["kind"]
    for enrolment in enrolments:
        staff, own = enrolment.staff_assessments, enrolment.own_assessments
        verdict = enrolment.verdict
        series = []
        if len(staff) > 1:
            series.append(("first", _("First assessment (%(date)s)"), staff[0]))
        if staff:
            series.append(("latest", _("Latest assessment (%(date)s)"), staff[-1]))
        if own:
            series.append(("own", _("The participant's own view (%(date)s)"), own[-1]))
        labelled = [
            (key, label % {"date": date_format(a.assessed_on, "SHORT_DATE_FORMAT")}, a)
            for key, label, a in series
        ]
        chart = None
        if labelled:
            chart = radar(
                axes=[label for _value, label in Dimension.choices],
                series=[
                    {
                        "label": label,
                        "values": [a.dimension_scores[d] for d in Dimension.values],
                        "colour": SERIES_COLOURS[key],
                        "dashed": key != "latest",
                    }
                    for key, label, a in labelled
                ],
                title=_("Exit readiness of %(name)s on the four dimensions")
                % {"name": participant},
                chart_id=f"radar-{enrolment.pk}",
            )
        history = sorted(staff + own, key=lambda a: (a.assessed_on, a.created_at))
        kind_id = f"id_q{enrolment.pk}_kind"
        blocks.append(
            {
                "enrolment": enrolment,
                "assessment_url": assessment_url(enrolment.pk),
                "questionnaire_url": questionnaire_url(enrolment.pk),
                "verdict": verdict,
                "holding_back": [
                    f"{label}: {str(score).lower()}" for label, score in verdict.holding_back
                ],
                "chart": chart,
                "columns": [label for _key, label, _a in labelled],
                "table": [  # each value with its column's name (data-label on a phone)
                    (d_label, [(label, a.dimension_scores[d]) for _key, label, a in labelled])
                    for d, d_label in Dimension.choices
                ],
                "disagreements": readiness.disagreements(
                    staff[-1] if staff else None, own[-1] if own else None
                ),
                "history": [
                    (
                        date_format(a.assessed_on, "SHORT_DATE_FORMAT"),
                        kinds.get(a.kind, a.kind),
                        sources.get(a.source, a.source),
                        a,
                    )
                    for a in history
                ],
                "kind_id": kind_id,
                "kind_field": questionnaire.as_widget(
                    attrs={"id": kind_id, "class": "form-select form-select-sm w-auto"}
                ),
            }
        )
    return render_to_string(
        "bridging/includes/participant_readiness.html", {"blocks": blocks}, request=request
    )


@export_provider
def assessments_for_export(participant):
    return "readiness_assessments", [
        {
            "course": a.enrolment.course.name,
            "kind": a.kind,
            "source": a.source,
            "assessed_on": a.assessed_on.isoformat(),
            "scores": {field: getattr(a, field) for field in INDICATOR_FIELDS},
            "indicator_notes": a.indicator_notes,
            "note": a.note,
            "wishes_after": a.wishes_after,
            "known_offers": a.known_offers,
            "continue_with_team": a.continue_with_team,
        }
        for a in Assessment.objects.filter(enrolment__participant=participant).select_related(
            "enrolment__course"
        )
    ]


def _fair_interests(participant):
    return FairInterest.objects.filter(participant_id=participant).values_list(
        "fair_id", "fair__name", "fair__date", "offer__name", "level"
    )


# The same query for every participant: built and compiled once per process (common.prepared).
_FAIR_INTERESTS = Prepared(_fair_interests)


@timeline_provider
def fair_interests(participant):
    """The fairs the participant visited, with the interest shown in each offer: read as the
    values shown (no model instances), the levels' labels translated once."""
    levels = choice_labels(FairInterest, "level")
    visits = {}
    for fair, name, date, offer, level in _FAIR_INTERESTS.rows(participant=participant.pk):
        visit = visits.setdefault(fair, (name, date, []))
        if offer is not None:
            visit[2].append(f"{offer}: {str(levels.get(level, level)).lower()}")
    for name, date, shown in visits.values():
        yield TimelineEvent(
            on=date,
            title=_("At the association fair: %(fair)s") % {"fair": name},
            detail="; ".join(shown),
        )


@organisation_section
def fairs_taken_part_in(request, organisation):
    """On an organisation's page: the fairs it took part in and how many showed interest in its
    offers. Counts only: no participant is named here."""
    # Counted per fair from the organisation's offers (a few), not by joining every interest
    # shown at the fair to its offer.
    interested = (
        FairInterest.objects.filter(fair=OuterRef("pk"), offer__organisation=organisation)
        .order_by()
        .values("fair")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    membership = active_membership(request)
    own = membership is not None and membership.organisation_id == organisation.pk
    fairs = Fair.objects.filter(organisations=organisation)
    if not own:  # the organisation's people see every fair it took part in; others, their own
        fairs = fairs.visible_to(request.user)
    fairs = fairs.annotate(
        interested=Coalesce(Subquery(interested, output_field=IntegerField()), 0)
    ).order_by("-date")[:10]
    if not fairs:
        return ""
    # "Our offers" to the organisation's own people; to anyone else, the organisation's.
    return render_to_string(
        "bridging/includes/organisation_fairs.html", {"fairs": fairs, "own": own}, request=request
    )


@timeline_provider
def handover_path(participant):
    """The bridge itself: handed over, answered, started, and the follow-ups."""
    for member in _handover_history(participant):
        handover = member.handover
        target = (
            f"{handover.offer.name}, {handover.receiver.name}"
            if handover.offer_id
            else handover.meeting_place
        )
        yield TimelineEvent(
            on=timezone.localdate(handover.created_at),
            title=_("Handed over (%(mode)s)") % {"mode": str(handover.get_mode_display()).lower()},
            detail=target
            + (
                " · "
                + _("While another handover was open: %(reason)s")
                % {"reason": member.overlap_reason}
                if member.overlap_reason
                else ""
            ),
        )
        if member.withdrawn_at:
            yield TimelineEvent(
                on=timezone.localdate(member.withdrawn_at),
                title=_("Withdrawn from the handover"),
                detail=f"{target} · {member.withdrawn_reason}",
            )
        if member.answered_at:
            yield TimelineEvent(
                on=timezone.localdate(member.answered_at),
                title=member.get_status_display() if member.status != "started" else _("Accepted"),
                detail=member.get_decline_reason_display() or member.buddy,
            )
        if member.started_on:
            yield TimelineEvent(on=member.started_on, title=_("Started"), detail=target)
        for follow_up in member.follow_ups.all():
            if follow_up.answer:
                yield TimelineEvent(
                    on=timezone.localdate(follow_up.answered_at),
                    title=_("Follow-up after %(months)s months") % {"months": follow_up.months},
                    detail=follow_up.get_answer_display(),
                )


@export_provider
def handovers_for_export(participant):
    return "handovers", [
        {
            "mode": m.handover.mode,
            "offer": m.handover.offer.name if m.handover.offer_id else None,
            "receiver": m.handover.receiver.name if m.handover.receiver_id else None,
            "status": m.status,
            "sent_at": m.sent_at.isoformat() if m.sent_at else None,
            "answered_at": m.answered_at.isoformat() if m.answered_at else None,
            "decline_reason": m.decline_reason,
            "overlap_reason": m.overlap_reason,
            "withdrawn_at": m.withdrawn_at.isoformat() if m.withdrawn_at else None,
            "withdrawn_reason": m.withdrawn_reason,
            "started_on": m.started_on.isoformat() if m.started_on else None,
            "follow_ups": [
                {"months": f.months, "answer": f.answer, "stop_reason": f.stop_reason}
                for f in m.follow_ups.all()
            ],
        }
        for m in HandoverParticipant.objects.filter(participant=participant)
        .select_related("handover__offer", "handover__receiver")
        .prefetch_related("follow_ups")
    ]


@partner_provider
def handed_over_to(projects):
    """A project works with the organisations it has handed participants over to."""
    return Handover.objects.filter(course__programme__organisation__in=projects).values("receiver")


@withdrawal_handler
def leave_handovers(participant):
    """Leaving the programme withdraws the participant from every handover not started yet,
    in the same transaction (one service): the receiving organisation no longer waits."""
    handovers.handovers_withdraw_for_leaving(
        participant=participant,
        reason=_("Left the programme on %(date)s.")
        % {"date": date_format(participant.withdrawn_on, "SHORT_DATE_FORMAT")},
    )


@on_consent_withdrawn
def withdraw_from_handovers(*, consent, membership):
    """No consent to share with an organisation: no handover to it either (one service). No
    consent to be registered in the programme (and none other in force): as leaving it, off
    every handover not started and every planned or running course (the status is "Udmeldt"
    either way; no one is kept on a roster without a consent to be registered)."""
    if consent.purpose == Consent.Purpose.REGISTRATION:
        in_force = Consent.objects.active(consent.withdrawn_on).filter(
            participant=consent.participant_id, purpose=Consent.Purpose.REGISTRATION
        )
        if not in_force.exists():
            day = date_format(consent.withdrawn_on, "SHORT_DATE_FORMAT")
            reason = _(
                "The consent to be registered in the programme was withdrawn on %(date)s."
            ) % {"date": day}
            handovers.handovers_withdraw_for_leaving(participant=consent.participant, reason=reason)
            courses_leave(participant=consent.participant, reason=reason)
        return
    if consent.purpose != Consent.Purpose.SHARE_CONTACT or not consent.organisation_id:
        return
    handovers.handovers_withdraw_for_consent(
        participant=consent.participant,
        organisation=consent.organisation,
        on=consent.withdrawn_on,
        reason=_("The consent to share with %(organisation)s was withdrawn on %(date)s.")
        % {
            "organisation": consent.organisation,
            "date": date_format(consent.withdrawn_on, "SHORT_DATE_FORMAT"),
        },
    )


@offer_action_provider
def propose_handover_to_offer(request, participant):
    """On the participant's matching offers: "Propose a handover to this offer", opening the
    handover form of their latest course, prefilled with them and the offer. One query."""
    membership = active_membership(request)
    if (
        membership is None
        or membership.role != Membership.Role.COORDINATOR
        or membership.organisation_id != participant.organisation_id
        or participant.is_anonymised
    ):
        return None
    # The user coordinates the participant's project, so every course of the project is
    # theirs to see (Enrolment.objects.visible_to). The participant's few places are read by
    # their index and the project's courses picked here: filtering on the project in SQL made
    # PostgreSQL read every course of the project first.
    places = (
        Enrolment.objects.on_roster()
        .filter(participant=participant)
        .order_by("-course__start_date", "-pk")
        .values_list("pk", "course_id", "course__programme__organisation_id")
    )
    enrolment_pk, course_pk = next(
        ((pk, course) for pk, course, project in places if project == membership.organisation_id),
        (None, None),
    )
    if enrolment_pk is None:
        return None
    base = reverse("bridging:handover_create", args=[course_pk])
    label = _("Propose a handover to this offer")
    return lambda offer: [
        OfferAction(
            label=label,
            url=base
            + "?"
            + urlencode({"mode": "individual", "offer": offer.pk, "enrolment": enrolment_pk}),
        )
    ]


@on_anonymise
def blank_free_text(participant):
    """Anonymising a participant blanks the free text written about them on their journey
    (reasons and notes can hold health details), one UPDATE per model; the statuses, choices
    (the decline reason), dates and scores stay for the statistics. The texts of a session or
    a handover, about a group, are not theirs. The contact or buddy named for their start is
    blanked too: a named person tied to their handover (with the club and the day) leads back
    to them, and no statistic reads it. Migrations 0020 and 0022 did the same for those
    anonymised before."""
    # A withdrawal must give a reason (enrolment_withdrawal_has_reason): a neutral one then.
    Enrolment.objects.filter(participant=participant).update(
        withdrawn_reason=Case(
            When(status=Enrolment.Status.WITHDRAWN, then=Value(_("(removed on anonymisation)"))),
            default=Value(""),
        )
    )
    HandoverParticipant.objects.filter(participant=participant).update(
        decline_note="", overlap_reason="", withdrawn_reason="", buddy=""
    )
    FollowUp.objects.filter(member__participant=participant).update(stop_reason="")
    Assessment.objects.filter(enrolment__participant=participant).update(
        indicator_notes={}, note="", wishes_after="", known_offers=""
    )
