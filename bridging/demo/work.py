"""Chapter 9: work waiting for someone. Yesterday the instructor held an extra session on the
running course and marked only some of the team before the hall closed: it waits in the
instructor's "missing attendance" and the coordinator's work queue."""

import datetime

from django.utils import timezone

from bridging.demo.pages import valid
from bridging.figures import dropout_warnings
from bridging.forms import SessionForm
from bridging.models import Course, Enrolment, Session
from bridging.services import attendance_mark

MARKED_BEFORE_CLOSING = 8


def seed_waiting_work(programme, users):
    course = Course.objects.get(programme=programme, status=Course.Status.RUNNING)
    today = timezone.localdate()
    day = today - datetime.timedelta(days=1)
    if day.weekday() == course.weekday:  # the regular session is that day: take the day before
        day -= datetime.timedelta(days=1)
    session = Session.objects.filter(course=course, date=day).first()
    if session is None:
        # Added as on the course page's "add a session": the session form, then saved.
        form = SessionForm(
            {"date": day, "start_time": course.start_time, "end_time": course.end_time},
            instance=Session(course=course),
        )
        session = valid(form).save()
    # The ones who came; those drifting away stayed away again.
    drifting = dropout_warnings(users["koordinator"]).values("pk")
    present = (
        Enrolment.objects.filter(course=course, status=Enrolment.Status.ENROLLED)
        .exclude(pk__in=drifting)
        .order_by("participant__first_name", "pk")[:MARKED_BEFORE_CLOSING]
    )
    for enrolment in present:
        attendance_mark(
            session=session, enrolment=enrolment, status="present", user=users["instruktor"]
        )
