"""Writes of the journey that touch several rows or guard a rule across rows.

Each function is atomic and locks the row that guards its rule (the course for capacity, the
attendance row for corrections) before it counts or changes anything.
"""

import datetime
import functools

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.hooks import refresh_status, withdrawn_condition
from participants.models import Participant
from participants.services import programme_end_refresh

from .figures import attendance_refresh, lock_enrolments, refresh_on_roster_sql
from .models import Attendance, AttendanceChange, Course, Enrolment, Session
from .status import status_refresh_for_courses


class JourneyError(Exception):
    """A rule of the domain refused the change; the message is for the user."""


@transaction.atomic
def course_create(*, form, programme) -> Course:
    """Save a validated CourseForm in `programme` and generate its weekly sessions."""
    course = form.save(commit=False)
    course.programme = programme
    course.full_clean()
    course.save()
    form.save_m2m()
    sessions_generate(course=course)
    return course


@transaction.atomic
def course_update(*, form) -> Course:
    """Save a validated CourseForm of an existing course. A change of the course's state
    (e.g. cancelled) changes the status of everyone on it. The places are counted with the
    course row locked (as enrolment_create does): fewer places than the team has are refused,
    and more places move the first on the waitlist up, in their turn."""
    Course.objects.select_for_update().get(pk=form.instance.pk)
    enrolled = Enrolment.objects.filter(course=form.instance, status=Enrolment.Status.ENROLLED)
    taken = enrolled.count()
    if form.instance.capacity < taken:
        raise JourneyError(
            _(
                "%(count)s are on the team; the course cannot have fewer places. "
                "Withdraw someone first."
            )
            % {"count": taken}
        )
    course = form.save()
    promoted = []
    if course.capacity > taken and course.status in Course.NOT_OVER:
        promoted = list(
            Enrolment.objects.filter(course=course, status=Enrolment.Status.WAITLISTED)
            .order_by("created_at", "pk")
            .values_list("pk", "participant_id")[: course.capacity - taken]
        )
        Enrolment.objects.filter(pk__in=[pk for pk, _participant in promoted]).update(
            status=Enrolment.Status.ENROLLED
        )
    if "status" in form.changed_data:
        status_refresh_for_courses([course.pk])
    elif promoted:
        refresh_status([participant for _pk, participant in promoted])
    return course


@transaction.atomic
def sessions_generate(*, course: Course) -> list[Session]:
    """Create a session for each scheduled date that has none yet."""
    existing = set(course.sessions.values_list("date", flat=True))
    sessions = [
        Session(course=course, date=day, start_time=course.start_time, end_time=course.end_time)
        for day in course.scheduled_dates()
        if day not in existing
    ]
    return Session.objects.bulk_create(sessions)


@transaction.atomic
def session_log_save(*, form, user) -> Session:
    """Save a validated SessionLogForm: what was done, the exit talk, the team feeling. A
    planned session that gets a log has been held."""
    session = form.save(commit=False)
    if session.status == Session.Status.PLANNED:
        session.status = Session.Status.HELD
    session.logged_by = user
    session.save()
    return session


@transaction.atomic
def session_cancel(*, session: Session, reason: str, user) -> Session:
    session = Session.objects.select_for_update().get(pk=session.pk)
    if not reason.strip():
        raise JourneyError(_("Give a reason for cancelling the session."))
    session.status = Session.Status.CANCELLED
    session.cancel_reason = reason.strip()
    session.logged_by = user
    session.save(update_fields=["status", "cancel_reason", "logged_by"])
    return session


