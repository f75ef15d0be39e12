"""The attendance sheet of a course, printable on A4: the team down, the dates across, the marks
taken so far, and empty boxes for the sessions still to come, to fill in by hand."""

from django.shortcuts import render

from ..models import Attendance, Enrolment, Session
from .access import get_course_for_user, project_roles

DATES_PER_SHEET = 12  # as many date columns as fit across an A4 page in landscape
SYMBOLS = {
    Attendance.Status.PRESENT: "✓",
    Attendance.Status.ABSENT: "÷",
    Attendance.Status.EXCUSED: "A",
}


@project_roles
def attendance_sheet(request, pk):
    course = get_course_for_user(request, pk)
    roster = list(
        Enrolment.objects.visible_to(request.user)
        .on_roster()
        .filter(course=course)
        .select_related("participant")
        .order_by("participant__first_name", "participant__last_name", "pk")
    )
    sessions = list(
        Session.objects.filter(course=course)
        .exclude(status=Session.Status.CANCELLED)
        .order_by("date", "start_time")
    )
    marks = {
        (enrolment_id, session_id): status
        for enrolment_id, session_id, status in Attendance.objects.filter(
            session__course=course, enrolment__in=[e.pk for e in roster]
        ).values_list("enrolment_id", "session_id", "status")
    }
    sheets = []
    for start in range(0, max(len(sessions), 1), DATES_PER_SHEET):
        columns = sessions[start : start + DATES_PER_SHEET]
        rows = [
            (
                enrolment.participant,
                [SYMBOLS.get(marks.get((enrolment.pk, session.pk)), "") for session in columns],
            )
            for enrolment in roster
        ]
        sheets.append({"sessions": columns, "rows": rows})
    return render(
        request,
        "bridging/attendance_sheet.html",
        {"course": course, "sheets": sheets, "symbols": SYMBOLS},
    )
