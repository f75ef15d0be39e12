"""The coordinator's overview as a work queue, and the instructor's week: each queue shows what
waits, leads to the action, shows only the own organisation's work, in a fixed number of
queries whatever the data size."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from bridging import figures, services, work_queue
from bridging.handovers import handover_propose, handover_send
from bridging.models import (
    Assessment,
    Attendance,
    Course,
    Fair,
    FollowUp,
    HandoverParticipant,
    Session,
)
from bridging.models.readiness import INDICATOR_FIELDS
from bridging.views import start
from participants.models import Participant
from partnerships.access import SESSION_KEY
from partnerships.models import Membership, Organisation
from tests.factories import (
    ConsentFactory,
    CourseFactory,
    EnrolmentFactory,
    SessionFactory,
    request_of,
)

pytestmark = pytest.mark.django_db
Role = Membership.Role


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def overview(client, user):
    client.force_login(user)
    response = client.get(reverse("bridging:coordinator_overview"))
    assert response.status_code == 200
    return {queue["key"]: queue for queue in response.context["queues"]}, response


def _course_ending_in(cast, n, **kwargs):
    course = CourseFactory(programme=cast.programme_a, name=f"Slutter om {n}", **kwargs)
    SessionFactory(course=course, date=days(n - 7))
    SessionFactory(course=course, date=days(n))
    return course


def test_sent_handover_waits_and_is_overdue_after_the_reminder_period(client, cast, settings):
    settings.HANDOVER_REMINDER_DAYS = 14
    queues, response = overview(client, cast.coordinator_a)
    assert [m.pk for m in queues["handovers"]["rows"]] == [cast.member_a.pk]
    assert "forsinket" not in response.content.decode()
    HandoverParticipant.objects.filter(pk=cast.member_a.pk).update(
        sent_at=timezone.now() - datetime.timedelta(days=15)
    )
    queues, response = overview(client, cast.coordinator_a)
    page = response.content.decode()
    assert "forsinket" in page
    assert cast.member_a.handover.get_absolute_url() in page


def test_follow_up_due_leads_to_the_handover(client, cast):
    FollowUp.objects.filter(pk=cast.follow_up_a.pk).update(due_on=days(1))
    queues, _ = overview(client, cast.coordinator_a)
    assert queues["follow_ups"]["count"] == 0
    FollowUp.objects.filter(pk=cast.follow_up_a.pk).update(due_on=days(0))
    queues, response = overview(client, cast.coordinator_a)
    assert [f.pk for f in queues["follow_ups"]["rows"]] == [cast.follow_up_a.pk]
    assert f"#member-{cast.member_a.pk}" in response.content.decode()


def test_a_follow_up_after_a_stop_says_when_they_stopped_as_the_handover_page_does(client, cast):
    """Stopped at 3 months, due at 6: the row says "Stoppede ved 3 måneder" on the start page
    and on the queue's own page; a later "active" counts them back, and the row says nothing."""
    member = cast.member_a
    FollowUp.objects.filter(pk=cast.follow_up_a.pk).update(
        answer="stopped", answered_at=timezone.now(), due_on=days(-90)
    )
    six = FollowUp.objects.create(member=member, months=6, due_on=days(-1))
    queues, response = overview(client, cast.coordinator_a)
    assert [f.pk for f in queues["follow_ups"]["rows"]] == [six.pk]
    badge = '<span class="badge text-bg-warning">Stoppede ved 3 måneder</span>'
    assert badge in response.content.decode()
    full = client.get(reverse("bridging:work_queue", args=["follow_ups"])).content.decode()
    assert badge in full
    handover = client.get(member.handover.get_absolute_url()).content.decode()
    assert "Stoppede ved 3 måneder" in handover  # the same words as where it is answered

    six.answer, six.answered_at = "active", timezone.now()
    six.save()
    twelve = FollowUp.objects.create(member=member, months=12, due_on=days(-1))
    queues, response = overview(client, cast.coordinator_a)
    assert [f.pk for f in queues["follow_ups"]["rows"]] == [twelve.pk]
    assert "Stoppede ved" not in response.content.decode()