@transaction.atomic
def enrolment_create(
    *,
    course: Course,
    participant: Participant,
    recruitment: str = "",
    exit_goal_explained: bool = False,
    enrolled_on: datetime.date | None = None,
) -> Enrolment:
    """Enrol, or put on the waitlist when the course is full. Safe under concurrent requests:
    the course row is locked while the places are counted. Someone who withdrew from the
    course comes back on their enrolment (one per course, so the figures count them once),
    behind those already waiting if it is full."""
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.status in (Course.Status.COMPLETED, Course.Status.CANCELLED):
        raise JourneyError(_("The course is over or cancelled; no one can be enrolled."))
    earlier = Enrolment.objects.filter(course=course, participant=participant).first()
    if earlier is not None and earlier.status != Enrolment.Status.WITHDRAWN:
        raise JourneyError(_("The participant is already on this course."))
    # "Udmeldt": left the programme, or withdrew the consent to be registered (one query).
    withdrawn = (
        Participant.objects.filter(pk=participant.pk)
        .filter(withdrawn_condition(timezone.localdate()))
        .values_list("withdrawn_on", flat=True)
    )
    if withdrawn:
        if withdrawn[0] is not None:
            raise JourneyError(_("The participant has left the programme; no one can enrol them."))
        raise JourneyError(
            _(
                "The participant has withdrawn the consent to be registered in the programme; "
                "record a new consent before enrolling them."
            )
        )
    taken = Enrolment.objects.filter(course=course, status=Enrolment.Status.ENROLLED).count()
    status = Enrolment.Status.ENROLLED if taken < course.capacity else Enrolment.Status.WAITLISTED
    if earlier is not None:
        earlier.status, earlier.withdrawn_reason = status, ""
        earlier.recruitment, earlier.exit_goal_explained = recruitment, exit_goal_explained
        earlier.enrolled_on = enrolled_on or timezone.localdate()
        earlier.created_at = timezone.now()  # the waitlist's order: in turn from now
        earlier.save(
            update_fields=[
                "status", "withdrawn_reason", "recruitment", "exit_goal_explained",
                "enrolled_on", "created_at",
            ]
        )  # fmt: skip
        refresh_status([participant.pk])
        return earlier
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                course=course,
                participant=participant,
                status=status,
                recruitment=recruitment,
                exit_goal_explained=exit_goal_explained,
                enrolled_on=enrolled_on or timezone.localdate(),
            )
    except IntegrityError as error:
        raise JourneyError(_("The participant is already on this course.")) from error
    refresh_status([participant.pk])
    return enrolment


@transaction.atomic
def enrolment_withdraw(*, enrolment: Enrolment, reason: str) -> Enrolment | None:
    """Withdraw a participant; the first on the waitlist takes the freed place.
    Returns the promoted enrolment, if any."""
    course = Course.objects.select_for_update().get(pk=enrolment.course_id)
    enrolment = Enrolment.objects.get(pk=enrolment.pk)
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        raise JourneyError(_("The participant has already withdrawn."))
    if not reason.strip():
        raise JourneyError(_("Give a reason for the withdrawal."))
    freed_a_place = enrolment.status == Enrolment.Status.ENROLLED
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.withdrawn_reason = reason.strip()
    enrolment.save(update_fields=["status", "withdrawn_reason"])
    first_waiting = None
    if freed_a_place:
        first_waiting = (
            Enrolment.objects.filter(course=course, status=Enrolment.Status.WAITLISTED)
            .order_by("created_at", "pk")
            .first()
        )
    if first_waiting is not None:
        first_waiting.status = Enrolment.Status.ENROLLED
        first_waiting.save(update_fields=["status"])
        refresh_status([enrolment.participant_id, first_waiting.participant_id])
    else:
        refresh_status([enrolment.participant_id])
    return first_waiting


# Attendance can be taken from this long before a session starts (people arrive early).
ATTENDANCE_OPENS_BEFORE = datetime.timedelta(hours=1)


def attendance_is_open(session: Session, now: datetime.datetime | None = None) -> bool:
    return (now or timezone.now()) >= session.starts_at() - ATTENDANCE_OPENS_BEFORE


def _check_session_open(session: Session) -> None:
    if session.is_cancelled:
        raise JourneyError(_("The session is cancelled; no attendance can be taken."))
    if not attendance_is_open(session):
        raise JourneyError(
            _("The session has not begun; attendance can be taken from an hour before it starts.")
        )


@transaction.atomic
def course_complete(*, course: Course) -> int:
    """The course is over: every participant still on the team has completed it (withdrawn and
    waitlisted stay as they are). Returns how many completed."""
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.status == Course.Status.COMPLETED:
        raise JourneyError(_("The course is already completed."))
    if course.status == Course.Status.CANCELLED:
        raise JourneyError(_("A cancelled course cannot be completed."))
    completed = Enrolment.objects.filter(course=course, status=Enrolment.Status.ENROLLED).update(
        status=Enrolment.Status.COMPLETED
    )
    course.status = Course.Status.COMPLETED
    course.save(update_fields=["status"])
    status_refresh_for_courses([course.pk])
    programme_end_refresh(
        Enrolment.objects.filter(course=course, status=Enrolment.Status.COMPLETED).values_list(
            "participant", flat=True
        )
    )
    return completed


def course_completion_locked(course: Course) -> bool:
    """Once a handover from the course has been sent, its completion stands."""
    from .models import HandoverParticipant

    return (
        HandoverParticipant.objects.filter(handover__course=course)
        .exclude(status=HandoverParticipant.Status.PROPOSED)
        .exists()
    )


