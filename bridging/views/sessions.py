"""A session's page: attendance (one tap per person, htmx or plain post) and the session log."""

from functools import lru_cache

from django.contrib import messages
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common import fragments
from common.params import id_param
from common.prepared import Prepared
from participants.models import Participant

from .. import services
from ..forms import (
    PARTICIPANT_NAME,
    CancelSessionForm,
    SessionForm,
    SessionLogForm,
)
from ..models import Attendance, Enrolment, Session
from .access import get_course_for_user, get_session_for_user, project_roles


def _roster(session, course):
    """The course's roster, each person with their mark for this session (or None), as rows
    for `_rows_html`: one query. `session` comes from `get_session_for_user`, so its course is
    one the user sees, and the roster is the course's enrolments (what
    `Enrolment.objects.visible_to` allows of it)."""
    mark = Attendance.objects.filter(session=session, enrolment=OuterRef("pk")).values("status")
    return (
        Enrolment.objects.on_roster()
        .filter(course_id=course)
        .annotate(mark=Subquery(mark[:1]))
        .order_by("participant__first_name", "participant__last_name")
        .values_list("pk", "mark", "participant_id", *PARTICIPANT_NAME)  # what a row shows
    )


# The attendance page's roster: the same query, built once per process (common.prepared).
_ROSTER = Prepared(_roster)


def _named(rows):
    """(enrolment id, mark, name) from the roster's values."""
    return [(pk, mark, Participant.name_from(*person)) for pk, mark, *person in rows]


def _rows_html(session, token, rows, error=None):
    """The roster's rows (`_named`; jinja2/bridging/attendance_rows.html): each posts its
    person's mark to the session, with one of three status buttons pressed, and a refused tap's
    message under it. `token` is the response's CSRF token (`get_token`, read once for the
    response: each read masks it anew)."""
    language = get_language()
    return fragments.render(
        "bridging/attendance_rows.html",
        rows=[(int(pk), name, _buttons(language, mark)) for pk, mark, name in rows],
        action=reverse("bridging:attendance_mark", args=[session.pk]),
        token=token,
        error=error,
    )


def _bar_html(session, token, unmarked, roster_size, oob=False):
    """The bar under the roster (jinja2/bridging/attendance_bar.html): "mark the rest present"
    with how many have no mark, or that attendance is taken. htmx replaces it after each tap
    (`oob`: out of band, next to the row)."""
    return fragments.render(
        "bridging/attendance_bar.html",
        session_pk=session.pk,
        token=token,
        unmarked=unmarked,
        unmarked_text=ngettext("%(counter)s without a mark", "%(counter)s without a mark", unmarked)
        % {"counter": unmarked},
        roster_size=roster_size,
        oob=oob,
    )


@lru_cache(maxsize=32)
def _buttons(language, mark):
    """The three status buttons with `mark` pressed. They differ only by the mark (and the
    language), so each set is drawn once per process and shared by the rows with that mark."""
    statuses = [(value, str(label)) for value, label in Attendance.Status.choices]
    return render_to_string(
        "bridging/includes/attendance_buttons.html", {"statuses": statuses, "mark": mark}
    )


@project_roles
def session_detail(request, pk):
    session = get_session_for_user(request, pk)
    attendance_open = services.attendance_is_open(session)
    # The roster is shown only while attendance can be taken.
    roster = (
        _named(_ROSTER.rows(session=session.pk, course=session.course_id))
        if attendance_open and not session.is_cancelled
        else []
    )
    token = get_token(request)  # one for the page's forms: {% csrf_token %} reads it too
    unmarked = sum(1 for _pk, mark, _name in roster if mark is None)
    return render(
        request,
        "bridging/session_detail.html",
        {
            "session": session,
            "csrf_token": token,
            "roster": _rows_html(session, token, roster),
            "roster_size": len(roster),
            "bar": _bar_html(session, token, unmarked, len(roster)),
            "attendance_open": attendance_open,
            "log_form": _log_form(request, session),
            "cancel_form": CancelSessionForm(),
        },
    )


def _log_form(request, session):
    """The session log's form, or the log refused just before as it was typed (session_log)."""
    typed = request.session.pop(TYPED_LOG, None)
    if typed and typed["pk"] == session.pk:
        return SessionLogForm(typed["data"], instance=session)
    return SessionLogForm(instance=session)


@require_POST
@project_roles
def attendance_mark(request, pk):
    # A tap in the sports hall: the session (with the marks counted for the bar) is read once;
    # the mark checks the enrolment is on the roster, names the person and says what it
    # replaced; the answer is written from them.
    session = get_session_for_user(request, pk, marks=True)
    # Two plain values, read without a form: the service refuses a status that is not one of
    # the three, and an enrolment not on the roster, each with its own message.
    enrolment = id_param(request.POST.get("enrolment"))
    if enrolment is None:
        messages.error(request, services.NOT_ON_ROSTER)
        return redirect(f"{session.get_absolute_url()}#roster")
    error = None
    try:
        attendance = services.attendance_mark(
            session=session,
            enrolment=enrolment,
            status=request.POST.get("status", ""),
            user=request.user,
        )
    except services.JourneyError as exc:
        error = exc.args[0]
        # Refused: the row shows the mark as it stands (if the person is on the roster).
        rows = _named(_roster(session.pk, session.course_id).filter(pk=enrolment))
    else:
        rows = [(attendance.enrolment.pk, attendance.status, str(attendance.enrolment.participant))]
    if request.htmx and rows:
        marked = session.marked
        if error is None:
            marked += attendance.previous_status is None  # a first mark: one more on the bar
        # The row, and the bar at the bottom with its count brought up to date (out of band).
        token = get_token(request)
        return HttpResponse(
            _rows_html(session, token, rows, error)
            + "\n"
            + _bar_html(session, token, session.roster - marked, session.roster, oob=True)
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
        # What was typed, shown again in the log's form (with its errors) on the session page.
        request.session[TYPED_LOG] = {
            "pk": session.pk,
            "data": {name: request.POST[name] for name in form.fields if name in request.POST},
        }
    return redirect(session)


TYPED_LOG = "typed_session_log"


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
    form = SessionForm(request.POST if request.method == "POST" else None, instance=session)
    if form.is_valid():
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
        request.POST if request.method == "POST" else None,
        instance=Session(course=course),
        initial={"start_time": course.start_time, "end_time": course.end_time},
    )
    if form.is_valid():
        session = form.save()  # the form's instance belongs to the course
        messages.success(request, _("The session is added."))
        return redirect(session)
    return render(
        request, "bridging/session_form.html", {"form": form, "session": None, "course": course}
    )
