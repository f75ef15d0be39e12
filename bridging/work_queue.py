"""What is waiting for someone to act: the coordinator's work queue and the instructor's
missing attendance. Each queue is one scoped queryset whose rows lead to the action; pages show
its count and its first few rows (two queries per queue, whatever the data size).

The figures themselves are not defined here: drifting away is the dropout warnings of the
organisation's courses (figures.dropout_page), and a follow-up is due on its own `due_on`.
"""

import datetime
import functools

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.query import ModelIterable
from django.utils import timezone

from common.prepared import Prepared
from participants.models import Participant
from partnerships.models import Membership, Organisation
from partnerships.models.organisations import LOADED_MEMBERSHIPS

from . import handovers
from .models import (
    Assessment,
    Attendance,
    Course,
    Enrolment,
    FollowUp,
    Handover,
    HandoverParticipant,
    Programme,
    Session,
)

MISSING_ATTENDANCE_DAYS = 14  # past sessions this far back are still worth completing
COURSE_ENDING_DAYS = 21  # a course whose last session is this close is "ending soon"
END_ASSESSMENT_BEFORE_DAYS = 14  # the end assessment is due from this long before the end
END_ASSESSMENT_AFTER_DAYS = 28  # and stays in the queue this long after it

Role = Membership.Role


def someone_unmarked():
    """Someone on the roster of the outer session's course has no mark for it: the people on
    the roster less those marked, one set operation per session. (Looking each person up in
    the session's marks, three index pages a person, took twice as long: 6,000 lookups for a
    project's 200 sessions of the last two weeks.) Written in SQL like `with_marks`, which
    see; the outer query is of sessions (the SQL names the session table, not an alias)."""
    session, attendance, enrolment = (
        connection.ops.quote_name(model._meta.db_table)
        for model in (Session, Attendance, Enrolment)
    )
    return RawSQL(
        f"EXISTS (SELECT e.id FROM {enrolment} e "
        f"WHERE e.course_id = {session}.course_id AND e.status IN (%s, %s) "
        f"EXCEPT SELECT a.enrolment_id FROM {attendance} a WHERE a.session_id = {session}.id)",
        [Enrolment.Status.ENROLLED.value, Enrolment.Status.COMPLETED.value],  # on_roster()
        output_field=BooleanField(),
    )


def with_marks(sessions):
    """Annotate sessions with `marked` (people on the roster with a mark) and `roster` (people
    on the roster: enrolled or completed). Two correlated counts written in SQL: even built
    once as querysets, resolving them into each query took more Python than the rest of a tap
    in the sports hall. `sessions` is the outer query (the SQL names the session table, not
    an alias)."""
    session, attendance, enrolment = (
        connection.ops.quote_name(model._meta.db_table)
        for model in (Session, Attendance, Enrolment)
    )
    on_roster = Enrolment.ON_ROSTER
    marked = RawSQL(
        f"SELECT COUNT(*) FROM {attendance} a JOIN {enrolment} e ON e.id = a.enrolment_id "
        f"WHERE a.session_id = {session}.id AND e.status IN (%s, %s)",
        on_roster,
        output_field=IntegerField(),
    )
    roster = RawSQL(
        f"SELECT COUNT(*) FROM {enrolment} e "
        f"WHERE e.course_id = {session}.course_id AND e.status IN (%s, %s)",
        on_roster,
        output_field=IntegerField(),
    )
    return sessions.annotate(marked=marked, roster=roster)


def sessions_missing_attendance(user, today=None, courses=None):
    """Sessions of the last MISSING_ATTENDANCE_DAYS days, not cancelled, where someone on the
    roster has no mark: the same count as the session page's "mark the rest present".
    `courses`, ids of courses read through `Course.objects.visible_to(user)`, narrows them to
    the sessions of those courses (visible with their course) without building the scope
    again."""
    today = today or timezone.localdate()
    if courses is None:
        sessions = Session.objects.visible_to(user)
    else:
        sessions = Session.objects.filter(course__in=courses)
    sessions = sessions.filter(
        date__lt=today, date__gte=today - datetime.timedelta(days=MISSING_ATTENDANCE_DAYS)
    ).exclude(status=Session.Status.CANCELLED)
    return (
        with_marks(sessions)
        .filter(someone_unmarked())
        .select_related("course")
        .order_by("date", "start_time")
    )


def _name_fields(participant):
    """The fields of a participant's name (`Participant.NAME_FIELDS`): the queues read what
    their rows show, not a whole participant (their notes, their contact details) for each row."""
    return [f"{participant}__{field}" for field in Participant.NAME_FIELDS]


class _NamesReadLate(ModelIterable):
    """The rows of `_names_read_late`, each with its participant and receiving organisation
    made from the names read with it (the fields the queue's rows show)."""

    def __iter__(self):
        db = self.queryset.db
        for row in super().__iter__():
            yield self.finish(db, row)

    @staticmethod
    def finish(db, row):
        member = row.member if isinstance(row, FollowUp) else row
        values = [getattr(row, f"_participant_{field}") for field in Participant.NAME_FIELDS]
        member.participant = Participant.from_db(
            db, ["id", *Participant.NAME_FIELDS], [member.participant_id, *values]
        )
        receiver = member.handover.receiver_id
        member.handover.receiver = (
            None
            if receiver is None
            else Organisation.from_db(db, ["id", "name"], [receiver, row._receiver_name])
        )
        return row


