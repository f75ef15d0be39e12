"""Attendance figures, computed in SQL: one query for a whole roster, whatever its size."""

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Attendance, Course, Enrolment, Session

DROPOUT_THRESHOLD = 2


def with_attendance_figures(enrolments, today=None):
    """Annotate enrolments with:

    - past_sessions: the course's sessions up to today that were not cancelled
    - present_count and last_attended
    - consecutive_absences: absences since the last time they were present (excused ones
      neither count nor break the run)
    """
    today = today or timezone.localdate()
    last_present = (
        Attendance.objects.filter(enrolment=OuterRef("pk"), status=Attendance.Status.PRESENT)
        .order_by("-session__date")
        .values("session__date")[:1]
    )
    past_sessions = (
        Session.objects.filter(course=OuterRef("course"), date__lte=today)
        .exclude(status=Session.Status.CANCELLED)
        .order_by()
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")
    )
    absent = Q(attendances__status=Attendance.Status.ABSENT)
    return enrolments.annotate(
        last_attended=Subquery(last_present),
        past_sessions=Coalesce(Subquery(past_sessions, output_field=IntegerField()), Value(0)),
        present_count=Count("attendances", filter=Q(attendances__status=Attendance.Status.PRESENT)),
        consecutive_absences=Count(
            "attendances",
            filter=absent
            & (
                Q(last_attended__isnull=True) | Q(attendances__session__date__gt=F("last_attended"))
            ),
        ),
    )


def attendance_share(enrolment) -> float | None:
    """Percent present of the sessions held so far, unrounded (None before the first session):
    what the exit-ready rule compares, in Python here and in SQL in funnel.py."""
    if not enrolment.past_sessions:
        return None
    return 100 * enrolment.present_count / enrolment.past_sessions


def attendance_rate(enrolment) -> int | None:
    """The same, rounded to whole per cent for showing."""
    share = attendance_share(enrolment)
    return None if share is None else round(share)


def dropout_warnings(user, today=None):
    """Enrolments in running courses with DROPOUT_THRESHOLD or more absences in a row."""
    enrolments = Enrolment.objects.visible_to(user).filter(
        status=Enrolment.Status.ENROLLED, course__status=Course.Status.RUNNING
    )
    return (
        with_attendance_figures(enrolments, today)
        .filter(consecutive_absences__gte=DROPOUT_THRESHOLD)
        .select_related("participant", "course")
        .order_by("-consecutive_absences", "participant__last_name")
    )
