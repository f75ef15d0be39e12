import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.models import Case, Count, When
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from common.prepared import Prepared
from common.urls import url_for_each
from participants.models import Participant
from partnerships.access import active_membership, role_required
from partnerships.models import Membership, Organisation
from partnerships.models.organisations import LOADED_MEMBERSHIPS

from .. import figures, work_queue
from ..models import Course, Fair, Programme, Session

START_PAGES = {
    Membership.Role.COORDINATOR: "bridging:coordinator_overview",
    Membership.Role.INSTRUCTOR: "bridging:instructor_home",
}


def home(request):
    """Send each role to its own start page."""
    membership = active_membership(request)
    if membership is None:
        return render(request, "bridging/no_membership.html")
    if membership.role == Membership.Role.STAFF:
        # Association staff land on their inbox when someone is waiting for their answer.
        if work_queue.inbox_waiting(request.user, membership.organisation).exists():
            return redirect("bridging:inbox")
        return redirect(membership.organisation)
    if not membership.organisation.is_project and membership.role == Membership.Role.COORDINATOR:
        return redirect("partnerships:local_overview")  # a housing plan or a municipality
    return redirect(START_PAGES[membership.role])


QUEUE_PREVIEW = 5
# The key figures' icons (Bootstrap Icons), one per participant status.
STATUS_ICONS = {
    Participant.Status.RECRUITED: "person-plus",
    Participant.Status.IN_COURSE: "person-walking",
    Participant.Status.HANDED_OVER: "send",
    Participant.Status.CONTINUED: "signpost-split",
    Participant.Status.ENDED: "person-dash",
    Participant.Status.WITHDRAWN: "person-x",
}
# Running courses first, finished ones after (cancelled ones are not shown).
COURSE_ORDER = [Course.Status.RUNNING, Course.Status.PLANNED, Course.Status.COMPLETED]


# The coordinator's work queues, in the order of urgency: key: (title, queryset of the queue
# as a function of (user, organisation, today)). Drifting away is not a queryset but the
# dropout warnings of the organisation's courses (figures.dropout_page), counted at this
# moment, as on the dropout warnings page: a mark taken in the hour before a session starts
# counts once the session has begun, not all day.
DRIFTING = "drifting"
QUEUES = {
    "handovers": (
        _("Handovers waiting for an answer"),
        lambda user, organisation, today: work_queue.handovers_waiting(user, organisation),
    ),
    "follow_ups": (_("Follow-ups due"), work_queue.follow_ups_due),
    "end_assessments": (
        _("Near the end of the course without an end assessment"),
        work_queue.end_assessments_missing,
    ),
    DRIFTING: (_("Drifting away: absent several times in a row"), None),
    "attendance": (
        _("Past sessions without full attendance"),
        lambda user, organisation, today: work_queue.sessions_missing_attendance(
            user, today
        ).filter(course__programme__organisation=organisation),
    ),
    "ending": (_("Courses ending soon: time to hand over"), work_queue.courses_ending_soon),
}


def _link_participants(warnings):
    """Each dropout warning's link to its participant, reversed once for the rows."""
    participant_url = url_for_each("participants:participant_detail")
    for warning in warnings:
        warning.participant_url = participant_url(warning.participant_id)


def _status_count_query(user, organisation, today):
    return (
        Participant.objects.visible_to(user)
        .filter(organisation=organisation, anonymised_at__isnull=True)
        .with_kept_status(today=today, row_by_row=True)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )


def _status_counts(user, organisation, today):
    """(status, number) of the organisation's participants the user sees. Built and compiled
    once per process and shape of the user's memberships (common.prepared), then only run:
    building the status's dozen subqueries each time cost 8,000 Python calls a visit."""
    memberships = getattr(user, LOADED_MEMBERSHIPS, None)
    if memberships is None or not user.is_active or user.is_superuser:
        return list(_status_count_query(user, organisation, today))
    # By role, and for instructors whether they see all of the project's participants: all
    # that the participants' scope reads of a membership (ParticipantQuerySet._scope_of_loaded).
    by_kind = {kind: [] for kind in _MEMBERSHIP_KINDS}
    for membership in memberships:
        if membership.role != Role.STAFF:
            sees_all = membership.organisation.instructors_see_participants
            by_kind[membership.role, sees_all].append(membership.organisation_id)
    return _STATUS_COUNTS.rows(
        user=user.pk,
        organisation=organisation.pk,
        today=today,
        **{_kind_name(kind): ids for kind, ids in by_kind.items()},
    )


Role = Membership.Role
_MEMBERSHIP_KINDS = [(role, sees_all) for role in (Role.COORDINATOR, Role.INSTRUCTOR)
                     for sees_all in (False, True)]  # fmt: skip


def _kind_name(kind):
    role, sees_all = kind
    return f"{role}_{'all' if sees_all else 'taught'}"


def _status_count_build(user, organisation, today, **by_kind):
    # A user with memberships of the same kinds, by id (as the session lookup's).
    stand_in = get_user_model()(pk=user, is_active=True, is_superuser=False)
    setattr(
        stand_in,
        LOADED_MEMBERSHIPS,
        [
            Membership(
                organisation=Organisation(pk=id_, instructors_see_participants=kind[1]),
                role=kind[0],
            )
            for kind in _MEMBERSHIP_KINDS
            for id_ in by_kind[_kind_name(kind)]
        ],
    )
    return _status_count_query(stand_in, Organisation(pk=organisation), today)


_STATUS_COUNTS = Prepared(_status_count_build)