@transaction.atomic
def course_complete_undo(*, course: Course) -> int:
    """Undo a completion made by mistake, until a handover from the course is sent: the
    completed go back on the team and the course is running again. Returns how many."""
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.status != Course.Status.COMPLETED:
        raise JourneyError(_("The course is not completed."))
    if course_completion_locked(course):
        raise JourneyError(
            _("A handover from this course has been sent; the completion can no longer be undone.")
        )
    completed = Enrolment.objects.filter(course=course, status=Enrolment.Status.COMPLETED)
    participant_ids = list(completed.values_list("participant", flat=True))
    undone = completed.update(status=Enrolment.Status.ENROLLED)
    course.status = Course.Status.RUNNING
    course.save(update_fields=["status"])
    status_refresh_for_courses([course.pk])
    programme_end_refresh(participant_ids)
    return undone


NOT_ON_ROSTER = _("The participant is not enrolled on this course.")


def attendance_mark(*, session: Session, enrolment, status: str, user) -> Attendance:
    """Record or correct the attendance of one person on the session's roster (enrolled on its
    course or completed it); a correction is logged. `enrolment` is an Enrolment or its id:
    whether it is on the roster is read with the mark itself, from the database. The attendance
    returned has `previous_status` (the mark it had before, None for a first mark) and its
    `enrolment` with the participant's name (`Participant.NAME_FIELDS`), for the answer.

    A tap in the sports hall, so it is one round trip on PostgreSQL: the enrolment is checked
    and named, the row locked, changed and its correction logged (or the first mark inserted)
    in a single statement, and the enrolment's kept figures re-derived by a second one in the
    same query string and transaction; other databases take the same steps in a transaction."""
    _check_session_open(session)
    if status not in Attendance.Status.values:
        raise JourneyError(_("Choose present, absent or excused."))
    enrolment_id = enrolment.pk if isinstance(enrolment, Enrolment) else enrolment
    if connection.vendor == "postgresql":
        return _attendance_mark_in_one_statement(session, enrolment_id, status, user)
    return _attendance_mark_in_steps(session, enrolment_id, status, user)


@transaction.atomic
def _attendance_mark_in_steps(session, enrolment_id, status, user) -> Attendance:
    enrolment = (
        Enrolment.objects.on_roster()
        .filter(course_id=session.course_id, pk=enrolment_id)
        .select_related("participant")
        .only("course_id", "status", *(f"participant__{f}" for f in Participant.NAME_FIELDS))
        .first()
    )
    if enrolment is None:
        raise JourneyError(NOT_ON_ROSTER)
    attendance, created = Attendance.objects.select_for_update().get_or_create(
        session=session,
        enrolment=enrolment,
        defaults={"status": status, "recorded_by": user},
    )
    attendance.previous_status = None if created else attendance.status
    if not created and attendance.status != status:
        AttendanceChange.objects.create(
            attendance=attendance, old_status=attendance.status, new_status=status, changed_by=user
        )
        attendance.status = status
        attendance.recorded_by = user
        attendance.recorded_at = timezone.now()
        attendance.save(update_fields=["status", "recorded_by", "recorded_at"])
    return attendance


# `enrolment` is the posted enrolment if it is on the session's roster (Enrolment.on_roster),
# with what the answer shows of the person; without it nothing below writes a row. It locks
# the session against a change (cancelled, moved) and then the enrolment, in that order, for
# the kept figures that the next statement re-derives (figures.attendance_refresh), in the same
# transaction (`_mark_and_refresh_sql`).
_MARK_SQL = """
WITH session AS (
    SELECT id FROM {session} WHERE id = %(session)s FOR SHARE
), enrolment AS (
    SELECT e.id, e.status, p.id AS participant_id, p.first_name, p.last_name, p.anonymised_at
    FROM {enrolment} e JOIN {participant} p ON p.id = e.participant_id
    WHERE e.id = %(enrolment)s AND e.course_id = %(course)s AND e.status = ANY(%(on_roster)s)
        AND EXISTS (SELECT 1 FROM session)
    FOR UPDATE OF e
), old AS (
    SELECT id, status FROM {attendance}
    WHERE session_id = %(session)s AND enrolment_id IN (SELECT id FROM enrolment) FOR UPDATE
), changed AS (
    UPDATE {attendance} AS a
    SET status = %(status)s, recorded_by_id = %(user)s, recorded_at = %(now)s
    FROM old WHERE a.id = old.id AND old.status <> %(status)s
    RETURNING a.id, old.status AS old_status
), logged AS (
    INSERT INTO {change} (attendance_id, old_status, new_status, changed_by_id, changed_at)
    SELECT id, old_status, %(status)s, %(user)s, %(now)s FROM changed
    RETURNING attendance_id
), created AS (
    INSERT INTO {attendance} (session_id, enrolment_id, status, recorded_by_id, recorded_at)
    SELECT %(session)s, id, %(status)s, %(user)s, %(now)s FROM enrolment
    WHERE NOT EXISTS (SELECT 1 FROM old)
    ON CONFLICT (session_id, enrolment_id) DO NOTHING
    RETURNING id
)
SELECT (SELECT id FROM old), (SELECT id FROM created), (SELECT status FROM old),
    status, participant_id, first_name, last_name, anonymised_at
FROM enrolment
"""