def test_near_the_end_without_an_end_assessment_links_to_the_end_assessment(client, cast):
    SessionFactory(course=cast.course_a, date=days(60))  # course A runs on
    ending = _course_ending_in(cast, 10)
    enrolment = EnrolmentFactory(course=ending, participant=cast.participant_a)
    _course_ending_in(cast, 40)  # too far off
    queues, response = overview(client, cast.coordinator_a)
    assert [e.pk for e in queues["end_assessments"]["rows"]] == [enrolment.pk]
    url = reverse("bridging:assessment_create", args=[enrolment.pk]) + "?kind=end"
    assert url in response.content.decode()
    # The link opens the assessment form set to "at the end".
    assert client.get(url).context["form"]["kind"].value() == "end"
    Assessment.objects.create(
        enrolment=enrolment, kind="end", source="staff", **dict.fromkeys(INDICATOR_FIELDS, 3)
    )
    queues, _ = overview(client, cast.coordinator_a)
    assert queues["end_assessments"]["count"] == 0


def test_drifting_away_is_the_dropout_list_of_the_own_organisation(client, cast):
    for n in (14, 7):
        session = SessionFactory(course=cast.course_a, date=days(-n))
        services.attendance_mark(
            session=session, enrolment=cast.enrolment_a, status="absent", user=cast.instructor_a
        )
    queues, response = overview(client, cast.coordinator_a)
    assert [e.pk for e in queues["drifting"]["rows"]] == [cast.enrolment_a.pk]
    assert cast.participant_a.get_absolute_url() in response.content.decode()
    queues, _ = overview(client, cast.coordinator_b)
    assert queues["drifting"]["count"] == 0


def test_drifting_away_counts_a_session_once_it_has_begun_as_the_warnings_page_does(client, cast):
    services.attendance_mark(
        session=SessionFactory(course=cast.course_a, date=days(-7)),
        enrolment=cast.enrolment_a,
        status="absent",
        user=cast.instructor_a,
    )
    # Attendance opens an hour before the start: an absence taken now, for a session in half an
    # hour, is not yet one of the held sessions.
    soon = timezone.localtime() + datetime.timedelta(minutes=30)
    later = SessionFactory(
        course=cast.course_a,
        date=soon.date(),
        start_time=soon.time().replace(microsecond=0),
        end_time=datetime.time(23, 59, 59),  # an hour later would pass midnight after 22:30
    )
    services.attendance_mark(
        session=later, enrolment=cast.enrolment_a, status="absent", user=cast.instructor_a
    )
    queues, _ = overview(client, cast.coordinator_a)
    assert queues["drifting"]["count"] == 0
    client.force_login(cast.coordinator_a)
    assert (
        cast.participant_a.get_absolute_url()
        not in client.get(reverse("bridging:dropout_warnings")).content.decode()
    )


def _absent_at_the_end(course, runs):
    """An enrolment on `course` for each n of `runs`, absent at the last n of three past
    sessions and present before."""
    sessions = [SessionFactory(course=course, date=days(-7 * weeks)) for weeks in (3, 2, 1)]
    enrolments = []
    for n in runs:
        enrolment = EnrolmentFactory(
            course=course, participant__organisation=course.programme.organisation
        )
        for number, session in enumerate(sessions):
            status = "absent" if number >= len(sessions) - n else "present"
            Attendance.objects.create(session=session, enrolment=enrolment, status=status)
        enrolments.append(enrolment)
    return enrolments


