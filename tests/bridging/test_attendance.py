"""Taking attendance, correcting it, the session log, and the figures drawn from attendance."""

import datetime
import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape

from bridging import figures, services
from bridging.models import Attendance, AttendanceChange, Session
from tests.factories import EnrolmentFactory, SessionFactory

pytestmark = pytest.mark.django_db


def mark(client, session, enrolment, status, **headers):
    return client.post(
        reverse("bridging:attendance_mark", args=[session.pk]),
        {"enrolment": enrolment.pk, "status": status},
        **headers,
    )


def test_instructor_marks_present_with_a_plain_post(client, cast):
    client.force_login(cast.instructor_a)
    response = mark(client, cast.session_a, cast.enrolment_a, "present")
    assert response.status_code == 302
    assert response.url == f"{cast.session_a.get_absolute_url()}#roster"
    attendance = Attendance.objects.get(session=cast.session_a, enrolment=cast.enrolment_a)
    assert (attendance.status, attendance.recorded_by) == ("present", cast.instructor_a)


def test_instructor_marks_with_htmx_and_gets_just_the_updated_row(client, cast):
    client.force_login(cast.instructor_a)
    response = mark(client, cast.session_a, cast.enrolment_a, "absent", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    row = response.content.decode()
    assert row.strip().startswith('<li class="list-group-item attendance-row"')
    assert "<html" not in row
    assert 'value="absent"\n              class="btn attendance-absent active"' in row


def test_a_correction_is_kept_and_logged(client, cast):
    client.force_login(cast.instructor_a)
    mark(client, cast.session_a, cast.enrolment_a, "absent")
    mark(client, cast.session_a, cast.enrolment_a, "absent")  # a double tap changes nothing
    mark(client, cast.session_a, cast.enrolment_a, "excused")
    attendance = Attendance.objects.get(session=cast.session_a, enrolment=cast.enrolment_a)
    assert attendance.status == "excused"
    change = AttendanceChange.objects.get(attendance=attendance)
    assert (change.old_status, change.new_status, change.changed_by) == (
        "absent",
        "excused",
        cast.instructor_a,
    )


def test_a_mark_says_what_it_replaced(cast):
    def mark_a(status):
        return services.attendance_mark(session=cast.session_a, enrolment=cast.enrolment_a,
                                        status=status, user=cast.instructor_a)  # fmt: skip

    assert mark_a("present").previous_status is None
    assert mark_a("absent").previous_status == "present"
    assert mark_a("absent").previous_status == "absent"


def test_a_correction_leaves_the_count_of_the_bar_as_it_was(client, cast):
    EnrolmentFactory(course=cast.course_a, participant__organisation=cast.project_a)
    client.force_login(cast.instructor_a)
    for status in ("present", "absent"):
        response = mark(client, cast.session_a, cast.enrolment_a, status, HTTP_HX_REQUEST="true")
        assert "1 uden markering" in response.content.decode()


def test_a_refused_tap_shows_the_row_with_its_mark_as_it_stands(client, cast):
    services.attendance_mark(session=cast.session_a, enrolment=cast.enrolment_a, status="absent",
                             user=cast.instructor_a)  # fmt: skip
    services.session_cancel(session=cast.session_a, reason="Hallen er lukket", user=None)
    client.force_login(cast.instructor_a)
    response = mark(client, cast.session_a, cast.enrolment_a, "present", HTTP_HX_REQUEST="true")
    row = response.content.decode()
    assert "Træningsgangen er aflyst" in row
    assert 'value="absent"\n              class="btn attendance-absent active"' in row
    assert "attendance-present active" not in row
    assert Attendance.objects.get(enrolment=cast.enrolment_a).status == "absent"


def test_mark_all_present_marks_only_those_without_a_mark(client, cast):
    other = EnrolmentFactory(course=cast.course_a, participant__organisation=cast.project_a)
    EnrolmentFactory(course=cast.course_a, status="waitlisted",
                     participant__organisation=cast.project_a)  # fmt: skip
    client.force_login(cast.instructor_a)
    mark(client, cast.session_a, other, "absent")
    response = client.post(
        reverse("bridging:attendance_mark_all", args=[cast.session_a.pk]), follow=True
    )
    assert "1 markeret til stede." in response.content.decode()
    marks = dict(
        Attendance.objects.filter(session=cast.session_a).values_list("enrolment", "status")
    )
    assert marks == {cast.enrolment_a.pk: "present", other.pk: "absent"}


def test_attendance_for_someone_not_on_the_course_is_refused(client, cast):
    stranger = EnrolmentFactory(course=cast.course_b, participant__organisation=cast.project_b)
    waiting = EnrolmentFactory(course=cast.course_a, status="waitlisted",
                               participant__organisation=cast.project_a)  # fmt: skip
    client.force_login(cast.coordinator_a)
    for enrolment in (stranger, waiting):
        response = client.post(
            reverse("bridging:attendance_mark", args=[cast.session_a.pk]),
            {"enrolment": enrolment.pk, "status": "present"},
            follow=True,
        )
        assert "Deltageren er ikke tilmeldt dette hold." in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_tap_for_someone_off_the_roster_writes_nothing_by_id_or_htmx(client, cast):
    withdrawn = EnrolmentFactory(
        course=cast.course_a,
        status="withdrawn",
        withdrawn_reason="Flyttet",
        participant__organisation=cast.project_a,
    )
    stranger = EnrolmentFactory(course=cast.course_b, participant__organisation=cast.project_b)
    for enrolment in (withdrawn, stranger):
        with pytest.raises(services.JourneyError):
            services.attendance_mark(session=cast.session_a, enrolment=enrolment.pk,
                                     status="present", user=cast.instructor_a)  # fmt: skip
    client.force_login(cast.instructor_a)
    response = mark(client, cast.session_a, withdrawn, "present", HTTP_HX_REQUEST="true")
    assert response.status_code == 302
    assert "Deltageren er ikke tilmeldt dette hold." in client.get(response.url).content.decode()
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("value", ["", "abc", "-1", "\u0663", "99999999999999999999", " "])
def test_a_posted_enrolment_that_is_no_number_is_refused_in_danish(client, cast, value):
    client.force_login(cast.instructor_a)
    response = client.post(
        reverse("bridging:attendance_mark", args=[cast.session_a.pk]),
        {"enrolment": value, "status": "present"},
        follow=True,
    )
    assert response.status_code == 200
    assert "alert" in response.content.decode()
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("anonymised", [False, True])
def test_the_answer_to_a_tap_names_the_participant_it_marked(client, cast, anonymised):
    participant = cast.enrolment_a.participant
    if anonymised:
        type(participant).objects.filter(pk=participant.pk).update(anonymised_at=timezone.now())
    other = EnrolmentFactory(course=cast.course_a, participant__organisation=cast.project_a)
    client.force_login(cast.instructor_a)
    response = mark(client, cast.session_a, cast.enrolment_a, "present", HTTP_HX_REQUEST="true")
    row = response.content.decode()
    with translation.override("da"):
        name = str(type(participant).objects.get(pk=participant.pk))
    assert f'id="name-{cast.enrolment_a.pk}">{escape(name)}</span>' in row
    assert ("Anonymiseret" in name) is anonymised
    assert str(other.participant) not in row


def test_attendance_on_a_cancelled_session_is_refused(client, cast):
    services.session_cancel(session=cast.session_a, reason="Hallen er lukket", user=None)
    client.force_login(cast.instructor_a)
    response = client.post(
        reverse("bridging:attendance_mark", args=[cast.session_a.pk]),
        {"enrolment": cast.enrolment_a.pk, "status": "present"},
        follow=True,
    )
    assert "Træningsgangen er aflyst" in response.content.decode()
    assert not Attendance.objects.exists()


def test_attendance_for_a_session_not_yet_begun_is_refused(client, cast):
    next_week = SessionFactory(
        course=cast.course_a, date=timezone.localdate() + datetime.timedelta(7)
    )
    client.force_login(cast.instructor_a)
    page = client.get(next_week.get_absolute_url()).content.decode()
    assert "Træningsgangen er ikke begyndt" in page
    response = client.post(
        reverse("bridging:attendance_mark", args=[next_week.pk]),
        {"enrolment": cast.enrolment_a.pk, "status": "present"},
        follow=True,
    )
    assert "Træningsgangen er ikke begyndt" in response.content.decode()
    client.post(reverse("bridging:attendance_mark_all", args=[next_week.pk]))
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(("starts_in", "open_"), [(50, True), (70, False)])
def test_attendance_opens_an_hour_before_the_start(cast, starts_in, open_):
    now = timezone.localtime()
    starts = now + datetime.timedelta(minutes=starts_in)
    session = SessionFactory(course=cast.course_a, date=starts.date(),
                             start_time=starts.time().replace(microsecond=0),
                             end_time=datetime.time(23, 59, 59))  # fmt: skip
    assert services.attendance_is_open(session, now) is open_


def test_an_unknown_mark_is_refused(client, cast):
    client.force_login(cast.instructor_a)
    response = mark(client, cast.session_a, cast.enrolment_a, "asleep")
    assert response.status_code == 302
    assert not Attendance.objects.exists()


def test_another_instructors_session_is_404_and_unchanged(client, cast):
    client.force_login(cast.instructor_b)
    response = client.post(
        reverse("bridging:session_log", args=[cast.session_a.pk]), {"content": "Overtaget"}
    )
    assert response.status_code == 404
    cast.session_a.refresh_from_db()
    assert cast.session_a.content == ""


def test_instructor_logs_the_session_with_an_exit_talk(client, cast):
    client.force_login(cast.instructor_a)
    client.post(
        reverse("bridging:session_log", args=[cast.session_a.pk]),
        {"content": "Balance og styrke", "exit_theme": "on",
         "exit_note": "Talte om Vesterbro Seniorgymnastik", "team_building": "on"},
    )  # fmt: skip
    cast.session_a.refresh_from_db()
    assert cast.session_a.status == "held"
    assert cast.session_a.exit_theme and cast.session_a.team_building
    assert cast.session_a.logged_by == cast.instructor_a


def test_cancelling_needs_a_reason(client, cast):
    client.force_login(cast.instructor_a)
    url = reverse("bridging:session_cancel", args=[cast.session_a.pk])
    response = client.post(url, {"reason": ""}, follow=True)
    assert "Angiv en grund til at aflyse træningsgangen." in response.content.decode()
    cast.session_a.refresh_from_db()
    assert cast.session_a.status == "planned"
    client.post(url, {"reason": "Instruktøren er syg"})
    cast.session_a.refresh_from_db()
    assert (cast.session_a.status, cast.session_a.cancel_reason) == (
        "cancelled",
        "Instruktøren er syg",
    )


def test_moving_a_session_rejects_an_end_before_the_start(client, cast):
    client.force_login(cast.instructor_a)
    url = reverse("bridging:session_update", args=[cast.session_a.pk])
    response = client.post(url, {"date": "2026-11-27", "start_time": "12:00", "end_time": "11:00"})
    assert "Sluttidspunktet skal ligge efter starttidspunktet." in response.content.decode()
    cast.session_a.refresh_from_db()
    assert cast.session_a.date == datetime.date(2026, 11, 25)
    client.post(url, {"date": "2026-11-27", "start_time": "12:00", "end_time": "13:00"})
    cast.session_a.refresh_from_db()
    assert cast.session_a.date == datetime.date(2026, 11, 27)


def test_adding_an_extra_session(client, cast):
    client.force_login(cast.instructor_a)
    client.post(
        reverse("bridging:session_create", args=[cast.course_a.pk]),
        {"date": "2026-12-20", "start_time": "10:00", "end_time": "11:00"},
    )
    assert cast.course_a.sessions.filter(date=datetime.date(2026, 12, 20)).exists()


@pytest.mark.parametrize("extra", [0, 25])
def test_attendance_page_query_budget(client, cast, django_assert_num_queries, extra):
    for _ in range(extra):
        enrolment = EnrolmentFactory(course=cast.course_a, participant__organisation=cast.project_a)
        services.attendance_mark(session=cast.session_a, enrolment=enrolment, status="present",
                                 user=cast.instructor_a)  # fmt: skip
    client.force_login(cast.instructor_a)
    # 1 session, 2 user, 3 own memberships, 4 the training session, 5 roster with marks
    with django_assert_num_queries(5):
        assert client.get(cast.session_a.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("extra", [1, 12])
def test_dropout_warnings_query_budget(client, cast, django_assert_num_queries, extra):
    today = timezone.localdate()
    sessions = [
        SessionFactory(course=cast.course_a, date=today - datetime.timedelta(days))
        for days in (14, 7)
    ]
    for _ in range(extra):
        enrolment = EnrolmentFactory(course=cast.course_a, participant__organisation=cast.project_a)
        for session in sessions:
            Attendance.objects.create(session=session, enrolment=enrolment, status="absent")
    client.force_login(cast.coordinator_a)
    # 1 session, 2 user, 3 own memberships, 4 the page of warnings with their figures and
    # the count
    with django_assert_num_queries(4):
        response = client.get(reverse("bridging:dropout_warnings"))
    assert response.content.decode().count("<tr>") == 1 + extra  # the header and a row each


@pytest.mark.parametrize("status", ["present", "absent"])  # the first mark, a correction
def test_marking_one_attendance_is_a_small_request(
    client, cast, django_assert_num_queries, django_assert_max_num_queries, status
):
    if status == "absent":
        services.attendance_mark(session=cast.session_a, enrolment=cast.enrolment_a,
                                 status="present", user=cast.instructor_a)  # fmt: skip
    client.force_login(cast.instructor_a)
    # 1 session, 2 user, 3 own memberships, 4 the training session with the marks counted for
    # the bar, 5 the mark: one round trip on PostgreSQL, its statement (check the enrolment is
    # on the roster and name the person, lock, change, log the correction, say what it
    # replaced) and, in the same transaction, the enrolment's kept attendance figures
    # re-derived (figures.attendance_refresh); other databases use a transaction.
    if connection.vendor == "postgresql":
        with django_assert_num_queries(5):
            response = mark(
                client, cast.session_a, cast.enrolment_a, status, HTTP_HX_REQUEST="true"
            )
    else:
        with django_assert_max_num_queries(13):
            response = mark(
                client, cast.session_a, cast.enrolment_a, status, HTTP_HX_REQUEST="true"
            )
    assert f"attendance-{status} active" in response.content.decode()
    attendance = Attendance.objects.get(session=cast.session_a, enrolment=cast.enrolment_a)
    assert attendance.status == status
    assert attendance.changes.count() == (1 if status == "absent" else 0)


class TestFigures:
    def _history(self, cast, marks):
        today = timezone.localdate()
        for days_ago, status in marks:
            session = SessionFactory(
                course=cast.course_a, date=today - datetime.timedelta(days_ago)
            )
            if status:
                Attendance.objects.create(
                    session=session, enrolment=cast.enrolment_a, status=status
                )
        return figures.attendance_figures(
            type(cast.enrolment_a).objects.filter(pk=cast.enrolment_a.pk)
        )[cast.enrolment_a.pk]

    def test_rate_last_attended_and_absences_in_a_row(self, cast):
        cast.session_a.delete()
        enrolment = self._history(
            cast,
            [(28, "present"), (21, "present"), (14, "absent"), (10, "excused"), (7, "absent")],
        )
        assert enrolment.held_sessions == 5
        assert enrolment.present_count == 2
        assert enrolment.rate == 40
        assert enrolment.last_attended == timezone.localdate() - datetime.timedelta(21)
        assert enrolment.consecutive_absences == 2

    def test_being_present_again_ends_the_run(self, cast):
        cast.session_a.delete()
        enrolment = self._history(cast, [(21, "absent"), (14, "absent"), (7, "present")])
        assert enrolment.consecutive_absences == 0

    def test_cancelled_and_future_sessions_do_not_count(self, cast):
        cast.session_a.delete()
        today = timezone.localdate()
        SessionFactory(course=cast.course_a, date=today + datetime.timedelta(7))
        SessionFactory(course=cast.course_a, date=today - datetime.timedelta(3),
                       status=Session.Status.CANCELLED, cancel_reason="Lukket")  # fmt: skip
        enrolment = self._history(cast, [(7, "present")])
        assert enrolment.held_sessions == 1
        assert enrolment.rate == 100

    def test_a_mark_on_a_session_not_yet_held_is_kept_but_not_counted(self, cast):
        """Marks taken before the rule existed: 7/6 = 117 % and a "last attended" next week."""
        cast.session_a.delete()
        next_week = SessionFactory(
            course=cast.course_a, date=timezone.localdate() + datetime.timedelta(7)
        )
        Attendance.objects.create(session=next_week, enrolment=cast.enrolment_a, status="present")
        enrolment = self._history(cast, [(7, "present")])
        assert (enrolment.present_count, enrolment.held_sessions) == (1, 1)
        assert enrolment.last_attended == timezone.localdate() - datetime.timedelta(7)
        assert Attendance.objects.filter(session=next_week).exists()

    def test_the_run_is_counted_past_the_latest_session_someone_else_was_marked_at(self, cast):
        """Only presence at the course's latest held session with a mark rules a run out: who
        has no mark there, or is present at an earlier one and absent after it, is counted; an
        absence on the day of the last presence is not; an unmarked later session changes
        nothing."""
        cast.session_a.delete()
        today = timezone.localdate()
        other = EnrolmentFactory(course=cast.course_a, participant__organisation=cast.project_a)
        third = EnrolmentFactory(course=cast.course_a, participant__organisation=cast.project_a)
        marks = {  # days ago: (enrolment_a, other, third)
            21: ("absent", "present", "present"),
            14: ("absent", "absent", None),
            7: (None, "absent", "present"),
        }
        for days_ago, statuses in marks.items():
            session = SessionFactory(
                course=cast.course_a, date=today - datetime.timedelta(days_ago)
            )
            for enrolment, status in zip([cast.enrolment_a, other, third], statuses, strict=True):
                if status:
                    Attendance.objects.create(session=session, enrolment=enrolment, status=status)
        evening = SessionFactory(
            course=cast.course_a,
            date=today - datetime.timedelta(7),
            start_time=datetime.time(18, 0),
            end_time=datetime.time(19, 0),
        )
        Attendance.objects.create(session=evening, enrolment=third, status="absent")
        SessionFactory(course=cast.course_a, date=today - datetime.timedelta(1))  # held, unmarked
        found = figures.attendance_figures(
            type(cast.enrolment_a).objects.filter(course=cast.course_a)
        )
        runs = {pk: numbers.consecutive_absences for pk, numbers in found.items()}
        assert runs == {cast.enrolment_a.pk: 2, other.pk: 2, third.pk: 0}
        assert found[other.pk].present_count == 1
        assert figures.dropout_count(cast.coordinator_a) == 2
        warned = [row.pk for row in figures.dropout_page(cast.coordinator_a)[1]]
        assert sorted(warned) == sorted([cast.enrolment_a.pk, other.pk])

    def test_dropout_list_is_shown_a_page_at_a_time_most_absences_first(
        self, client, cast, monkeypatch
    ):
        from bridging.views import courses

        monkeypatch.setattr(courses, "DROPOUT_PAGE_SIZE", 1)
        cast.session_a.delete()
        other = EnrolmentFactory(
            course=cast.course_a,
            participant__organisation=cast.project_a,
            participant__first_name="Bodil",
            participant__last_name="Berg",
        )
        today = timezone.localdate()
        for days_ago, statuses in [(21, ("absent", "absent")), (14, ("absent", "absent"))]:
            session = SessionFactory(
                course=cast.course_a, date=today - datetime.timedelta(days_ago)
            )
            for enrolment, status in zip([cast.enrolment_a, other], statuses, strict=True):
                Attendance.objects.create(session=session, enrolment=enrolment, status=status)
        session = SessionFactory(course=cast.course_a, date=today - datetime.timedelta(7))
        Attendance.objects.create(session=session, enrolment=other, status="absent")
        client.force_login(cast.coordinator_a)
        first = client.get(reverse("bridging:dropout_warnings")).content.decode()
        second = client.get(reverse("bridging:dropout_warnings"), {"page": 2}).content.decode()
        assert "Bodil Berg" in first and "Alma Andersen" not in first  # three in a row, first
        assert "Alma Andersen" in second and "Bodil Berg" not in second
        assert "Side 1 af 2" in first

    def test_dropout_row_names_and_links_the_participant_and_the_course(self, client, cast):
        cast.session_a.delete()
        self._history(cast, [(21, "present"), (14, "absent"), (7, "absent")])
        client.force_login(cast.coordinator_a)
        page = client.get(reverse("bridging:dropout_warnings")).content.decode()
        participant, course = cast.enrolment_a.participant, cast.enrolment_a.course
        assert f'<a href="{participant.get_absolute_url()}">{participant}</a>' in page
        assert f'<a href="{course.get_absolute_url()}">{course.name}</a>' in page
        last_attended = timezone.localdate() - datetime.timedelta(21)
        assert date_format(last_attended, "SHORT_DATE_FORMAT") in page

    def test_dropout_list_shows_two_absences_in_a_row_in_running_courses(self, client, cast):
        cast.session_a.delete()
        self._history(cast, [(14, "absent"), (7, "absent")])
        client.force_login(cast.instructor_a)
        page = client.get(reverse("bridging:dropout_warnings")).content.decode()
        assert "Alma Andersen" in page
        client.force_login(cast.coordinator_b)
        page = client.get(reverse("bridging:dropout_warnings")).content.decode()
        assert "Alma Andersen" not in page
        cast.course_a.status = "completed"
        cast.course_a.save(update_fields=["status"])
        assert figures.dropout_page(cast.instructor_a) == (0, [])
        assert figures.dropout_count(cast.instructor_a) == 0

    def test_a_course_left_planned_while_it_is_held_warns_as_its_page_does(self, client, cast):
        # A new course is "planned" and nothing makes it "running" but the coordinator's edit:
        # its absences count as on its page, until it is completed or cancelled.
        cast.session_a.delete()
        type(cast.course_a).objects.filter(pk=cast.course_a.pk).update(status="planned")
        self._history(cast, [(14, "absent"), (7, "absent")])
        client.force_login(cast.coordinator_a)
        page = client.get(cast.course_a.get_absolute_url()).content.decode()
        assert re.search(r"I risiko for at falde fra</p>\s*<p[^>]*>1</p>", page)
        assert figures.dropout_count(cast.coordinator_a) == 1
        assert "Alma Andersen" in client.get(reverse("bridging:dropout_warnings")).content.decode()
        type(cast.course_a).objects.filter(pk=cast.course_a.pk).update(status="cancelled")
        assert figures.dropout_count(cast.coordinator_a) == 0
        page = client.get(cast.course_a.get_absolute_url()).content.decode()
        assert re.search(r"I risiko for at falde fra</p>\s*<p[^>]*>0</p>", page)


def test_instructor_start_page_lists_todays_session_with_a_link_to_attendance(client, cast):
    today = SessionFactory(course=cast.course_a, date=timezone.localdate())
    SessionFactory(course=cast.course_b, date=timezone.localdate())
    client.force_login(cast.instructor_a)
    response = client.get(reverse("bridging:instructor_home"))
    page = response.content.decode()
    assert today.get_absolute_url() in page
    assert "Hold B" not in page


def test_participant_timeline_and_export_show_the_enrolment_and_attendance(client, cast):
    Attendance.objects.create(session=cast.session_a, enrolment=cast.enrolment_a, status="present")
    client.force_login(cast.coordinator_a)
    page = client.get(cast.participant_a.get_absolute_url()).content.decode()
    assert "Tilmeldt: Hold A" in page
    assert "Til stede 1, fraværende 0, afbud 0" in page
    data = client.get(
        reverse("participants:participant_export_json", args=[cast.participant_a.pk])
    ).json()
    assert data["enrolments"][0]["attendance"] == [{"date": "2026-11-25", "status": "present"}]
