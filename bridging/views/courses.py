"""Programmes, courses, rosters and enrolment: the coordinator's side of the temporary effort."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from common import fragments
from common.choices import choice_labels
from common.forms import ConfirmForm, create_once, repeated_post
from common.urls import url_for_each

from .. import figures, services
from ..forms import CourseForm, ProgrammeForm, WithdrawForm
from ..models import Course, Enrolment, Fair, Programme, Session
from .access import (
    coordinators,
    get_course_for_user,
    get_programme_for_user,
    get_rw_course_for_user,
    get_rw_programme_for_user,
    project_roles,
)
from .enrolment import enrolment_form


@coordinators
def programme_list(request):
    programmes = (
        Programme.objects.visible_to(request.user)
        .filter(organisation=request.membership.organisation)
        .annotate(course_count=Count("courses"))
    )
    return render(request, "bridging/programme_list.html", {"programmes": programmes})


@coordinators
def programme_create(request):
    if repeat := repeated_post(request):
        return repeat
    form = ProgrammeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():

        def create():
            programme = form.save(commit=False)
            programme.organisation = request.membership.organisation
            programme.save()
            return programme

        made = create_once(request, form, create)
        if not isinstance(made, Programme):
            return made  # the same form posted again: to what the first post made
        messages.success(request, _("The programme is created. Add its courses now."))
        return redirect(made)
    return render(request, "bridging/programme_form.html", {"form": form, "programme": None})


@coordinators
def programme_update(request, pk):
    programme = get_rw_programme_for_user(request, pk)
    form = ProgrammeForm(request.POST if request.method == "POST" else None, instance=programme)
    if form.is_valid():
        form.save()
        messages.success(request, _("The changes are saved."))
        return redirect(programme)
    return render(request, "bridging/programme_form.html", {"form": form, "programme": programme})


PROGRAMME_COURSES_PAGE_SIZE = 50


@coordinators
def programme_detail(request, pk):
    """The programme's key figures over all its courses, and its courses a page at a time."""
    programme = get_programme_for_user(request, pk)
    # Every course is read for the totals, as plain values (no model per course): about 200
    # in a programme at national scale. Their enrolments are counted, and the exit-ready among
    # them, in one query that reads them once (figures.course_figures).
    courses = list(
        Course.objects.visible_to(request.user)
        .filter(programme=programme)
        .with_shown_status()
        .order_by("start_date", "name", "pk")
        .values("pk", "name", "shown_status", "weekday", "start_time", "end_time", "capacity")
    )
    counted = figures.course_figures(
        Enrolment.objects.visible_to(request.user).filter(course__programme=programme)
    )
    none = figures.CourseFigures()
    for course in courses:
        found = counted.get(course["pk"], none)
        course["enrolled"], course["waitlisted"] = found.enrolled, found.waitlisted
        course["completed"], course["exit_ready"] = found.completed, found.exit_ready
    # The totals are summed over every course; only a page of them is rendered
    # (jinja2/bridging/programme_course_rows.html), with the labels of their status and
    # weekday looked up, and their links reversed, once; their times written as the template's
    # "H:i" writes them.
    page = Paginator(courses, PROGRAMME_COURSES_PAGE_SIZE).get_page(request.GET.get("page"))
    statuses, weekdays = choice_labels(Course, "status"), choice_labels(Course, "weekday")
    detail, readiness = (
        url_for_each("bridging:course_detail"),
        url_for_each("bridging:course_readiness"),
    )
    rows = [
        (
            detail(course["pk"]),
            course["name"],
            statuses.get(course["shown_status"], course["shown_status"]),
            f"{weekdays.get(course['weekday'], course['weekday'])} "
            f"{course['start_time']:%H:%M}–{course['end_time']:%H:%M}",
            course["enrolled"],
            course["capacity"],
            course["waitlisted"],
            course["completed"],
            readiness(course["pk"]),
            course["exit_ready"],
        )
        for course in page
    ]
    return render(
        request,
        "bridging/programme_detail.html",
        {
            "programme": programme,
            "courses": courses,
            "page": page,
            "rows": fragments.render("bridging/programme_course_rows.html", rows=rows),
            "totals": {
                key: sum(course[key] for course in courses)
                for key in ("enrolled", "waitlisted", "completed", "exit_ready")
            },
            "fairs": Fair.objects.visible_to(request.user).filter(programme=programme),
        },
    )