def test_drifting_away_shows_the_people_of_the_dropout_warnings_of_the_own_project(client, cast):
    """The queue is the warnings page's list, of the project the coordinator acts for: the
    same people in the same order (most absences in a row first), its first five and the
    count on the overview, all of them on the queue's own page."""
    _absent_at_the_end(cast.course_a, [2, 3, 2, 3, 2, 3, 2, 1])
    [elsewhere] = _absent_at_the_end(cast.course_b, [3])
    # The coordinator also coordinates the other project; they act for the first one.
    own = Membership.objects.get(user=cast.coordinator_a)
    Membership.objects.create(user=cast.coordinator_a, organisation=cast.project_b,
                              role=Membership.Role.COORDINATOR)  # fmt: skip
    client.force_login(cast.coordinator_a)
    session = client.session
    session[SESSION_KEY] = own.pk
    session.save()
    warnings = [row.pk for row in figures.dropout_page(cast.coordinator_a)[1]]
    assert len(warnings) == 8 and elsewhere.pk in warnings
    own_warnings = [pk for pk in warnings if pk != elsewhere.pk]
    response = client.get(reverse("bridging:coordinator_overview"))
    drifting = {queue["key"]: queue for queue in response.context["queues"]}["drifting"]
    assert drifting["count"] == 7
    assert [row.pk for row in drifting["rows"]] == own_warnings[:5]
    assert [row.figures.consecutive_absences for row in drifting["rows"]] == [3, 3, 3, 2, 2]
    assert "3 fravær i træk" in response.content.decode()
    full = client.get(reverse("bridging:work_queue", args=["drifting"]))
    assert [row.pk for row in full.context["page"].object_list] == own_warnings
    page = full.content.decode()
    for row in full.context["page"].object_list:
        assert (
            f'<a href="{reverse("participants:participant_detail", args=[row.participant_id])}"'
            in page
        )
    warnings_page = client.get(reverse("bridging:dropout_warnings")).content.decode()
    for row in full.context["page"].object_list:
        assert row.participant in warnings_page


