"""Each enrolment keeps its attendance figures (Enrolment.kept_*) as the definition gives them
when every session not cancelled has begun, and when its latest marked session begins
(figures.attendance_refresh); the dropout warnings read them and apply the clock. Over random
journeys, driven step by step through the services and forms the pages use, the kept figures
equal the derived ones after every step, and the warnings read from them equal the warnings
worked out from the marks, at clocks before, between and after the sessions."""

import contextlib
import datetime
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from bridging import figures, services
from bridging.forms import SessionForm, SessionLogForm
from bridging.models import Attendance, Enrolment, Session
from partnerships.models import Membership
from tests.factories import CourseFactory, MembershipFactory, ParticipantFactory, ProgrammeFactory

# Where a session can lie, as offsets from the world's now (World.now, read when the world is
# made, not when the module is imported: a run can cross midnight): weeks ago, earlier today,
# in half an hour (attendance is open, the session has not begun), in three hours (not open
# yet), next week.
PLACES = {
    "weeks_ago": datetime.timedelta(days=-15),
    "last_week": datetime.timedelta(days=-7),
    "earlier": datetime.timedelta(hours=-2),
    "soon": datetime.timedelta(minutes=30),
    "later": datetime.timedelta(hours=3),
    "next_week": datetime.timedelta(days=7),
}
# The clocks at which the warnings are compared: now, once the session in half an hour has
# begun, and once next week's has.
LATER = [datetime.timedelta(0), datetime.timedelta(minutes=45), datetime.timedelta(days=8)]


def times(place, now):
    """(date, start, end) of a session at `place` from `now`: an hour long, ending by
    midnight."""
    start = now + PLACES[place]
    end = start + datetime.timedelta(hours=1)
    end_time = end.time() if end.date() == start.date() else datetime.time(23, 59, 59)
    return start.date(), start.time(), end_time


def latest_marked(enrolments):
    """Per enrolment: (date, start) of its latest marked session not cancelled, by hand."""
    marked = Attendance.objects.filter(enrolment__in=enrolments).exclude(
        session__status=Session.Status.CANCELLED
    )
    latest = {}
    for pk, day, start in marked.values_list("enrolment", "session__date", "session__start_time"):
        latest[pk] = max(latest.get(pk, (day, start)), (day, start))
    return latest


def kept_disagreements(enrolments):
    """The enrolments whose kept figures differ from the definition's with every session not
    cancelled begun, or whose latest marked session is not the one kept."""
    derived = figures.attendance_figures(
        Enrolment.objects.filter(pk__in=[e.pk for e in enrolments]),
        now=figures.EVERY_SESSION_BEGUN,
    )
    marked = latest_marked(enrolments)
    found = []
    for enrolment in enrolments:
        numbers = derived[enrolment.pk]
        kept = (enrolment.kept_absences, enrolment.kept_present, enrolment.kept_last_attended,
                (enrolment.kept_marked_on, enrolment.kept_marked_at))  # fmt: skip
        expected = (numbers.consecutive_absences, numbers.present_count, numbers.last_attended,
                    marked.get(enrolment.pk, (None, None)))  # fmt: skip
        if kept != expected:
            found.append((enrolment.pk, kept, expected))
    return found


def warnings_disagreements(user, now, scope):
    """The dropout warnings at `now` as the pages read them, against the same rule applied to
    the figures worked out from the marks (figures.attendance_figures) of the user's `scope`
    (figures._dropout_scope, which does not depend on the clock): (what differs or None, the
    count the page read)."""
    derived = figures.attendance_figures(scope, now=now)
    expected = {
        (pk, numbers.held_sessions, numbers.present_count, numbers.last_attended,
         numbers.consecutive_absences)
        for pk, numbers in derived.items()
        if numbers.consecutive_absences >= figures.DROPOUT_THRESHOLD
    }  # fmt: skip
    count, rows = figures.dropout_page(user, now=now)
    shown = {
        (row.pk, row.figures.held_sessions, row.figures.present_count,
         row.figures.last_attended, row.figures.consecutive_absences)
        for row in rows
    }  # fmt: skip
    if shown != expected or count != len(expected):
        return {"shown": shown, "expected": expected, "count": count}, count
    return None, count


