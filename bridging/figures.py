"""The journey's figures, each defined once, in SQL: attendance and the exit-ready rule.

Every figure here is computed for a *scope* (a queryset of enrolments, already limited by
`visible_to`) in one query, with the per-enrolment numbers pre-aggregated in common table
expressions and joined, never with a subquery per row, so the same SQL serves one roster and
a national installation. The funnel (funnel.py) builds on the same expressions.

- A session is *held* when it is not cancelled and has begun (its date and start time have
  passed). Only held sessions count, in the numerator as in the denominator: an attendance
  rate cannot exceed 100 % and "last attended" is never in the future.
- *Exit-ready* (DOMAIN.md, "the exit-ready participant"): the latest staff assessment puts every
  one of the eight indicators at or above the programme's minimum, and attendance is at or
  above the programme's minimum share of the held sessions (no held session yet: attendance
  does not hold anyone back). `readiness.evaluate` is the same rule in Python for one person;
  tests/bridging/test_exit_ready_rule.py holds the two together at the boundaries.
"""

import datetime
import functools
from dataclasses import dataclass

from django.db import connection
from django.db.models import OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Least
from django.utils import timezone

from common.params import page_param
from participants.models import Participant

from .models import INDICATORS, Assessment, Attendance, Course, Enrolment, Session

DROPOUT_THRESHOLD = 2


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def now_local() -> datetime.datetime:
    return timezone.localtime()


def held_condition(alias: str, now: datetime.datetime) -> tuple[str, list]:
    """SQL that is true for a held session `alias`, with its parameters."""
    today, time = now.date().isoformat(), now.time().replace(microsecond=0).isoformat()
    return (
        f"({alias}.status <> 'cancelled' AND ({alias}.date < %s "
        f"OR ({alias}.date = %s AND {alias}.start_time <= %s)))",
        [today, today, time],
    )


def held_q(now: datetime.datetime, prefix: str = "") -> Q:
    """The same rule as `held_condition`, for the ORM: sessions (through `prefix`, e.g.
    "sessions__") not cancelled that have begun by `now`."""
    today, time = now.date(), now.time().replace(microsecond=0)
    return ~Q(**{f"{prefix}status": Session.Status.CANCELLED}) & (
        Q(**{f"{prefix}date__lt": today})
        | Q(**{f"{prefix}date": today, f"{prefix}start_time__lte": time})
    )


def scope_sql(enrolments, *fields) -> tuple[str, list]:
    """The scope's SQL, selecting (id, course_id, *fields) of each enrolment."""
    values = enrolments.order_by().values("pk", "course_id", *fields)
    sql, params = values.query.sql_with_params()
    return sql, list(params)


def _held_ctes(enrolments, now: datetime.datetime, columns=None) -> tuple[str, list]:
    """WITH ... scope(id, course_id, *columns), held_sessions(id, course_id, date, start_time),
    held(course_id, n): the scope and the held sessions of its courses. `columns` maps more
    columns of the scope to the enrolment's fields."""
    columns = columns or {}
    scope, scope_params = scope_sql(enrolments, *columns.values())
    held_s, held_s_params = held_condition("s", now)
    sql = f"""
    scope({", ".join(("id", "course_id", *columns))}) AS ({scope}),
    held_sessions AS (
        SELECT s.id, s.course_id, s.date, s.start_time FROM {_table(Session)} s
        WHERE s.course_id IN (SELECT course_id FROM scope) AND {held_s}
    ),
    held AS (
        SELECT course_id, COUNT(*) AS n FROM held_sessions GROUP BY course_id
    )"""
    return sql, [*scope_params, *held_s_params]