@coordinators
def course_create(request, pk):
    programme = get_rw_programme_for_user(request, pk)
    form = CourseForm(
        request.POST if request.method == "POST" else None, organisation=programme.organisation
    )
    if form.is_valid():
        course = services.course_create(form=form, programme=programme)
        messages.success(
            request,
            _("The course is created with %(count)s weekly sessions.")
            % {"count": course.sessions.count()},
        )
        return redirect(course)
    return render(
        request,
        "bridging/course_form.html",
        {"form": form, "course": None, "programme": programme},
    )


@coordinators
def course_update(request, pk):
    course = get_rw_course_for_user(request, pk)
    form = CourseForm(
        request.POST if request.method == "POST" else None,
        instance=course,
        organisation=course.programme.organisation,
    )
    if form.is_valid():
        try:
            services.course_update(form=form)
        except services.JourneyError as error:
            form.add_error("capacity", error.args[0])
        else:
            messages.success(request, _("The changes are saved."))
            return redirect(course)
    return render(
        request,
        "bridging/course_form.html",
        {"form": form, "course": course, "programme": course.programme},
    )


@project_roles
def course_detail(request, pk):
    course = get_course_for_user(request, pk, shown_status=True)
    # The course is one the user sees, so its enrolments and sessions are what their
    # visible_to allows of it: read by the course's index, the visibility rule planned once.
    enrolments = list(Enrolment.objects.filter(course=course).select_related("participant"))
    figures.attach_attendance(enrolments)
    roster = [e for e in enrolments if e.status in (e.Status.ENROLLED, e.Status.COMPLETED)]
    waitlist = sorted(
        (e for e in enrolments if e.status == e.Status.WAITLISTED), key=lambda e: e.created_at
    )
    withdrawn = [e for e in enrolments if e.status == e.Status.WITHDRAWN]
    is_coordinator = request.membership.role == "coordinator"
    roster_rows, waitlist_items = _team_html(request, course, roster, waitlist, is_coordinator)
    sessions = list(Session.objects.filter(course=course))
    session_url = url_for_each("bridging:session_detail")
    session_status = choice_labels(Session, "status")
    now = figures.now_local()
    for session in sessions:
        session.url = session_url(session.pk)
        session.shown = session.shown_status(now)
        session.status_label = session_status[session.shown]
    shown = [session.shown for session in sessions]
    held, cancelled = shown.count(Session.Status.HELD), shown.count(Session.Status.CANCELLED)
    exit_ready = figures.exit_ready_per_course(
        Enrolment.objects.on_roster().filter(course=course)
    ).get(course.pk, 0)
    # The same rule as the roster's warning badges (and the dropout warnings' run).
    at_risk = sum(
        1
        for e in roster
        if e.status == e.Status.ENROLLED
        and course.status in Course.NOT_OVER
        and e.figures.consecutive_absences >= figures.DROPOUT_THRESHOLD
    )
    return render(
        request,
        "bridging/course_detail.html",
        {
            "course": course,
            "instructors": list(course.instructors.all()),
            "sessions": sessions,
            "sessions_held": held,
            "sessions_cancelled": cancelled,
            "sessions_not_cancelled": len(sessions) - cancelled,
            "exit_ready": exit_ready,
            "at_risk": at_risk,
            "roster": roster,
            "roster_rows": roster_rows,
            "waitlist": waitlist,
            "waitlist_items": waitlist_items,
            "withdrawn": withdrawn,
            "is_coordinator": is_coordinator,
            "completion_locked": is_coordinator
            and course.status == Course.Status.COMPLETED
            and services.course_completion_locked(course),
            "undo_completion_warning": UNDO_COMPLETION_WARNING,
            "dropout_threshold": figures.DROPOUT_THRESHOLD,
            "enrolment_form": enrolment_form(request, course) if is_coordinator else None,
        },
    )


