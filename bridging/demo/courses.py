"""Chapter 4: this year's programme and its three courses, with attendance and readiness."""

import datetime

from django.utils import timezone

from bridging.demo import pages
from bridging.demo.people import cast
from bridging.models import INDICATORS, Attendance, Course, Enrolment, Programme, Session
from bridging.services import attendance_mark, course_complete, enrolment_create


def seed_programme(project, users):
    """The demo programme: a finished course, one running mid-way and one planned, with
    attendance in which a few participants drift away."""
    today = timezone.localdate()
    programme = pages.programme(
        project,
        "Seniorer i bevægelse 2026",
        {
            "description": "12 ugers motion for inaktive ældre, der bagefter fortsætter i "
            "en forening, en aftenskole eller en selvorganiseret gruppe.",
            "target_group": "Inaktive borgere over 65 år",
            "starts_on": today - datetime.timedelta(weeks=22),
            "ends_on": today + datetime.timedelta(weeks=20),
            "exit_goal": "Fra første gang siger vi: Holdet slutter efter 12 uger, og målet er, "
            "at I fortsætter sammen i en forening eller på egen hånd.",
            "default_bridging_model": Programme.BridgingModel.TEAM,
            "readiness_threshold": 3,
            "follow_up_months": "3,6,12",
            "minimum_attendance": 75,
        },
    )
    participants = cast(project, "course", "recruited", "last_year")
    # (name, weeks ago it started, status, participants, capacity)
    plans = [
        ("Hold 1: Valby, mandag formiddag", 16, Course.Status.COMPLETED, participants[:8], 14),
        (
            "Hold 2: Vesterbro, onsdag formiddag",
            6,
            Course.Status.RUNNING,
            participants[8:20],
            14,
        ),
        (
            "Hold 3: Sydhavnen, torsdag eftermiddag",
            -3,
            Course.Status.PLANNED,
            participants[20:26],
            2,
        ),
    ]
    for index, (name, weeks_ago, status, members, capacity) in enumerate(plans):
        start = today - datetime.timedelta(weeks=weeks_ago)
        # A finished course ran first: it is completed below, through the service.
        first_status = Course.Status.RUNNING if status == Course.Status.COMPLETED else status
        course = pages.course(
            programme,
            name,
            {
                "venue": ["Valby Hallen", "Vesterbro Idrætscenter", "Sydhavn Kulturhus"][index],
                "address": ["Julius Andersens Vej 3", "Saxogade 10", "Mozarts Plads 2"][index],
                "municipality": "København",
                "weekday": [0, 2, 3][index],
                "start_time": "10:00" if index < 2 else "14:00",
                "end_time": "11:30" if index < 2 else "15:30",
                "start_date": start,
                "weeks": 12,
                "capacity": capacity,
                "status": first_status,
                "instructors": [users["instruktor"].pk],
            },
        )
        for position, participant in enumerate(members):
            enrolment = Enrolment.objects.filter(participant=participant, course=course).first()
            if enrolment is None:
                enrolment = enrolment_create(
                    course=course,
                    participant=participant,
                    recruitment=participant.recruitment,
                    exit_goal_explained=position % 4 != 3,
                    enrolled_on=start - datetime.timedelta(days=14),
                )
            seed_attendance(course, enrolment, position, today, users["instruktor"])
            seed_assessments(course, enrolment, position, start, users["instruktor"], status)
        if status == Course.Status.COMPLETED and course.status != status:
            course_complete(course=course)
    return programme


def seed_attendance(course, enrolment, position, today, instructor):
    if enrolment.status not in (Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED):
        return
    # The weekly sessions only: an extra one (chapter 9) keeps the marks it was given.
    past = list(
        Session.objects.filter(
            course=course, date__lt=today, date__in=course.scheduled_dates()
        ).order_by("date")
    )
    for number, session in enumerate(past):
        if session.status == Session.Status.PLANNED:
            pages.session_log(
                session,
                {
                    "content": "Opvarmning, styrke på stole, balance og en gåtur i grupper.",
                    "exit_theme": number in (3, 8, 10),
                    "team_building": number % 3 == 0,
                },
                instructor,
            )
        drifting = position in (2, 7) and number >= len(past) - 3
        if drifting:
            status = Attendance.Status.ABSENT
        elif (position + number) % 9 == 0:
            status = Attendance.Status.EXCUSED
        elif (position * 3 + number) % 11 == 0:
            status = Attendance.Status.ABSENT
        else:
            status = Attendance.Status.PRESENT
        if not Attendance.objects.filter(session=session, enrolment=enrolment).exists():
            attendance_mark(session=session, enrolment=enrolment, status=status, user=instructor)


def seed_assessments(course, enrolment, position, start, instructor, course_status):
    """Readiness grows over the course; the two drifting participants fall behind on
    engagement and vision. Some participants answered their own questionnaires."""
    if enrolment.status not in (Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED):
        return
    points = {
        Course.Status.COMPLETED: [("start", 0), ("midway", 6), ("end", 11)],
        Course.Status.RUNNING: [("start", 0), ("midway", 5)],
    }.get(course_status, [])
    drifting = position in (2, 7)
    for step, (kind, week) in enumerate(points):
        base = 1 + step + (position % 3 == 0)
        scores = {}
        for number, indicator in enumerate(INDICATORS):
            score = base + (number + position) % 2
            if drifting and indicator.dimension in ("engagement", "vision"):
                score = 1 + (step > 1)
            scores[indicator.field] = max(1, min(4, score))
        on = start + datetime.timedelta(weeks=week)
        pages.assessment(
            enrolment,
            {
                "kind": kind,
                "assessed_on": on,
                **scores,
                "note": "Trives på holdet." if not drifting else "Er begyndt at udeblive.",
            },
            instructor,
        )
        if kind in ("start", "end") and position % 2 == 0:
            own = {field: min(4, value + (position % 4 == 0)) for field, value in scores.items()}
            answers = {
                **own,
                "wishes_after": "Fortsætte med gymnastik sammen med de andre fra holdet.",
                "known_offers": "Seniorgymnastik i Vesterbro, gåklubben.",
                "continue_with_team": "yes",
            }
            pages.own_assessment(enrolment, kind, answers, on, instructor)