def attendance_ctes(enrolments, now: datetime.datetime) -> tuple[str, list]:
    """WITH ... scope(id, course_id), held_sessions(id, course_id, date, start_time),
    held(course_id, n), present(enrolment_id, n, last_attended), absent_run(enrolment_id, n,
    present, last_attended): the building blocks of every figure. The marks are read through the few
    held sessions of the scope's courses (by the attendance's session index), not by looking
    up a session for every attendance row. The run of absences counts the absent marks after
    the last present one, found with a window over the marks (not a join back to `present`,
    which PostgreSQL may re-aggregate once per absence when it misjudges the row counts); the
    run carries the enrolment's present count and last attended date, so a list of runs needs
    no other CTE. (Measured at national scale: a join back saves about a sixth of the query
    when it is hashed, but MATERIALIZED CTEs do not make it safe: their row estimates are
    guesses, and with 3,000 enrolments it became a nested loop over the absent marks, 1.5 s
    instead of 40 ms.)

    The run is worked out only for the *candidates*: whoever was present at their course's
    latest held session with any mark cannot have one (no held session after it has a mark),
    so only the others' marks are read, by the attendance's enrolment index. At national
    scale that is 800 of a project's 3,000 running enrolments and 4,800 of their 18,000
    marks: the dropout figures take 0.6 of the time they took (measured interleaved). The
    candidates are a set difference (a hashed EXCEPT): an anti-join let PostgreSQL read every
    mark first, and a lateral walk of each course's sessions to its latest marked one planned
    slower than it saved."""
    base, params = _held_ctes(enrolments, now)
    attendance = _table(Attendance)
    sql = f"""{base},
    marks AS (
        SELECT a.enrolment_id, a.status, hs.date FROM held_sessions hs
        JOIN {attendance} a ON a.session_id = hs.id
    ),
    present AS (
        SELECT enrolment_id, COUNT(*) AS n, MAX(date) AS last_attended FROM marks
        WHERE status = 'present' AND enrolment_id IN (SELECT id FROM scope)
        GROUP BY enrolment_id
    ),
    latest AS (
        SELECT hs.course_id, MAX(hs.date) AS date FROM held_sessions hs
        WHERE EXISTS (SELECT 1 FROM {attendance} a WHERE a.session_id = hs.id)
        GROUP BY hs.course_id
    ),
    candidates AS (
        SELECT id AS enrolment_id FROM scope
        EXCEPT
        SELECT a.enrolment_id FROM latest l
        JOIN held_sessions hs ON hs.course_id = l.course_id AND hs.date = l.date
        JOIN {attendance} a ON a.session_id = hs.id
        WHERE a.status = 'present'
    ),
    since_present AS (
        SELECT a.enrolment_id, a.status, hs.date,
            MAX(CASE WHEN a.status = 'present' THEN hs.date END)
                OVER (PARTITION BY a.enrolment_id) AS last_attended,
            SUM(CASE WHEN a.status = 'present' THEN 1 ELSE 0 END)
                OVER (PARTITION BY a.enrolment_id) AS present
        FROM candidates c
        JOIN {attendance} a ON a.enrolment_id = c.enrolment_id
        JOIN held_sessions hs ON hs.id = a.session_id
    ),
    absent_run AS (
        SELECT enrolment_id, COUNT(*) AS n, MAX(present) AS present,
            MAX(last_attended) AS last_attended
        FROM since_present
        WHERE status = 'absent' AND (last_attended IS NULL OR date > last_attended)
        GROUP BY enrolment_id
    )"""
    return sql, params


# The columns of the scope beyond (id, course_id) for the exit-ready rule: the enrolment's
# status, the lowest score of its latest staff assessment as kept (readiness_refresh) and its
# programme's minimums, read with the scope rather than per enrolment later.
RULE_COLUMNS = {
    "status": "status",
    "lowest": "kept_lowest_score",
    "minimum": "course__programme__readiness_threshold",
    "minimum_attendance": "course__programme__minimum_attendance",
}


# The latest staff assessment of an enrolment: the newest day, then the newest written, then the
# highest id (the order of the covering index assessment_latest_staff).
LATEST_FIRST = ("-assessed_on", "-created_at", "-id")

# The exit-ready rule over `_READY_FROM`: the scores meet the minimum, and the attendance does
# (no held session yet: it does not hold anyone back).
_READY = (
    "c.meets AND (COALESCE(h.n, 0) = 0 OR COALESCE(cp.n, 0) * 100 >= c.minimum_attendance * h.n)"
)
_READY_FROM = """FROM assessed c
        LEFT JOIN held h ON h.course_id = c.course_id
        LEFT JOIN candidates_present cp ON cp.enrolment_id = c.enrolment_id"""