def _team_html(request, course, roster, waitlist, is_coordinator):
    """The course page's roster rows and waitlist items (jinja2/bridging/course_roster_rows.html
    and course_waitlist.html), each person's link reversed once for all and, for a coordinator,
    their withdraw form (its sentences name them: translated once, not once a row). Thirty rows
    of lookups and an included form each were most of the page's Python."""
    participant_url = url_for_each("participants:participant_detail")
    withdraw_url = url_for_each("bridging:enrolment_withdraw", course.pk)
    leaves = _("%(name)s leaves the team; the first on the waitlist moves up.")
    reason = _("Reason %(name)s withdraws")

    def person(enrolment):
        pk, name = int(enrolment.pk), str(enrolment.participant)
        withdraw = None
        if is_coordinator:
            names = {"name": name}
            withdraw = (withdraw_url(pk), leaves % names, reason % names)
        return pk, participant_url(enrolment.participant_id), name, withdraw

    rows = []
    for enrolment in roster:
        pk, url, name, withdraw = person(enrolment)
        found = enrolment.figures
        rows.append(
            (pk, url, name, enrolment.status == Enrolment.Status.COMPLETED, found.rate,
             found.present_count, found.held_sessions, found.consecutive_absences,
             found.last_attended, withdraw)
        )  # fmt: skip
    labels = {
        "withdraw_label": _("Withdraw"),
        "withdraw_button": _("Withdraw from the team"),
        "token": get_token(request) if is_coordinator else "",
    }
    roster_rows = fragments.render(
        "bridging/course_roster_rows.html",
        rows=rows,
        dropout_threshold=figures.DROPOUT_THRESHOLD,
        **labels,
    )
    waitlist_items = fragments.render(
        "bridging/course_waitlist.html", rows=[person(e) for e in waitlist], **labels
    )
    return roster_rows, waitlist_items


@require_POST
@coordinators
def course_complete(request, pk):
    course = get_rw_course_for_user(request, pk)
    try:
        count = services.course_complete(course=course)
    except services.JourneyError as error:
        messages.error(request, error.args[0])
    else:
        messages.success(
            request,
            _("The course is completed: %(count)s participants completed it.") % {"count": count},
        )
    return redirect(course)


UNDO_COMPLETION_WARNING = gettext_lazy(
    "Everyone who completed the course is back on the team, as enrolled, and the course is "
    "running again."
)


@require_POST
@coordinators
def course_complete_undo(request, pk):
    course = get_rw_course_for_user(request, pk)
    form = ConfirmForm(request.POST, label=_("Yes, undo the completion"))
    if not form.is_valid():
        return form.page(
            request,
            title=_("Undo the completion of %(course)s") % {"course": course.name},
            warning=UNDO_COMPLETION_WARNING,
            back=course.get_absolute_url(),
        )
    try:
        services.course_complete_undo(course=course)
    except services.JourneyError as error:
        messages.error(request, error.args[0])
    else:
        messages.success(request, _("The completion is undone; the course is running again."))
    return redirect(course)


@require_POST
@coordinators
def enrolment_withdraw(request, pk, enrolment_pk):
    course = get_rw_course_for_user(request, pk)
    enrolment = get_object_or_404(
        Enrolment.objects.visible_to(request.user).filter(course=course), pk=enrolment_pk
    )
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "confirm_action.html",
            {
                "title": _("Withdraw %(name)s from %(course)s")
                % {"name": enrolment.participant, "course": course.name},
                "warning": _(
                    "The participant leaves the team; the first on the waitlist moves up. "
                    "Give the reason."
                ),
                "form": form,
                "action": request.path,
                "button": _("Withdraw from the team"),
                "back": course.get_absolute_url(),
            },
        )
    try:
        promoted = services.enrolment_withdraw(
            enrolment=enrolment, reason=form.cleaned_data["reason"]
        )
    except services.JourneyError as error:
        messages.error(request, error.args[0])
    else:
        messages.success(request, _("The withdrawal is recorded."))
        if promoted:
            messages.info(
                request,
                _("%(name)s moved up from the waitlist.") % {"name": promoted.participant},
            )
    return redirect(course)


DROPOUT_PAGE_SIZE = 50


@project_roles
def dropout_warnings(request):
    """The warnings, most absences in a row first, a page at a time: the page with its
    figures and the count in one query."""
    number = request.GET.get("page")
    warnings = figures.DropoutList(request.user, per_page=DROPOUT_PAGE_SIZE, page=number)
    page = Paginator(warnings, DROPOUT_PAGE_SIZE).get_page(number)
    participant_url = url_for_each("participants:participant_detail")
    course_url = url_for_each("bridging:course_detail")
    for enrolment in page.object_list:  # each row's links, reversed once for the page
        enrolment.participant_url = participant_url(enrolment.participant_id)
        enrolment.course_url = course_url(enrolment.course_id)
    return render(
        request,
        "bridging/dropout_warnings.html",
        {"page": page, "threshold": figures.DROPOUT_THRESHOLD},
    )