@functools.cache
def _late_names() -> dict:
    """The names of `_names_read_late`, subqueries of the handed-over participant's and its
    handover's rows written in SQL and built once: as Subquery expressions, building and
    resolving them was two thirds of building a queue's queryset. The SQL names the tables,
    not aliases (the queues join each of them once)."""
    member, handover, participant, organisation = (
        connection.ops.quote_name(model._meta.db_table)
        for model in (HandoverParticipant, Handover, Participant, Organisation)
    )
    names = {}
    for name in Participant.NAME_FIELDS:
        field = Participant._meta.get_field(name)
        names[f"_participant_{name}"] = RawSQL(
            f"SELECT p.{connection.ops.quote_name(field.column)} FROM {participant} p "
            f"WHERE p.id = {member}.participant_id",
            [],
            output_field=field,
        )
    names["_receiver_name"] = RawSQL(
        f"SELECT o.name FROM {organisation} o WHERE o.id = {handover}.receiver_id",
        [],
        output_field=Organisation._meta.get_field("name"),
    )
    return names


def _names_read_late(queryset):
    """`queryset` of handed-over participants (or of rows with one joined, with its handover)
    with the participant's and the receiving organisation's names read as subqueries, which
    PostgreSQL works out only for the rows a page shows. Joined (select_related), they were
    looked up for the whole queue before its count and its first rows were known: two thirds
    of the waiting handovers' query, for 5 of 600 rows shown."""
    queryset = queryset.annotate(**_late_names())
    queryset._iterable_class = _NamesReadLate
    return queryset


def handovers_waiting(user, organisation):
    """Handed-over participants sent to a receiving organisation and not yet answered, the
    longest waiting first; `overdue` after HANDOVER_REMINDER_DAYS."""
    return _names_read_late(
        HandoverParticipant.objects.visible_to(user)
        .filter(
            handover__course__programme__organisation=organisation,
            handover__receiver__isnull=False,  # a self-organised group answers no one
            status=HandoverParticipant.Status.SENT,
        )
        .select_related("handover")
        .only("sent_at", "participant", "handover__receiver")
        .order_by("sent_at", "pk")
    )


def overdue_since():
    return timezone.now() - datetime.timedelta(days=settings.HANDOVER_REMINDER_DAYS)


def follow_ups_due(user, organisation, today=None):
    """The follow-ups due and not answered, the longest due first; each with `stopped_at`, the
    months of the follow-up at which the participant stopped (handovers.stopped_at, the one
    definition), said beside the question as on the handover page and in the inbox: a
    subquery read for the rows shown, in the same query."""
    today = today or timezone.localdate()
    return _names_read_late(
        FollowUp.objects.alias(open_due_on=FollowUp.open_due_on())
        .filter(
            HandoverParticipant.objects.visible_condition(user, "member"),
            member__handover__course__programme__organisation=organisation,
            open_due_on__lte=today,  # answer="", due_on__lte=today, by its index
        )
        .select_related("member__handover")
        .only("months", "due_on", "member__participant", "member__handover__receiver")
        .annotate(stopped_at=handovers.stopped_at(OuterRef("member")))
        .order_by("due_on", "pk")
    )


@functools.cache
def _end_assessment_sql() -> dict:
    """The parts of `end_assessments_missing` written in SQL, on the enrolment table (the SQL
    names it, not an alias): as querysets (a course's last session, the courses ending, the
    assessment at the end) building and compiling them took more Python than any other queue,
    and PostgreSQL planned the grouped courses as a join of their own."""
    enrolment, session, course, programme, assessment = (
        connection.ops.quote_name(model._meta.db_table)
        for model in (Enrolment, Session, Course, Programme, Assessment)
    )
    held = f"s.status <> '{Session.Status.CANCELLED.value}'"  # known values, not input
    # The ending courses' ids as one array on PostgreSQL: worked out first, on their own, and
    # then the enrolments looked up by course. As `IN (subquery)` the planner joined the
    # subquery's three tables into the query's five and searched the orders of all eight:
    # planning took longer than running it (3-6 ms against 1.5-4, EXPLAIN on the bench data).
    in_ending = "= ANY(ARRAY({}))" if connection.vendor == "postgresql" else "IN ({})"
    return {
        # The course's last session that is not cancelled (by the course's date index).
        "course_ends": f"SELECT MAX(s.date) FROM {session} s "
        f"WHERE s.course_id = {enrolment}.course_id AND {held}",
        # Its course is the organisation's, not cancelled, and its last session in the window:
        # the courses first (their last session once per course, not once per enrolment),
        # each course's last session read from the end of its date index. Grouping every
        # session of the organisation's courses (a project's 4,800 for 400 courses) took
        # about twice the backend's time; `MAX(...) BETWEEN` would read it twice.
        "ending": f"{enrolment}.course_id "
        + in_ending.format(
            f"SELECT c.id FROM {course} c JOIN {programme} p ON p.id = c.programme_id "
            f"WHERE p.organisation_id = %s AND c.status <> '{Course.Status.CANCELLED.value}' "
            f"AND EXISTS (SELECT MAX(s.date) FROM {session} s WHERE s.course_id = c.id AND {held} "
            "HAVING MAX(s.date) BETWEEN %s AND %s)"
        ),
        "assessed": f"EXISTS (SELECT 1 FROM {assessment} a WHERE a.enrolment_id = {enrolment}.id "
        f"AND a.kind = '{Assessment.Kind.END.value}' "
        f"AND a.source = '{Assessment.Source.STAFF.value}')",
    }