def exit_ready_ctes(enrolments, now: datetime.datetime, of_status=None) -> tuple[str, list]:
    """The CTEs of `_held_ctes` plus readiness(enrolment_id, course_id, status, assessed,
    ready): one row per enrolment of the scope, so the figures built on it read readiness
    alone and never join the scope to itself; and ready(enrolment_id, course_id): the
    exit-ready among them, by the same rule (`_READY`), for the figures that count or list
    only those (a filter on the few whose scores meet the minimum, where readiness carries
    every enrolment of the scope through its joins: a fifth less of the query for a
    programme of 6,000). With `of_status` (an Enrolment.Status, or several) the rule is
    worked out only for the enrolments in that status; the others read as not assessed and
    not ready (the funnel asks it only of those who completed the course, the programme page
    of those on the roster, beside the waitlist it counts).

    Every score of the latest staff assessment is at or above the minimum when the lowest of
    them is: the enrolment keeps that lowest score (Enrolment.kept_lowest_score, null before
    its first staff assessment; `readiness_refresh`), read with the scope. Looking the latest
    assessment up per enrolment (one entry of its covering index each) was more than half of
    the programme page's query at national scale: 6,000 lookups for a programme of 6,000.
    Attendance can only hold back those whose scores meet the minimum, so their present marks
    alone are counted (through the attendance's enrolment index, matched to the held sessions
    already read): the same rule, without reading every mark of the scope. (Joined to the
    session table instead, PostgreSQL guessed half the scope for those candidates and hashed
    every held session of the installation, 60,000 rows, for the 37 candidates of a programme
    of 6,000.)"""
    base, params = _held_ctes(enrolments, now, RULE_COLUMNS)
    only = "TRUE"
    if of_status is not None:
        statuses = [of_status] if isinstance(of_status, str) else of_status
        # Known values, not input.
        only = "sc.status IN ({})".format(
            ", ".join(f"'{Enrolment.Status(status).value}'" for status in statuses)
        )
    sql = f"""{base},
    assessed AS (
        SELECT sc.id AS enrolment_id, sc.course_id, sc.status, sc.minimum_attendance,
            {only} AND sc.lowest IS NOT NULL AS assessed,
            COALESCE({only} AND sc.lowest >= sc.minimum, FALSE) AS meets
        FROM scope sc
    ),
    candidates_present AS (
        SELECT c.enrolment_id, COUNT(*) AS n
        FROM assessed c
        JOIN {_table(Attendance)} a ON a.enrolment_id = c.enrolment_id
        JOIN held_sessions hs ON hs.id = a.session_id AND hs.course_id = c.course_id
        WHERE c.meets AND a.status = 'present'
        GROUP BY c.enrolment_id
    ),
    readiness AS (
        SELECT c.enrolment_id, c.course_id, c.status,
            CASE WHEN c.assessed THEN 1 ELSE 0 END AS assessed,
            CASE WHEN {_READY} THEN 1 ELSE 0 END AS ready
        {_READY_FROM}
    ),
    ready AS (
        SELECT c.enrolment_id, c.course_id {_READY_FROM}
        WHERE {_READY}
    )"""
    return sql, params


def latest_lowest_score(enrolment="pk") -> Subquery:
    """The lowest of the eight scores of the latest staff assessment (LATEST_FIRST) of the
    enrolment `enrolment` (an outer field), null when staff have not assessed it."""
    return Subquery(
        Assessment.objects.filter(enrolment=OuterRef(enrolment), source=Assessment.Source.STAFF)
        .order_by(*LATEST_FIRST)
        .values(lowest=Least(*(indicator.field for indicator in INDICATORS)))[:1]
    )


