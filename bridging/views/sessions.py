"""A session's page: attendance (one tap per person, htmx or plain post) and the session log."""

from functools import lru_cache

from django.contrib import messages
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services, work_queue
from ..forms import (
    PARTICIPANT_NAME,
    AttendanceForm,
    CancelSessionForm,
    SessionForm,
    SessionLogForm,
)
from ..models import Attendance, Enrolment, Session
from .access import get_course_for_user, get_session_for_user, project_roles


def _roster(session):
    """The course's roster, each with their mark for this session (or None): one query.
    `session` comes from `get_session_for_user`, so its course is one the user sees, and the
    roster is the course's enrolments (what `Enrolment.objects.visible_to` allows of it)."""
    mark = Attendance.objects.filter(session=session, enrolment=OuterRef("pk")).values("status")
    return (
        Enrolment.objects.on_roster()
        .filter(course_id=session.course_id)
        .annotate(mark=Subquery(mark[:1]))
        .select_related("participant")
        .only(*PARTICIPANT_NAME)  # what a row shows of the person
        .order_by("participant__first_name", "participant__last_name")
    )


def _rows(session, enrolments):
    """What the roster rows need besides each person: the address they post to, and each
    person's three status buttons. The buttons differ only by the mark they show pressed (and
    the language), so each set is drawn once per process and shared by the rows with that
    mark: a row is drawn 30 times on the page, in the sports hall."""
    language = get_language()
    for enrolment in enrolments:
        enrolment.buttons = _buttons(language, enrolment.mark)
    return {"mark_url": reverse("bridging:attendance_mark", args=[session.pk])}


@lru_cache(maxsize=32)
def _buttons(language, mark):
    statuses = [(value, str(label)) for value, label in Attendance.Status.choices]
    return render_to_string(
        "bridging/includes/attendance_buttons.html", {"statuses": statuses, "mark": mark}
    )


@project_roles
def session_detail(request, pk):
    session = get_session_for_user(request, pk)
    attendance_open = services.attendance_is_open(session)
    # The roster is shown only while attendance can be taken.
    roster = list(_roster(session)) if attendance_open and not session.is_cancelled else []
    return render(
        request,
        "bridging/session_detail.html",
        {
            "session": session,
            "roster": roster,
            "unmarked": sum(1 for enrolment in roster if enrolment.mark is None),
            "attendance_open": attendance_open,
            "log_form": SessionLogForm(instance=session),
            "cancel_form": CancelSessionForm(),
            **_rows(session, roster),
        },
    )


@require_POST
@project_roles
def attendance_mark(request, pk):
    # A tap in the sports hall: the session (with the marks counted for the bar) is read once,
    # the mark checks the enrolment is on the roster and names the person, and says what it
    # replaced; the answer is drawn from them.
    session = get_object_or_404(
        work_queue.with_marks(Session.objects.visible_to(request.user)), pk=pk
    )
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect(f"{session.get_absolute_url()}#roster")
    error = None
    try:
        attendance = services.attendance_mark(
            session=session,
            enrolment=form.cleaned_data["enrolment"],
            status=form.cleaned_data["status"],
            user=request.user,
        )
    except services.JourneyError as exc:
        error = exc.args[0]
        # Refused: the row shows the mark as it stands (if the person is on the roster).
        enrolment = _roster(session).filter(pk=form.cleaned_data["enrolment"]).first()
    else:
        enrolment = attendance.enrolment  # with the participant's name
        enrolment.mark = attendance.status
    if request.htmx and enrolment is not None:
        marked = session.marked
        if error is None:
            marked += attendance.previous_status is None  # a first mark: one more on the bar
        # The row, and the bar at the bottom with its count brought up to date (out of band).
        return render(
            request,
            "bridging/includes/attendance_marked.html",
            {
                "session": session,
                "rows": [enrolment],
                "error": error,
                "unmarked": session.roster - marked,
                "roster_size": session.roster,
                "oob": True,
                **_rows(session, [enrolment]),
            },
        )
    if error:
        messages.error(request, error)
    return redirect(f"{session.get_absolute_url()}#roster")


@require_POST
@project_roles
def attendance_mark_all(request, pk):
    session = get_session_for_user(request, pk)
    try:
        count = services.attendance_mark_all_present(session=session, user=request.user)
    except services.JourneyError as error:
        messages.error(request, error.args[0])
    else:
        messages.success(request, _("%(count)s marked present.") % {"count": count})
    return redirect(f"{session.get_absolute_url()}#roster")


@require_POST
@project_roles
def session_log(request, pk):
    session = get_session_for_user(request, pk)
    form = SessionLogForm(request.POST, instance=session)
    if form.is_valid():
        session = services.session_log_save(form=form, user=request.user)
        messages.success(request, _("The session log is saved."))
    else:
        for errors in form.errors.values():
            messages.error(request, errors[0])
    return redirect(session)


@require_POST
@project_roles
def session_cancel(request, pk):
    session = get_session_for_user(request, pk)
    form = CancelSessionForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "confirm_action.html",
            {
                "title": _("Cancel the session on %(date)s")
                % {"date": date_format(session.date, "SHORT_DATE_FORMAT")},
                "warning": _("The team sees the session as cancelled, with the reason."),
                "form": form,
                "action": request.path,
                "button": _("Cancel the session"),
                "back": session.get_absolute_url(),
            },
        )
    services.session_cancel(session=session, reason=form.cleaned_data["reason"], user=request.user)
    messages.success(request, _("The session is cancelled."))
    return redirect(session)


@project_roles
def session_update(request, pk):
    """Move a session to another date or time."""
    session = get_session_for_user(request, pk)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The session is moved."))
        return redirect(session)
    return render(
        request,
        "bridging/session_form.html",
        {"form": form, "session": session, "course": session.course},
    )


@project_roles
def session_create(request, pk):
    """Add an extra session to a course."""
    course = get_course_for_user(request, pk)
    form = SessionForm(
        request.POST or None,
        instance=Session(course=course),
        initial={"start_time": course.start_time, "end_time": course.end_time},
    )
    if request.method == "POST" and form.is_valid():
        session = form.save()  # the form's instance belongs to the course
        messages.success(request, _("The session is added."))
        return redirect(session)
    return render(
        request, "bridging/session_form.html", {"form": form, "session": None, "course": course}
    )