class World:
    """A project's running course with three participants, its sessions in every place, and a
    coordinator who sees the warnings."""

    def __init__(self):
        self.now = timezone.localtime().replace(microsecond=0)
        self.coordinator = MembershipFactory(role=Membership.Role.COORDINATOR)
        programme = ProgrammeFactory(organisation=self.coordinator.organisation)
        self.course = CourseFactory(
            programme=programme, capacity=3, start_date=self.now.date() - datetime.timedelta(28)
        )
        self.user = self.coordinator.user
        self.sessions = [self._add(place) for place in PLACES]
        self.people = [ParticipantFactory(organisation=programme.organisation) for _ in range(3)]

    def _add(self, place):
        """A session added as the course page adds one (the session form)."""
        day, start, end = times(place, self.now)
        form = SessionForm({"date": day, "start_time": start, "end_time": end},
                           instance=Session(course=self.course))  # fmt: skip
        assert form.is_valid(), form.errors
        return form.save()

    def session(self, number):
        return Session.objects.get(pk=self.sessions[number % len(self.sessions)].pk)

    def enrolment(self, person):
        return Enrolment.objects.filter(participant=self.people[person], course=self.course).first()

    # Each step is what a user does on a page; a step the rules refuse changes nothing.
    def enrol(self, person, number, value):
        services.enrolment_create(course=self.course, participant=self.people[person])

    def mark(self, person, number, value):
        if enrolment := self.enrolment(person):
            services.attendance_mark(session=self.session(number), enrolment=enrolment,
                                     status=value, user=self.user)  # fmt: skip

    def mark_all_present(self, person, number, value):
        services.attendance_mark_all_present(session=self.session(number), user=self.user)

    def cancel(self, person, number, value):
        services.session_cancel(session=self.session(number), reason="Hallen er lukket",
                                user=self.user)  # fmt: skip

    def move(self, person, number, value):
        self.move_to(number, list(PLACES)[(person + number) % len(PLACES)])

    def move_to(self, number, place):
        """Move a session as the session page does (the session form)."""
        session = self.session(number)
        day, start, end = times(place, self.now)
        form = SessionForm({"date": day, "start_time": start, "end_time": end}, instance=session)
        assert form.is_valid(), form.errors
        form.save()

    def add_session(self, person, number, value):
        self.sessions.append(self._add(list(PLACES)[number % len(PLACES)]))

    def log(self, person, number, value):
        session = self.session(number)
        form = SessionLogForm({"content": "Styrke og balance"}, instance=session)
        assert form.is_valid(), form.errors
        services.session_log_save(form=form, user=self.user)

    def withdraw(self, person, number, value):
        if enrolment := self.enrolment(person):
            services.enrolment_withdraw(enrolment=enrolment, reason="Syg")

    def complete(self, person, number, value):
        services.course_complete(course=self.course)

    def undo_completion(self, person, number, value):
        services.course_complete_undo(course=self.course)


ACTIONS = ["enrol", "mark", "mark_all_present", "cancel", "move", "add_session", "log",
           "withdraw", "complete", "undo_completion"]  # fmt: skip
# Mostly marks, so that runs of absences build up and break.
WEIGHTED = ACTIONS + ["mark"] * 12 + ["enrol"] * 3
step = st.tuples(
    st.sampled_from(WEIGHTED),
    st.integers(0, 2),
    st.integers(0, 7),
    st.sampled_from(["present", "absent", "absent", "excused"]),
)


def assert_kept(world):
    enrolments = list(Enrolment.objects.filter(course=world.course).order_by("pk"))
    assert kept_disagreements(enrolments) == []
    scope = figures._dropout_scope(world.user)  # built once for the three clocks
    for later in LATER:
        now = world.now + later
        problem, count = warnings_disagreements(world.user, now, scope)
        assert problem is None, now
        if not later:  # the count alone, as the start page reads it, is the page's count
            assert figures.dropout_count(world.user, now) == count