def readiness_refresh(enrolment_ids=None, *, locked=False) -> int:
    """Re-derive the lowest score kept on the enrolments `enrolment_ids` (ids; every enrolment
    when None) from their staff assessments, in one UPDATE; how many rows it wrote. Called in
    the transaction of every write of an assessment (Assessment.save and delete). The
    enrolments are locked first, in a statement of their own (unless the caller has,
    `locked`), so two assessments saved at once for the same enrolment are each read by the
    later UPDATE (as `attendance_refresh`)."""
    enrolments = Enrolment.objects.all()
    if enrolment_ids is not None:
        ids = list(dict.fromkeys(enrolment_ids)) if locked else lock_enrolments(enrolment_ids)
        if not ids:
            return 0
        enrolments = enrolments.filter(pk__in=ids)
    return enrolments.update(kept_lowest_score=latest_lowest_score())


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _date(value) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


@dataclass
class AttendanceFigures:
    held_sessions: int = 0
    present_count: int = 0
    last_attended: datetime.date | None = None
    consecutive_absences: int = 0

    @property
    def rate(self) -> int | None:
        """Whole per cent present of the held sessions (None before the first is held)."""
        if not self.held_sessions:
            return None
        return round(100 * self.present_count / self.held_sessions)


def attendance_figures(enrolments, now=None) -> dict[int, AttendanceFigures]:
    """Per enrolment in the queryset `enrolments`: its attendance figures. One query."""
    now = as_now(now)
    ctes, params = attendance_ctes(enrolments, now)
    rows = _fetch(
        f"""WITH {ctes}
        SELECT sc.id, COALESCE(h.n, 0), COALESCE(pr.n, 0), pr.last_attended, COALESCE(ar.n, 0)
        FROM scope sc
        LEFT JOIN held h ON h.course_id = sc.course_id
        LEFT JOIN present pr ON pr.enrolment_id = sc.id
        LEFT JOIN absent_run ar ON ar.enrolment_id = sc.id""",
        params,
    )
    return {
        pk: AttendanceFigures(int(held), int(present), _date(last), int(absent))
        for pk, held, present, last, absent in rows
    }


def attach_attendance(enrolments: list, now=None) -> list:
    """Set `figures` (AttendanceFigures) on each enrolment of a list. One query."""
    if not enrolments:
        return enrolments
    found = attendance_figures(Enrolment.objects.filter(pk__in=[e.pk for e in enrolments]), now=now)
    for enrolment in enrolments:
        enrolment.figures = found.get(enrolment.pk, AttendanceFigures())
    return enrolments


def exit_ready_ids(enrolments, now=None) -> set[int]:
    """The enrolments in `enrolments` that are exit-ready now. One query."""
    now = as_now(now)
    ctes, params = exit_ready_ctes(enrolments, now)
    rows = _fetch(f"WITH {ctes} SELECT enrolment_id FROM ready", params)
    return {pk for (pk,) in rows}


def readiness_flags(enrolments, now=None) -> dict[int, tuple[bool, bool]]:
    """Per enrolment in `enrolments`: (assessed by staff, exit-ready now), for a roster that
    shows both (the handover proposal). One query."""
    now = as_now(now)
    ctes, params = exit_ready_ctes(enrolments, now)
    rows = _fetch(f"WITH {ctes} SELECT enrolment_id, assessed, ready FROM readiness", params)
    return {pk: (bool(assessed), bool(ready)) for pk, assessed, ready in rows}


def exit_ready_per_course(enrolments, now=None) -> dict[int, int]:
    """How many are exit-ready per course (a course with none may be left out). One query."""
    now = as_now(now)
    ctes, params = exit_ready_ctes(enrolments, now)
    rows = _fetch(f"WITH {ctes} SELECT course_id, COUNT(*) FROM ready GROUP BY course_id", params)
    return {course_id: int(count) for course_id, count in rows}


@dataclass
class CourseFigures:
    enrolled: int = 0
    waitlisted: int = 0
    completed: int = 0
    exit_ready: int = 0