def end_assessments_missing(user, organisation, today=None):
    """Participants on the roster of a course that ends soon or ended lately (its last session
    that is not cancelled), without a staff assessment at the end."""
    today = today or timezone.localdate()
    sql = _end_assessment_sql()
    window = [
        today - datetime.timedelta(days=END_ASSESSMENT_AFTER_DAYS),
        today + datetime.timedelta(days=END_ASSESSMENT_BEFORE_DAYS),
    ]
    return (
        Enrolment.objects.visible_to(user)
        .on_roster()
        .filter(
            RawSQL(sql["ending"], [organisation.pk, *window], output_field=BooleanField()),
            participant__anonymised_at__isnull=True,
        )
        .exclude(RawSQL(sql["assessed"], [], output_field=BooleanField()))
        .annotate(course_ends=RawSQL(sql["course_ends"], [], output_field=DateField()))
        .select_related("participant", "course")
        .only("course__name", *_name_fields("participant"))
        .order_by("course_ends", "course__name", "participant__first_name", "pk")
    )


def courses_ending_soon(user, organisation, today=None):
    """Running courses (as shown: Course.shown_status_expression, so also one still "planned"
    whose sessions have begun) whose last session is within COURSE_ENDING_DAYS: time to hand
    over."""
    today = today or timezone.localdate()
    return (
        Course.objects.visible_to(user)
        .alias(shown_status=Course.shown_status_expression(today))
        .filter(programme__organisation=organisation, shown_status=Course.Status.RUNNING)
        .annotate(
            ends_on=Max("sessions__date", filter=~Q(sessions__status=Session.Status.CANCELLED))
        )
        .filter(
            ends_on__gte=today,
            ends_on__lte=today + datetime.timedelta(days=COURSE_ENDING_DAYS),
        )
        .order_by("ends_on", "name")
    )


def preview(queue, user, organisation, today, limit):
    """The first `limit` rows of `queue(user, organisation, today)` (a queue function of this
    module), each with `queue_size`, the number of rows in the whole queue: one query. The
    start page shows each queue so on every visit, and building and compiling the queue's
    queryset took more Python than its query took the database (4,000 calls a queue): it is
    built once per process and shape of the user's memberships (common.prepared), from the
    same function as the queue's page, and only run here with the request's values."""
    if not (user.is_active and not user.is_superuser and _loaded(user)):
        # Scoped by subqueries (the memberships not read) or everything or nothing: as it is.
        return list(with_size(queue(user, organisation, today))[:limit])
    by_role = {role: Membership.objects.organisation_ids_of(user, role) for role in Role}
    prepared = _PREVIEWS.get((queue, limit))
    if prepared is None:
        prepared = _PREVIEWS[queue, limit] = Prepared(_preview_build(queue, limit))
    return prepared.all(
        user=user.pk,
        organisation=organisation.pk,
        today=today,
        **{f"{role}_of": ids for role, ids in by_role.items()},
    )


def with_size(queryset):
    """`queryset` with `queue_size` on each row, the number of rows of the whole queryset: a
    first page of rows and the total they come from in one query."""
    return queryset.annotate(queue_size=Window(Count("*")))


def _loaded(user) -> bool:
    return getattr(user, LOADED_MEMBERSHIPS, None) is not None


def _preview_build(queue, limit):
    def build(user, organisation, today, **by_role):
        # A user with the same memberships, by id: the queues' scopes read nothing else of
        # them (as the session lookup's, bridging.views.access).
        stand_in = get_user_model()(pk=user, is_active=True, is_superuser=False)
        setattr(
            stand_in,
            LOADED_MEMBERSHIPS,
            [
                Membership(organisation_id=id_, role=role)
                for role in Role
                for id_ in by_role[f"{role}_of"]
            ],
        )
        return with_size(queue(stand_in, Organisation(pk=organisation), today))[:limit]

    return build


_PREVIEWS = {}


def inbox_waiting(user, organisation):
    """People sent to a receiving organisation who wait for its answer."""
    return HandoverParticipant.objects.visible_to(user).filter(
        handover__receiver=organisation, status=HandoverParticipant.Status.SENT
    )
