"""The journey's entries on a participant's timeline and export (see participants.hooks)."""

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _

from participants.hooks import TimelineEvent, export_provider, timeline_provider

from .models import Attendance, Enrolment


def _enrolments(participant):
    return (
        Enrolment.objects.filter(participant=participant)
        .select_related("course")
        .annotate(
            present=Count("attendances", filter=Q(attendances__status=Attendance.Status.PRESENT)),
            absent=Count("attendances", filter=Q(attendances__status=Attendance.Status.ABSENT)),
            excused=Count("attendances", filter=Q(attendances__status=Attendance.Status.EXCUSED)),
        )
    )


@timeline_provider
def enrolments_and_attendance(participant):
    for enrolment in _enrolments(participant):
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