def course_figures(enrolments, now=None) -> dict[int, CourseFigures]:
    """Per course of the enrolments (of every status): how many are enrolled, waitlisted and
    completed, and how many of those on the roster are exit-ready, for the programme page. One
    query, reading the enrolments once (a course with none is left out)."""
    now = as_now(now)
    enrolled, waitlisted, completed = (
        Enrolment.Status.ENROLLED,
        Enrolment.Status.WAITLISTED,
        Enrolment.Status.COMPLETED,
    )
    ctes, params = exit_ready_ctes(enrolments, now, of_status=(enrolled, completed))
    counted = ", ".join(
        f"SUM(CASE WHEN sc.status = '{status.value}' THEN 1 ELSE 0 END)"
        for status in (enrolled, waitlisted, completed)
    )
    rows = _fetch(
        f"""WITH {ctes},
        ready_per_course AS (SELECT course_id, COUNT(*) AS n FROM ready GROUP BY course_id)
        SELECT sc.course_id, {counted}, COALESCE(MAX(r.n), 0)
        FROM scope sc LEFT JOIN ready_per_course r ON r.course_id = sc.course_id
        GROUP BY sc.course_id""",
        params,
    )
    return {
        course_id: CourseFigures(int(enrolled), int(waitlisted), int(completed), int(ready))
        for course_id, enrolled, waitlisted, completed, ready in rows
    }


def _dropout_scope(user, organisation=None):
    """The enrolments whose runs of absences are worked out: enrolled in a course the user
    sees that is not over (planned or running: a new course is planned, and only the
    coordinator's edit makes it running, so a course held while still "planned" has its
    absences counted too; completed and cancelled courses are over), of `organisation`'s
    programmes, if given: narrowed before the runs are counted, not after."""
    scope = Enrolment.objects.visible_to(user).filter(
        status=Enrolment.Status.ENROLLED, course__status__in=Course.NOT_OVER
    )
    if organisation is not None:
        scope = scope.filter(course__programme__organisation=organisation)
    return scope


def as_now(value=None) -> datetime.datetime:
    """`now` for the figures: a datetime as it is, a date as the end of that day."""
    if value is None:
        return now_local()
    if isinstance(value, datetime.datetime):
        return value
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time(23, 59, 59)))


# --- The attendance figures as they are kept, and the dropout warnings read from them ---------
#
# A mark changes the figures of one enrolment, and only a write can change them; the clock only
# decides which marks count (those of held sessions). So each enrolment keeps the figures the
# definition gives when every session not cancelled has begun (`EVERY_SESSION_BEGUN`), and when
# the latest of those sessions with a mark of its begins (Enrolment.kept_*). Once that session
# has begun, every marked session has, and the kept figures are the figures as they stand: the
# clock is applied in the query, never kept. Before that (a mark taken in the hour before a
# session starts, or a marked session moved later) the figures are worked out as before, for
# those few enrolments only.
#
# Kept by `attendance_refresh`, in the transaction of every write that changes what they read:
# a mark (the marking services, and any Attendance saved or deleted through the ORM), and a
# session with marks cancelled, moved or deleted (Session.save and delete). `manage.py
# refresh_statuses` puts right what was changed another way.

# With this as `now` every session not cancelled counts as held (no date comes later).
EVERY_SESSION_BEGUN = datetime.datetime(9999, 12, 31, 23, 59, 59)