@functools.lru_cache(maxsize=1)
def _mark_and_refresh_sql() -> tuple[str, dict]:
    """The mark's statement and, after it, the refresh of the enrolment's kept figures
    (figures.refresh_on_roster_sql): sent together, in one round trip. PostgreSQL runs the
    statements of one query string in one transaction (one commit, one wait for the log to
    reach disk, instead of one each), and each statement reads the database as it is when that
    statement begins: the refresh reads the marks after the mark has locked the enrolment, with
    the lock still held, so a mark of the same person committed meanwhile is counted. The
    refresh re-derives the figures of an enrolment on the roster only (one the mark locked), and
    writes what it finds also when the mark changed nothing. (One execute can carry two
    statements because Django's psycopg connections bind parameters on the client; the
    `server_side_binding` option would refuse it.)"""
    mark = _MARK_SQL.format(
        attendance=connection.ops.quote_name(Attendance._meta.db_table),
        change=connection.ops.quote_name(AttendanceChange._meta.db_table),
        enrolment=connection.ops.quote_name(Enrolment._meta.db_table),
        participant=connection.ops.quote_name(Participant._meta.db_table),
        session=connection.ops.quote_name(Session._meta.db_table),
    )
    refresh, constants = refresh_on_roster_sql()
    return f"{mark.rstrip()};\n{refresh}", constants


def _attendance_mark_in_one_statement(session, enrolment_id, status, user) -> Attendance:
    sql, constants = _mark_and_refresh_sql()
    params = {
        **constants,
        "session": session.pk,
        "course": session.course_id,
        "enrolment": enrolment_id,
        "on_roster": list(Enrolment.ON_ROSTER),
        "status": status,
        "user": user.pk,
        "now": timezone.now(),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)  # the mark's row is the first result
        row = cursor.fetchone()
        if row is not None and row[0] is None and row[1] is None:
            # Someone else marked this person in the same instant: now it is a correction.
            cursor.execute(sql, params)
            row = cursor.fetchone()
    if row is None:
        raise JourneyError(NOT_ON_ROSTER)
    old_id, created_id, previous_status, enrolment_status, participant_id, *name = row
    # Made as the ORM makes loaded rows (`from_db`: only the fields read), with their relations
    # set: the answer to a tap reads them and nothing else.
    participant = _loaded(
        Participant, id=participant_id, **dict(zip(Participant.NAME_FIELDS, name, strict=True))
    )
    enrolment = _loaded(
        Enrolment,
        id=enrolment_id,
        course_id=session.course_id,
        participant_id=participant_id,
        status=enrolment_status,
    )
    Enrolment.participant.field.set_cached_value(enrolment, participant)
    attendance = _loaded(
        Attendance,
        id=old_id or created_id,
        session_id=session.pk,
        enrolment_id=enrolment_id,
        status=status,
        recorded_by_id=user.pk,
        recorded_at=params["now"],
    )
    Attendance.session.field.set_cached_value(attendance, session)
    Attendance.enrolment.field.set_cached_value(attendance, enrolment)
    Attendance.recorded_by.field.set_cached_value(attendance, user)
    attendance.previous_status = previous_status
    return attendance


def _loaded(model, **values):
    """An instance of `model` as the ORM makes a row read with only these fields."""
    names = [field.attname for field in model._meta.concrete_fields if field.attname in values]
    return model.from_db(connection.alias, names, [values[name] for name in names])


@transaction.atomic
def attendance_mark_all_present(*, session: Session, user) -> int:
    """Mark everyone on the roster who has no mark yet as present. Returns how many. The
    session, then the enrolments are locked (as a single mark locks them), and the enrolments'
    kept figures re-derived."""
    _check_session_open(session)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(Session._meta.db_table)
            cursor.execute(f"SELECT id FROM {table} WHERE id = %s FOR SHARE", [session.pk])
    unmarked = lock_enrolments(
        Enrolment.objects.on_roster()
        .filter(course_id=session.course_id)
        .exclude(attendances__session=session)
        .values("pk")
    )
    created = Attendance.objects.bulk_create(
        [
            Attendance(session=session, enrolment_id=pk, status="present", recorded_by=user)
            for pk in unmarked
        ],
        ignore_conflicts=True,
    )
    attendance_refresh(unmarked, locked=True)
    return len(created)