def test_drifting_away_a_page_at_a_time(client, cast, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(start, "WORK_QUEUE_PAGE_SIZE", 2)
    _absent_at_the_end(cast.course_a, [3, 3, 2, 2, 2])
    order = [row.pk for row in figures.dropout_page(cast.coordinator_a)[1]]
    client.force_login(cast.coordinator_a)
    url = reverse("bridging:work_queue", args=["drifting"])

    def rows(**query):
        page = client.get(url, query).context["page"]
        assert page.paginator.count == 5
        return page.number, [row.pk for row in page.object_list]

    assert rows() == (1, order[:2])
    assert rows(page="x") == (1, order[:2])
    assert rows(page=2) == (2, order[2:4])
    assert rows(page=3) == (3, order[4:])
    assert rows(page=99) == (3, order[4:])  # past the end: the last page
    # 1 session, 2 user, 3 own memberships, 4 the page asked for with the count
    with django_assert_num_queries(4):
        client.get(url, {"page": 2})


def test_past_session_without_full_attendance_until_everyone_is_marked(client, cast):
    session = SessionFactory(course=cast.course_a, date=days(-3))
    SessionFactory(course=cast.course_a, date=days(-20))  # too long ago
    SessionFactory(course=cast.course_a, date=days(-2), status="cancelled", cancel_reason="Syg")
    queues, response = overview(client, cast.coordinator_a)
    rows = queues["attendance"]["rows"]
    assert session.pk in [s.pk for s in rows]
    assert all(s.date >= days(-14) and s.date < days(0) for s in rows)
    assert "0 af 1 markeret" in response.content.decode()
    services.attendance_mark(
        session=session, enrolment=cast.enrolment_a, status="present", user=cast.instructor_a
    )
    queues, _ = overview(client, cast.coordinator_a)
    assert session.pk not in [s.pk for s in queues["attendance"]["rows"]]


def test_missing_attendance_is_someone_on_the_roster_without_a_mark(client, cast):
    """The roster is who is enrolled or completed: a mark of someone who left since does not
    stand in for a missing one, and the waitlisted are not waited for."""
    session = SessionFactory(course=cast.course_a, date=days(-3))
    left = EnrolmentFactory(course=cast.course_a, participant__organisation=cast.project_a)
    for enrolment in (cast.enrolment_a, left):
        services.attendance_mark(
            session=session, enrolment=enrolment, status="present", user=cast.instructor_a
        )
    services.enrolment_withdraw(enrolment=left, reason="Flyttet")
    EnrolmentFactory(
        course=cast.course_a, participant__organisation=cast.project_a, status="waitlisted"
    )
    queues, _ = overview(client, cast.coordinator_a)
    assert session.pk not in [s.pk for s in queues["attendance"]["rows"]]
    EnrolmentFactory(
        course=cast.course_a, participant__organisation=cast.project_a, status="completed"
    )
    queues, _ = overview(client, cast.coordinator_a)
    [row] = [s for s in queues["attendance"]["rows"] if s.pk == session.pk]
    assert (row.marked, row.roster) == (1, 2)


def test_course_ending_soon_leads_to_planning_the_handover(client, cast):
    soon = _course_ending_in(cast, 5)
    to_come = CourseFactory(programme=cast.programme_a, status=Course.Status.PLANNED)
    for n in (1, 5):
        SessionFactory(course=to_come, date=days(n))  # not begun: not running
    # Held while still "planned" (its first session was two days ago): running, as shown.
    held = _course_ending_in(cast, 6, status=Course.Status.PLANNED)
    queues, response = overview(client, cast.coordinator_a)
    assert [c.pk for c in queues["ending"]["rows"]] == [soon.pk, held.pk]
    assert reverse("bridging:handover_create", args=[soon.pk]) in response.content.decode()


def test_each_queue_shows_five_and_the_count_of_all_with_a_link_to_the_rest(client, cast):
    for n in range(7):
        SessionFactory(course=cast.course_a, date=days(-1 - n))
    queues, response = overview(client, cast.coordinator_a)
    assert len(queues["attendance"]["rows"]) == 5
    assert (
        queues["attendance"]["count"]
        == Session.objects.filter(
            course=cast.course_a, date__gte=days(-14), date__lt=days(0)
        ).count()
    )
    url = reverse("bridging:work_queue", args=["attendance"])
    assert url in response.content.decode()
    full = client.get(url)
    assert len(full.context["page"].object_list) == queues["attendance"]["count"]
    assert client.get(reverse("bridging:work_queue", args=["nothing"])).status_code == 404


def test_the_other_project_sees_none_of_it(client, cast):
    _course_ending_in(cast, 5)
    queues, response = overview(client, cast.coordinator_b)
    assert all(queue["count"] == 0 for queue in queues.values())
    assert "Hold A" not in response.content.decode()


def test_overview_links_to_the_funnel_of_each_programme(client, cast):
    _, response = overview(client, cast.coordinator_a)
    assert (
        reverse("bridging:programme_funnel", args=[cast.programme_a.pk])
        in response.content.decode()
    )


def _busy_project(cast, extra):
    """One more than `extra` of everything each queue lists."""
    ending = _course_ending_in(cast, 3)
    past = [SessionFactory(course=cast.course_a, date=days(-n)) for n in (3, 1)]
    for _ in range(extra + 1):
        enrolment = EnrolmentFactory(course=ending, participant__organisation=cast.project_a)
        on_a = EnrolmentFactory(course=cast.course_a, participant=enrolment.participant)
        for session in past:
            services.attendance_mark(session=session, enrolment=on_a, status="absent",
                                     user=cast.instructor_a)  # fmt: skip
        ConsentFactory(
            participant=enrolment.participant,
            purpose="share_contact",
            organisation=cast.association_a,
        )
        handover = handover_propose(course=ending, mode="individual", enrolments=[enrolment],
                                    offer=cast.offer_a, user=cast.coordinator_a)  # fmt: skip
        member = handover_send(member=handover.members.get())
        # Stopped at 3 months, the 6 months' due: each row says so, read in the same query.
        FollowUp.objects.create(member=member, months=3, due_on=days(-90), answer="stopped")
        FollowUp.objects.create(member=member, months=6, due_on=days(-1))
        _course_ending_in(cast, 4)


@pytest.mark.parametrize("extra", [0, 8])
def test_coordinator_overview_query_budget(client, cast, django_assert_num_queries, extra):
    _busy_project(cast, extra)
    client.force_login(cast.coordinator_a)
    # 1 session, 2 user, 3 own memberships, 4-9 the six queues (first rows with the queue's
    # size; those drifting away with their absences in a row), 10 participant counts per
    # status, 11 programmes
    with django_assert_num_queries(11):
        response = client.get(reverse("bridging:coordinator_overview"))
    # The cast's own follow-up, due longest, first: the four others shown say it.
    assert response.content.decode().count("Stoppede ved 3 måneder") == min(extra + 1, 4)


@pytest.mark.parametrize("extra", [0, 8])
def test_work_queue_page_query_budget(client, cast, django_assert_num_queries, extra):
    _busy_project(cast, extra)
    client.force_login(cast.coordinator_a)
    for key in ["handovers", "follow_ups", "end_assessments", "drifting", "attendance", "ending"]:
        # 1 session, 2 user, 3 own memberships, 4 count, 5 the page of rows (for those
        # drifting away, 4 the page of rows with their absences in a row and the count)
        with django_assert_num_queries(4 if key == "drifting" else 5):
            response = client.get(reverse("bridging:work_queue", args=[key]))
        if key == "follow_ups":
            assert response.content.decode().count("Stoppede ved 3 måneder") == extra + 1


# --- The instructor's week ---------------------------------------------------------------------


def test_instructor_sees_missing_attendance_and_a_done_session_as_a_tick(client, cast):
    other = EnrolmentFactory(course=cast.course_a, participant__organisation=cast.project_a)
    missing = SessionFactory(course=cast.course_a, date=days(-4))
    services.attendance_mark(
        session=missing, enrolment=other, status="present", user=cast.instructor_a
    )
    # Today's session began at midnight: attendance is open whenever the test runs.
    today = SessionFactory(course=cast.course_a, date=days(0), start_time=datetime.time(0),
                           end_time=datetime.time(0, 30))  # fmt: skip
    for enrolment in (cast.enrolment_a, other):
        services.attendance_mark(
            session=today, enrolment=enrolment, status="present", user=cast.instructor_a
        )
    client.force_login(cast.instructor_a)
    response = client.get(reverse("bridging:instructor_home"))
    page = response.content.decode()
    assert missing.pk in [s.pk for s in response.context["missing"]]
    assert today.pk not in [s.pk for s in response.context["missing"]]
    assert "Mangler fremmøde" in page
    assert "1 af 2 markeret" in page
    assert "✓ 2/2" in page


def test_instructor_of_another_project_sees_no_missing_attendance_of_ours(client, cast):
    SessionFactory(course=cast.course_a, date=days(-4))
    client.force_login(cast.instructor_b)
    response = client.get(reverse("bridging:instructor_home"))
    assert all(s.course_id == cast.course_b.pk for s in response.context["missing"])


def test_instructor_home_counts_all_missing_attendance_and_only_held_sessions_today(client, cast):
    """The key figures count every session missing attendance, not the page of them listed,
    and today's sessions that are held (a cancelled one is listed, as cancelled)."""
    shown = start.MISSING_SHOWN
    before = work_queue.sessions_missing_attendance(cast.instructor_a).count()
    for n in range(shown + 2):  # two a day, on the last days of the window
        SessionFactory(course=cast.course_a, date=days(-1 - n // 2),
                       start_time=datetime.time(8 + n % 2))  # fmt: skip
    SessionFactory(course=cast.course_a, date=days(0), status="cancelled",
                   cancel_reason="Hallen er lukket")  # fmt: skip
    client.force_login(cast.instructor_a)
    response = client.get(reverse("bridging:instructor_home"))
    missing, total = response.context["missing"], before + shown + 2
    assert len(missing) == shown
    assert response.context["missing_count"] == total
    # The oldest first: the latest day's two wait until older ones are marked.
    assert [s.date for s in missing] == sorted(s.date for s in missing)
    assert days(-1) not in [s.date for s in missing]
    page = response.content.decode()
    assert f"De ældste {shown} af {total}" in page
    assert re.search(rf"Mangler fremmøde</a></p>\s*<p[^>]*>{total}</p>", page)
    assert re.search(r"I dag</a></p>\s*<p[^>]*>0</p>", page)
    assert "(aflyst)" in page


def test_finished_courses_come_after_running_ones(client, cast):
    for name, status, year in [("Aaa slut", "completed", 2020), ("Zzz plan", "planned", 2030)]:
        course = CourseFactory(programme=cast.programme_a, name=name, status=status,
                               start_date=datetime.date(year, 1, 1))  # fmt: skip
        course.instructors.add(cast.instructor_a)
    client.force_login(cast.instructor_a)
    courses = list(client.get(reverse("bridging:instructor_home")).context["courses"])
    assert [c.status for c in courses] == ["running", "planned", "completed"]


def test_instructor_home_leads_to_the_fairs_of_their_programmes(client, cast):
    """The fair's page is where an instructor registers interests: from their start page, the
    fairs of the programmes they teach in, coming and of the last 30 days."""
    Fair.objects.filter(pk=cast.fair_a.pk).update(date=days(-31))  # too long ago
    today = Fair.objects.create(programme=cast.programme_a, name="Messe i dag", date=days(0),
                                place="Hallen")  # fmt: skip
    coming = Fair.objects.create(programme=cast.programme_a, name="Messe snart", date=days(10),
                                 place="Biblioteket")  # fmt: skip
    Fair.objects.create(programme=cast.course_b.programme, name="Messe B", date=days(0),
                        place="Roskilde")  # fmt: skip
    client.force_login(cast.instructor_a)
    response = client.get(reverse("bridging:instructor_home"))
    assert response.context["fairs"] == [today, coming]
    page = response.content.decode()
    assert "Foreningsmesser" in page
    assert f'<a href="{today.get_absolute_url()}">Messe i dag</a>' in page
    assert '<span class="badge text-bg-primary">i dag</span> · Hallen' in page
    assert "Messe B" not in page
    assert client.get(today.get_absolute_url()).status_code == 200
    client.force_login(cast.instructor_b)
    page = client.get(reverse("bridging:instructor_home")).content.decode()
    assert "Messe B" in page and "Messe i dag" not in page


@pytest.mark.parametrize("extra", [0, 8])
def test_instructor_home_query_budget(client, cast, django_assert_num_queries, extra):
    for n in range(extra):
        enrolment = EnrolmentFactory(course=cast.course_a, participant__organisation=cast.project_a)
        SessionFactory(course=cast.course_a, date=days(-1 - n))
        SessionFactory(course=cast.course_a, date=days(n % 2))
        services.attendance_mark(session=cast.session_a, enrolment=enrolment, status="present",
                                 user=cast.instructor_a)  # fmt: skip
    client.force_login(cast.instructor_a)
    # 1 session, 2 user, 3 own memberships, 4 sessions this week with their marks,
    # 5 dropout count, 6 missing attendance, 7 courses, 8 the fairs of their programmes
    with django_assert_num_queries(8):
        assert client.get(reverse("bridging:instructor_home")).status_code == 200


def test_each_tap_brings_the_count_of_the_bar_up_to_date(client, cast):
    other = EnrolmentFactory(course=cast.course_a, participant__organisation=cast.project_a)
    url = reverse("bridging:attendance_mark", args=[cast.session_a.pk])
    client.force_login(cast.instructor_a)
    page = client.get(cast.session_a.get_absolute_url()).content.decode()
    assert "2 uden markering" in page
    response = client.post(
        url, {"enrolment": cast.enrolment_a.pk, "status": "present"}, HTTP_HX_REQUEST="true"
    )
    fragment = response.content.decode()
    assert 'id="mark-rest"' in fragment and 'hx-swap-oob="true"' in fragment
    assert "1 uden markering" in fragment
    response = client.post(url, {"enrolment": other.pk, "status": "absent"}, HTTP_HX_REQUEST="true")
    fragment = response.content.decode()
    assert "uden markering" not in fragment
    assert "✓ 2/2" in fragment


def test_a_self_organised_group_on_its_way_waits_for_no_answer(client, cast):
    handover = handover_propose(course=cast.course_a, mode="self_organised",
                                enrolments=[cast.enrolment_a], offer=None,
                                user=cast.coordinator_a, meeting_place="Parken",
                                overlap_reason="Går også i parken")  # fmt: skip
    handover_send(member=handover.members.get())
    queues, _ = overview(client, cast.coordinator_a)
    assert [m.pk for m in queues["handovers"]["rows"]] == [cast.member_a.pk]
    # Its follow-ups are due like any other's, with no receiving organisation to name.
    member = handover.members.get()
    FollowUp.objects.create(member=member, months=3, due_on=days(-1))
    queues, response = overview(client, cast.coordinator_a)
    [row] = [f for f in queues["follow_ups"]["rows"] if f.member_id == member.pk]
    assert row.member.handover.receiver is None
    assert f"{member.participant} · selvorganiseret" in response.content.decode()


def test_the_waiting_rows_show_the_names_of_the_participant_and_the_receiver(client, cast):
    """The names are read for the rows shown only; an anonymised participant is shown as such."""
    queues, response = overview(client, cast.coordinator_a)
    [row] = queues["handovers"]["rows"]
    page = response.content.decode()
    participant = cast.member_a.participant
    receiver = cast.member_a.handover.receiver
    assert f"{participant.first_name} {participant.last_name} → {receiver.name}" in page
    [follow_up] = queues["follow_ups"]["rows"]
    assert f"{participant.first_name} {participant.last_name} · {receiver.name}" in page
    Participant.objects.filter(pk=participant.pk).update(anonymised_at=timezone.now())
    queues, _ = overview(client, cast.coordinator_a)
    anonymised = Participant.objects.get(pk=participant.pk)
    assert str(anonymised) != str(participant)
    assert str(queues["handovers"]["rows"][0].participant) == str(anonymised)


def test_the_rows_escape_the_names_typed(client, cast):
    """The rows are written in Python (bridging/templatetags/work_queue.py): what was typed
    is escaped there."""
    Participant.objects.filter(pk=cast.member_a.participant_id).update(first_name="<b>Alma</b>")
    Organisation.objects.filter(pk=cast.member_a.handover.receiver_id).update(name="A & <i>B</i>")
    _, response = overview(client, cast.coordinator_a)
    page = response.content.decode()
    assert "&lt;b&gt;Alma&lt;/b&gt;" in page and "<b>Alma" not in page
    assert "A &amp; &lt;i&gt;B&lt;/i&gt;" in page and "<i>B" not in page


def _with_memberships(user):
    """`user` as a request has them: their memberships read (access.user_memberships)."""
    return request_of(user).user


def _shown(row):
    """A row's fields and annotations (the queue's size, the marks, the last session) and the
    names it shows."""
    return str(row), {k: v for k, v in vars(row).items() if not k.startswith("_")}


def test_each_queues_preview_is_the_first_rows_of_its_queue_for_every_kind_of_user(cast):
    """The start page's first rows and sizes (built once per process and shape, run with the
    request's values) are those of the queue's queryset, for each kind of user and day."""
    _busy_project(cast, 6)
    both = cast.coordinator_b
    Membership.objects.create(user=both, organisation=cast.project_a, role=Role.INSTRUCTOR)
    Membership.objects.create(user=both, organisation=cast.association_a, role=Role.STAFF)
    cast.course_a.instructors.add(both)
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    users = [cast.coordinator_a, cast.coordinator_b, cast.instructor_a, cast.staff_a, both]
    users = [_with_memberships(user) for user in users] + [superuser, cast.coordinator_a]
    checked = 0
    for today in (days(0), days(-4), days(9)):
        for key, (_, queue) in start.QUEUES.items():
            if queue is None:
                continue  # drifting away: figures.dropout_page
            for user in users:
                for organisation in (cast.project_a, cast.project_b):
                    expected = list(work_queue.with_size(queue(user, organisation, today))[:5])
                    got = work_queue.preview(queue, user, organisation, today, 5)
                    assert [_shown(r) for r in got] == [_shown(r) for r in expected], (
                        key,
                        user,
                        organisation,
                        today,
                    )
                    checked += len(got)
    assert checked > 100


def test_the_start_pages_status_counts_are_the_participant_querys_for_every_kind_of_user(cast):
    """The counts per status (built once per process and shape of the memberships, run with
    the request's values) are those of the ORM's query, for each kind of user, day and
    whether the project's instructors see all of its participants."""
    _busy_project(cast, 2)
    both = cast.coordinator_b
    Membership.objects.create(user=both, organisation=cast.project_a, role=Role.INSTRUCTOR)
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    checked = 0
    for sees_all in (False, True):
        Organisation.objects.filter(pk=cast.project_a.pk).update(
            instructors_see_participants=sees_all
        )
        users = [cast.coordinator_a, cast.coordinator_b, cast.instructor_a, both]
        users = [_with_memberships(get_user_model().objects.get(pk=user.pk)) for user in users] + [
            superuser,
            cast.coordinator_a,
        ]
        for today in (days(0), days(-400)):
            for user in users:
                for organisation in (cast.project_a, cast.project_b):
                    expected = list(start._status_count_query(user, organisation, today))
                    got = start._status_counts(user, organisation, today)
                    assert sorted(got) == sorted(expected), (user, organisation, today)
                    checked += sum(n for _, n in got)
    assert checked > 50