def lock_enrolments(enrolment_ids) -> list[int]:
    """Lock the enrolments `enrolment_ids` (ids, or a query of ids) in the order of their ids
    (so two writers cannot wait for each other); their ids. A database without row locks
    (SQLite) runs one write at a time: a list of ids is returned as it is."""
    if not connection.features.has_select_for_update and isinstance(enrolment_ids, list):
        return sorted(enrolment_ids)
    return list(
        Enrolment.objects.filter(pk__in=enrolment_ids)
        .select_for_update()
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def attendance_refresh(enrolment_ids=None, *, locked=False) -> int:
    """Re-derive the kept attendance figures of the enrolments `enrolment_ids` (ids or a query
    of ids; every enrolment when None) from the definition, in one UPDATE; how many rows it
    wrote. Called in the transaction of every write that changes a mark or a marked session.

    The enrolments are locked first, in a statement of their own (unless the caller has locked
    them, `locked`): a write marking the same enrolment at the same moment waits there for this
    transaction to end, and this UPDATE, begun after the lock was granted, reads the marks that
    one committed (participants.hooks.refresh_status does the same for the status)."""
    if enrolment_ids is None:
        sql, params = _refresh_sql(Enrolment.objects.all())
    else:
        ids = list(dict.fromkeys(enrolment_ids)) if locked else lock_enrolments(enrolment_ids)
        if not ids:
            return 0
        sql, constants = _refresh_sql_for(len(ids))
        params = [*ids, *constants]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@functools.lru_cache(maxsize=16)
def _refresh_sql_for(count: int) -> tuple[str, tuple]:
    """The refresh of `count` enrolments by id, built once per process and count (a tap
    re-derives one): its SQL, and its parameters after the ids."""
    stand_ins = [-(10**15) - number for number in range(count)]
    sql, params = _refresh_sql(Enrolment.objects.filter(pk__in=stand_ins))
    if params[:count] != stand_ins or any(str(-number) in sql for number in stand_ins):
        raise ValueError("The refresh's ids are not its first parameters.")
    return sql, tuple(params[count:])


@functools.lru_cache(maxsize=1)
def refresh_on_roster_sql() -> tuple[str, dict]:
    """The refresh (`attendance_refresh`) of the enrolment `%(enrolment)s` if it is on the
    roster of the course `%(course)s`, with named parameters, built once per process: its SQL,
    and the values of its other parameters. A mark sends it after its own statement, in the same
    round trip and transaction (services._attendance_mark_in_one_statement), so it reads the
    marks once the mark has locked the enrolment."""
    enrolment, course = -(10**15), -(10**15) - 1
    sql, params = _refresh_sql(Enrolment.objects.on_roster().filter(pk=enrolment, course_id=course))
    names = {enrolment: "enrolment", course: "course"}
    pieces, constants, values = [], {}, iter(params)
    for number, piece in enumerate(sql.split("%s")):
        if number:
            value = next(values)
            name = names.get(value) if isinstance(value, int) else None
            if name is None:
                name = f"refresh_{len(constants)}"
                constants[name] = value
            pieces.append(f"%({name})s")
        pieces.append(piece)
    if next(values, None) is not None or "%%" in sql or str(-enrolment) in sql:
        raise ValueError("The refresh's parameters are not where they were expected.")
    return "".join(pieces), constants


def _refresh_sql(scope) -> tuple[str, list]:
    """The UPDATE of `attendance_refresh` for the enrolments `scope`, and its parameters."""
    ctes, params = attendance_ctes(scope, EVERY_SESSION_BEGUN)
    enrolment, attendance = _table(Enrolment), _table(Attendance)
    sql = f"""WITH {ctes},
    marked AS (
        SELECT a.enrolment_id, hs.date, hs.start_time FROM scope sc
        JOIN {attendance} a ON a.enrolment_id = sc.id
        JOIN held_sessions hs ON hs.id = a.session_id AND hs.course_id = sc.course_id
    ),
    marked_day AS (
        SELECT enrolment_id, MAX(date) AS date FROM marked GROUP BY enrolment_id
    ),
    marked_until AS (
        SELECT m.enrolment_id, m.date, MAX(m.start_time) AS start_time FROM marked m
        JOIN marked_day d ON d.enrolment_id = m.enrolment_id AND d.date = m.date
        GROUP BY m.enrolment_id, m.date
    ),
    kept AS (
        SELECT sc.id, COALESCE(ar.n, 0) AS absences, COALESCE(pr.n, 0) AS present,
            pr.last_attended, mu.date AS marked_on, mu.start_time AS marked_at
        FROM scope sc
        LEFT JOIN present pr ON pr.enrolment_id = sc.id
        LEFT JOIN absent_run ar ON ar.enrolment_id = sc.id
        LEFT JOIN marked_until mu ON mu.enrolment_id = sc.id
    )
    UPDATE {enrolment} SET kept_absences = kept.absences, kept_present = kept.present,
        kept_last_attended = kept.last_attended, kept_marked_on = kept.marked_on,
        kept_marked_at = kept.marked_at
    FROM kept WHERE {enrolment}.id = kept.id"""
    return sql, params


def _clock(now: datetime.datetime) -> tuple[datetime.date, datetime.time]:
    """`now` as `held_condition` reads it: the day, and the time to the second."""
    return now.date(), now.time().replace(microsecond=0)


def kept_figures_hold(now: datetime.datetime) -> Q:
    """The enrolments whose kept figures are their figures at `now`: every session with a mark
    of theirs has begun (held_condition), or they have no mark."""
    today, time = _clock(now)
    return (
        Q(kept_marked_on__isnull=True)
        | Q(kept_marked_on__lt=today)
        | Q(kept_marked_on=today, kept_marked_at__lte=time)
    )


def marked_ahead(now: datetime.datetime) -> Q:
    """The others: marked at a session that begins after `now`."""
    today, time = _clock(now)
    return Q(kept_marked_on__gt=today) | Q(kept_marked_on=today, kept_marked_at__gt=time)


def _warnings_ctes(scope, now: datetime.datetime) -> tuple[str, list]:
    """WITH ... warnings(enrolment_id, participant_id, course_id, n, present, last_attended):
    the enrolments of `scope` with DROPOUT_THRESHOLD or more absences in a row at `now`, with
    their run, present count and last attended day. Read from the kept figures where they
    hold (an index holds those with a run: enrolment_kept_warning); worked out by
    `attendance_ctes` for the few marked ahead of the clock (enrolment_kept_marked finds
    them)."""
    ctes, params = attendance_ctes(scope.filter(marked_ahead(now)), now)
    kept = (
        scope.filter(kept_figures_hold(now), kept_absences__gte=DROPOUT_THRESHOLD)
        .order_by()
        .values_list(
            "pk",
            "participant_id",
            "course_id",
            "kept_absences",
            "kept_present",
            "kept_last_attended",
        )
    )
    kept_sql, kept_params = kept.query.sql_with_params()
    sql = f"""{ctes},
    warnings(enrolment_id, participant_id, course_id, n, present, last_attended) AS (
        SELECT ar.enrolment_id, e.participant_id, e.course_id, ar.n, ar.present,
            ar.last_attended
        FROM absent_run ar JOIN {_table(Enrolment)} e ON e.id = ar.enrolment_id
        WHERE ar.n >= %s
        UNION ALL
        {kept_sql}
    )"""
    return sql, [*params, DROPOUT_THRESHOLD, *kept_params]


def dropout_warnings(user, now=None):
    """Enrolments in running courses with DROPOUT_THRESHOLD or more absences in a row, as a
    queryset (its figures with `attach_attendance`), in one subquery."""
    ctes, params = _warnings_ctes(_dropout_scope(user), as_now(now))
    running = RawSQL(f"WITH {ctes} SELECT enrolment_id FROM warnings", params)
    return Enrolment.objects.filter(pk__in=running).select_related("participant", "course")


@dataclass
class WarningRow:
    """One row of the dropout warnings: what the pages show of an enrolment, no model."""

    pk: int
    participant_id: int
    course_id: int
    participant: str
    course_name: str
    figures: AttendanceFigures


def dropout_page(user, *, organisation=None, offset=0, limit=None, now=None):
    """The dropout warnings (the rule of `dropout_warnings`; of `organisation`'s courses, if
    given), most absences in a row first, then by name: (how many there are, the rows from
    `offset` on, `limit` of them or all), the rows as WarningRow. One query: the count is a
    window over the warnings, and the held sessions are counted (by the session index) for
    the rows returned only. Past the last row the count is not read: (None, [])."""
    now = as_now(now)
    ctes, params = _warnings_ctes(_dropout_scope(user, organisation), now)
    is_held, held_params = held_condition("s", now)
    count, page, page_params = "COUNT(*) OVER ()", "", []
    cutoff, cutoff_params, reaching = "", [], ""
    if limit is not None:
        page, page_params = " LIMIT %s OFFSET %s", [limit, offset]
        # The rows are ordered by absences first, so only a warning with at least the
        # absences of the page's last place can be on the page or before it: only those are
        # joined to their names (which order the ties). Joining every warning to its
        # participant was most of the query (a project's 340 warnings for a page of 5).
        cutoff = ", cutoff AS (SELECT n FROM warnings ORDER BY n DESC LIMIT 1 OFFSET %s)"
        cutoff_params = [offset + limit - 1] if limit > 0 else [0]
        reaching = " WHERE w.n >= COALESCE((SELECT n FROM cutoff), 0)"
        count = "(SELECT COUNT(*) FROM warnings)"
    names = ", ".join(f"p.{field}" for field in Participant.NAME_FIELDS)
    # The names order the rows, so they are read for every warning that can reach the page;
    # the course's name and its held sessions only for the rows returned (subqueries after
    # the LIMIT).
    rows = _fetch(
        f"""WITH {ctes}{cutoff}
        SELECT w.enrolment_id, w.participant_id, w.course_id, {names},
            (SELECT c.name FROM {_table(Course)} c WHERE c.id = w.course_id),
            (SELECT COUNT(*) FROM {_table(Session)} s
             WHERE s.course_id = w.course_id AND {is_held}),
            COALESCE(w.present, 0), w.last_attended, w.n, {count}
        FROM warnings w
        JOIN {_table(Participant)} p ON p.id = w.participant_id{reaching}
        ORDER BY w.n DESC, p.last_name, p.first_name, w.enrolment_id{page}""",
        [*params, *cutoff_params, *held_params, *page_params],
    )
    if not rows:
        return (0 if offset == 0 else None), []
    return rows[0][-1], [_warning_row(row) for row in rows]


def _warning_row(row) -> WarningRow:
    pk, participant_id, course_id, *names = row[: 3 + len(Participant.NAME_FIELDS)]
    course, held, present, last_attended, absent, _count = row[3 + len(names) :]
    return WarningRow(
        pk,
        participant_id,
        course_id,
        Participant.name_from(participant_id, *names),
        course,
        AttendanceFigures(int(held), int(present), _date(last_attended), int(absent)),
    )


class DropoutList:
    """The dropout warnings (`dropout_page`) as a sequence for Django's Paginator, `per_page`
    a page: the page the request asks for (`page`, as Paginator reads it) and the count are
    read in one query, though the paginator asks for the count first. Another slice is read
    as asked; past the last row the count is read by itself."""

    def __init__(self, user, *, per_page, page=None, organisation=None, now=None):
        self._user, self._organisation, self._now = user, organisation, as_now(now)
        # The paginator shows the first page for what is not a page number.
        self._expect = (max(page_param(page) - 1, 0) * per_page, per_page)
        self._count = None
        self._last_read = None  # (offset, limit, rows)

    def _rows(self, offset, limit):
        if self._last_read:
            read_offset, read_limit, rows = self._last_read
            within = read_limit is None or (limit is not None and limit <= read_limit)
            if read_offset == offset and within:
                return rows[:limit]
        count, rows = dropout_page(
            self._user, organisation=self._organisation, offset=offset, limit=limit, now=self._now
        )
        if count is not None:
            self._count = count
        self._last_read = (offset, limit, rows)
        return rows

    def count(self):
        if self._count is None:
            self._rows(*self._expect)
        if self._count is None:  # the page asked for is past the last row
            self._count = dropout_count(self._user, self._now, organisation=self._organisation)
        return self._count

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("DropoutList is read a slice at a time")
        offset = index.start or 0
        return self._rows(offset, None if index.stop is None else index.stop - offset)


def dropout_count(user, now=None, organisation=None) -> int:
    """How many dropout warnings there are (of `organisation`'s courses, if given). One
    query."""
    ctes, params = _warnings_ctes(_dropout_scope(user, organisation), as_now(now))
    rows = _fetch(f"WITH {ctes} SELECT COUNT(*) FROM warnings", params)
    return int(rows[0][0])