class KeptAttendanceOverRandomJourneys(TestCase):
    @settings(max_examples=10, deadline=None,
              suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
    @given(st.lists(step, min_size=6, max_size=16))
    def test_the_kept_figures_and_the_warnings_equal_the_derived_ones_after_every_step(self, steps):
        world = World()
        for person in range(3):
            world.enrol(person, 0, None)
        for action, person, number, value in steps:
            with contextlib.suppress(services.JourneyError):
                getattr(world, action)(person, number, value)
            assert_kept(world)


# --- Each write that changes what the figures read keeps them, one by one ---------------------


def _absent_twice(world, person=0):
    enrolment = world.enrolment(person)
    for number in (0, 1):  # weeks ago, last week
        world.mark(person, number, "absent")
    return enrolment


def _warned(world, later=datetime.timedelta(0)):
    return [row.pk for row in figures.dropout_page(world.user, now=world.now + later)[1]]


def test_a_run_is_kept_and_broken_by_marks_and_corrections(db):
    world = World()
    world.enrol(0, 0, None)
    enrolment = _absent_twice(world)
    assert _warned(world) == [enrolment.pk]
    world.mark(0, 2, "present")  # earlier today
    assert _warned(world) == []
    world.mark(0, 2, "absent")  # a correction: three in a row again
    enrolment.refresh_from_db()
    assert (enrolment.kept_absences, enrolment.kept_present) == (3, 0)
    assert_kept(world)


def test_a_mark_taken_before_the_session_begins_counts_once_it_has_begun(db):
    world = World()
    world.enrol(0, 0, None)
    _absent_twice(world)
    world.mark(0, 3, "present")  # in half an hour: open, not yet held
    enrolment = world.enrolment(0)
    assert enrolment.kept_absences == 0  # as if every session had begun
    assert _warned(world) == [enrolment.pk]  # now: the run stands until it begins
    assert _warned(world, datetime.timedelta(minutes=45)) == []
    assert_kept(world)


def test_cancelling_moving_and_deleting_a_marked_session_keeps_the_figures(db):
    world = World()
    world.enrol(0, 0, None)
    enrolment = _absent_twice(world)
    world.mark(0, 2, "absent")
    world.cancel(0, 2, None)
    assert Enrolment.objects.get(pk=enrolment.pk).kept_absences == 2
    world.move_to(1, "next_week")  # last week's session, marked absent
    assert Enrolment.objects.get(pk=enrolment.pk).kept_marked_on > world.now.date()
    assert _warned(world) == []
    assert _warned(world, datetime.timedelta(days=8)) == [enrolment.pk]
    assert_kept(world)
    world.session(0).delete()
    assert Enrolment.objects.get(pk=enrolment.pk).kept_absences == 1
    assert_kept(world)


def test_saving_an_enrolment_read_earlier_keeps_the_figures_the_marks_wrote(db):
    world = World()
    world.enrol(0, 0, None)
    enrolment = world.enrolment(0)
    _absent_twice(world)
    enrolment.recruitment = "other"
    enrolment.save()
    assert Enrolment.objects.get(pk=enrolment.pk).kept_absences == 2


def test_the_command_puts_right_what_was_changed_behind_the_services_back(db):
    world = World()
    world.enrol(0, 0, None)
    world.enrol(1, 0, None)
    _absent_twice(world)
    Enrolment.objects.filter(pk=world.enrolment(0).pk).update(kept_absences=0)
    Attendance.objects.bulk_create(
        [Attendance(session=world.session(n), enrolment=world.enrolment(1), status="absent")
         for n in (0, 1)]
    )  # fmt: skip
    assert len(kept_disagreements(list(Enrolment.objects.filter(course=world.course)))) == 2
    out = io.StringIO()
    call_command("refresh_statuses", stdout=out)
    assert kept_disagreements(list(Enrolment.objects.filter(course=world.course))) == []
    assert "2 enrolment(s)' attendance figures or readiness score corrected" in out.getvalue()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_a_mark_taken_while_another_of_the_same_person_is_being_taken_is_not_lost():
    """Two instructors mark the same person at two sessions at once: the second waits for the
    first to commit and then re-derives the figures from both marks (without the lock it would
    keep a run of one, read before the first mark was committed)."""
    world = World()
    world.enrol(0, 0, None)
    enrolment = world.enrolment(0)
    done = threading.Event()
    errors = []

    def second():
        try:
            world.mark(0, 1, "absent")  # last week
        except Exception as error:  # noqa: BLE001 (collected and asserted below)
            errors.append(error)
        finally:
            done.set()
            connections.close_all()

    with transaction.atomic():
        world.mark(0, 0, "absent")  # weeks ago
        thread = threading.Thread(target=second)
        thread.start()
        assert not done.wait(0.5)  # it waits for this transaction
    thread.join()
    assert errors == []
    assert Enrolment.objects.get(pk=enrolment.pk).kept_absences == 2
    assert_kept(world)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's round trip")
@pytest.mark.parametrize("second", ["absent", "present", "excused"])  # a correction, or the same
def test_a_tap_writes_its_mark_and_the_kept_figures_in_one_transaction(second):
    """Outside any transaction (as a request runs), a mark and the re-derived figures are written
    by one transaction: the enrolment stays locked until its figures are written, and one commit
    makes both durable (or neither). The figures are right also after a tap that changed
    nothing."""
    world = World()
    world.enrol(0, 0, None)
    enrolment = world.enrolment(0)
    world.mark(0, 0, "present")
    world.mark(0, 0, second)

    def writer(model, pk):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT xmin::text FROM {model._meta.db_table} WHERE id = %s", [pk])
            return cursor.fetchone()[0]

    attendance = Attendance.objects.get(session=world.session(0), enrolment=enrolment)
    if second != "present":  # a tap that changed nothing writes no mark
        assert writer(Attendance, attendance.pk) == writer(Enrolment, enrolment.pk)
    assert Enrolment.objects.get(pk=enrolment.pk).kept_present == (second == "present")
    assert_kept(world)


# --- The migration that added the kept figures fills them as attendance_refresh does -----------

KEPT = ["kept_absences", "kept_present", "kept_last_attended", "kept_marked_on", "kept_marked_at"]


def _kept_columns():
    return {row[0]: row[1:] for row in Enrolment.objects.values_list("pk", *KEPT)}


def test_migrating_from_0017_fills_the_kept_figures_as_attendance_refresh_does(transactional_db):
    """0018 holds its own copy of the refresh's SQL; on a database of 0017 with marks it fills
    every enrolment's kept figures as figures.attendance_refresh() of today's code does."""
    world = World()
    for person in range(3):
        world.enrol(person, 0, None)
    _absent_twice(world, 0)  # weeks ago, last week
    world.mark(0, 2, "present")  # earlier today, a session cancelled below
    world.mark(0, 3, "absent")  # in half an hour: counted as if begun, the latest mark
    _absent_twice(world, 1)
    world.mark(1, 2, "absent")
    world.mark(2, 0, "absent")
    world.mark(2, 1, "present")
    world.cancel(0, 2, None)  # its marks count for nothing: runs of 3, 2 and none
    world.move_to(4, "weeks_ago")  # a session never marked, before the marks
    figures.attendance_refresh()
    expected = _kept_columns()
    assert sorted(kept[0] for kept in expected.values()) == [0, 2, 3]
    assert all(kept[3] is not None for kept in expected.values())  # and each has a mark

    call_command("migrate", "bridging", "0017", verbosity=0)  # drops the kept columns
    call_command("migrate", "bridging", "0018", verbosity=0)
    assert _kept_columns() == expected
    call_command("migrate", verbosity=0)