@role_required(Membership.Role.COORDINATOR)
def coordinator_overview(request):
    """A work queue: per queue its count and first few rows, each leading to the action."""
    user, organisation = request.user, request.membership.organisation
    today = timezone.localdate()
    queues = []
    for key, (title, queue) in QUEUES.items():
        # The first rows and the size of the whole queue: one query per queue.
        if key == DRIFTING:
            count, rows = figures.dropout_page(user, organisation=organisation, limit=QUEUE_PREVIEW)
            _link_participants(rows)
        else:
            rows = work_queue.preview(queue, user, organisation, today, QUEUE_PREVIEW)
            count = rows[0].queue_size if rows else 0
        queues.append({"key": key, "title": title, "rows": rows, "count": count})
    # Per derived status (bridging/status.py), as the participant list filters them: the
    # journey part as the services keep it (an index holds it), the withdrawal read live.
    status_counts = dict(_status_counts(user, organisation, today))
    list_url = reverse("participants:participant_list")
    participants = [
        {
            "value": value,
            "label": label,
            "count": status_counts.get(value, 0),
            "icon": STATUS_ICONS.get(value, "person"),
            "url": f"{list_url}?status={value}",
        }
        for value, label in Participant.Status.choices
    ]
    return render(
        request,
        "bridging/coordinator_overview.html",
        {
            "organisation": organisation,
            "queues": queues,
            "waiting_total": sum(queue["count"] for queue in queues),
            "participants": participants,
            "programmes": Programme.objects.visible_to(request.user)
            .filter(organisation=organisation)
            .order_by("-starts_on")[:QUEUE_PREVIEW],
            "overdue_since": work_queue.overdue_since(),
            "today": today,
        },
    )


WORK_QUEUE_PAGE_SIZE = 50


@role_required(Membership.Role.COORDINATOR)
def work_queue_list(request, key):
    """One queue of the overview in full, a page at a time (only that queue is built)."""
    if key not in QUEUES:
        raise Http404
    user, organisation = request.user, request.membership.organisation
    today = timezone.localdate()
    title, queue = QUEUES[key]
    number = request.GET.get("page")
    if key == DRIFTING:
        rows = figures.DropoutList(
            user, organisation=organisation, per_page=WORK_QUEUE_PAGE_SIZE, page=number
        )
    else:
        rows = queue(user, organisation, today)
    page = Paginator(rows, WORK_QUEUE_PAGE_SIZE).get_page(number)
    if key == DRIFTING:
        _link_participants(page.object_list)
    return render(
        request,
        "bridging/work_queue.html",
        {
            "key": key,
            "title": title,
            "page": page,
            "overdue_since": work_queue.overdue_since(),
            "today": today,
        },
    )


FAIRS_SHOWN_SINCE = datetime.timedelta(days=30)
FAIRS_SHOWN = 5
# Sessions missing attendance listed on the instructor's start page (the count is of all).
MISSING_SHOWN = 20


@role_required(Membership.Role.INSTRUCTOR)
def instructor_home(request):
    """The instructor's week: today's sessions one tap from their attendance pages, past ones
    still missing attendance, the rest of the week, and the courses (running ones first)."""
    today = timezone.localdate()
    week_end = today + datetime.timedelta(days=6 - today.weekday())
    status_order = Case(
        *(When(shown_status=status, then=index) for index, status in enumerate(COURSE_ORDER)),
        default=len(COURSE_ORDER),
    )
    # The courses they teach, read once: listed below, and by their ids the scope of the
    # sessions (a session is visible with its course: a short list of ids plans and compiles
    # faster than the scope again).
    taught = list(
        Course.objects.visible_to(request.user)
        .filter(instructors=request.user)
        .with_shown_status(today)  # as the course page shows it
        .annotate(status_order=status_order)
        .order_by("status_order", "start_date", "name")
    )
    # The finished ones newest first (last year's before the year before's).
    taught.sort(
        key=lambda c: (
            c.status_order,
            -c.start_date.toordinal() if c.status == Course.Status.COMPLETED else 0,
        )
    )
    course_ids = [course.pk for course in taught]
    sessions = list(
        work_queue.with_marks(Session.objects.filter(course__in=course_ids))
        .filter(date__range=(today, week_end))
        .select_related("course")
    )
    # The oldest first, a page of them, and how many there are in all (one query).
    missing = list(
        work_queue.with_size(
            work_queue.sessions_missing_attendance(request.user, today, courses=course_ids)
        )[:MISSING_SHOWN]
    )
    # The association fairs of the programmes they teach in, coming and of the last weeks
    # (interests are registered at the fair, or from notes soon after): the fair's page is
    # where they tap them in, and it is reached from here.
    programme_ids = {course.programme_id for course in taught}
    fairs = (
        list(
            Fair.objects.visible_to(request.user)
            .filter(programme__in=programme_ids, date__gte=today - FAIRS_SHOWN_SINCE)
            .order_by("date", "pk")[:FAIRS_SHOWN]
        )
        if programme_ids
        else []
    )
    today_sessions = [s for s in sessions if s.date == today]
    return render(
        request,
        "bridging/instructor_home.html",
        {
            "fairs": fairs,
            "today": today,
            "organisation": request.membership.organisation,
            "today_sessions": today_sessions,
            # Cancelled sessions are listed today, as cancelled, but are not held.
            "today_held": sum(not session.is_cancelled for session in today_sessions),
            "week_sessions": [s for s in sessions if s.date > today],
            "missing": missing,
            "missing_count": missing[0].queue_size if missing else 0,
            "courses": [c for c in taught if c.status != Course.Status.CANCELLED],
            "warning_count": figures.dropout_count(request.user),
        },
    )


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """For load balancers and monitoring: up, and the database answers. No personal data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
