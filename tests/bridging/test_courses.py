"""Programmes, courses, their generated sessions, enrolment and the waitlist."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from bridging import services
from bridging.models import Course, Enrolment, Programme, Session
from participants.models import Participant
from tests.factories import CourseFactory, EnrolmentFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def course_data(**overrides):
    data = {
        "name": "Hold 4",
        "venue": "Idrætshallen",
        "address": "Hallvej 1",
        "weekday": "2",
        "start_time": "10:00",
        "end_time": "11:30",
        "start_date": "2026-10-14",
        "weeks": "12",
        "capacity": "14",
        "status": "planned",
    }
    data.update(overrides)
    return data


def test_coordinator_creates_a_programme_in_the_own_project(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("bridging:programme_create"),
        {"name": "Forår 2027", "starts_on": "2027-01-01", "ends_on": "2027-06-30",
         "default_bridging_model": "group", "readiness_threshold": "3",
         "minimum_attendance": "75", "follow_up_months": "3,6,12",
         "organisation": cast.project_b.pk},
    )  # fmt: skip
    programme = Programme.objects.get(name="Forår 2027")
    assert response.url == programme.get_absolute_url()
    assert programme.organisation == cast.project_a


def test_a_programme_cannot_end_before_it_starts(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("bridging:programme_create"),
        {"name": "Baglæns", "starts_on": "2027-06-01", "ends_on": "2027-01-01",
         "default_bridging_model": "team"},
    )  # fmt: skip
    assert "Forløbet kan ikke slutte, før det begynder." in response.content.decode()
    assert not Programme.objects.filter(name="Baglæns").exists()


def test_creating_a_course_generates_its_twelve_weekly_sessions(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("bridging:course_create", args=[cast.programme_a.pk]),
        course_data(instructors=[cast.instructor_a.pk]),
    )
    course = Course.objects.get(name="Hold 4")
    assert response.url == course.get_absolute_url()
    assert course.sessions.count() == 12
    assert list(course.instructors.all()) == [cast.instructor_a]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("end_time", "09:00", "Sluttidspunktet skal ligge efter starttidspunktet."),
        ("capacity", "0", "Et hold skal have mindst én plads."),
        ("capacity", "-3", "Skriv et tal på mindst 0."),
        ("weeks", "0", "Et hold varer mindst én uge."),
    ],
)
def test_bad_course_input_is_refused_in_danish_and_nothing_is_saved(
    client, cast, field, value, message
):
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("bridging:course_create", args=[cast.programme_a.pk]), course_data(**{field: value})
    )
    assert message in response.content.decode()
    assert not Course.objects.filter(name="Hold 4").exists()
    assert not Session.objects.filter(course__name="Hold 4").exists()


def test_an_instructor_of_another_project_cannot_be_put_on_the_course(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("bridging:course_create", args=[cast.programme_a.pk]),
        course_data(instructors=[cast.instructor_b.pk]),
    )
    assert response.status_code == 200
    assert not Course.objects.filter(name="Hold 4").exists()


def test_sessions_cross_a_year_boundary_and_keep_local_time_over_daylight_saving(cast):
    course = CourseFactory(
        programme=cast.programme_a,
        weekday=2,
        start_date=datetime.date(2026, 10, 14),
        start_time=datetime.time(10, 0),
        weeks=12,
    )
    services.sessions_generate(course=course)
    sessions = list(course.sessions.order_by("date"))
    dates = [s.date for s in sessions]
    assert len(dates) == 12
    assert all(d.weekday() == 2 for d in dates)
    assert all((b - a).days == 7 for a, b in zip(dates, dates[1:], strict=False))
    assert dates[0] == datetime.date(2026, 10, 14)
    assert dates[-1] == datetime.date(2026, 12, 30)
    # Summer time (UTC+2) before 25 October, winter time (UTC+1) after: 10:00 local both times.
    utc = datetime.UTC
    assert sessions[0].starts_at().astimezone(utc).time() == datetime.time(8, 0)
    assert sessions[2].starts_at().astimezone(utc).time() == datetime.time(9, 0)
    assert all(s.start_time == datetime.time(10, 0) for s in sessions)


def test_schedule_into_the_new_year(cast):
    course = CourseFactory(
        programme=cast.programme_a, weekday=0, start_date=datetime.date(2026, 12, 20), weeks=3
    )
    assert course.scheduled_dates() == [
        datetime.date(2026, 12, 21),
        datetime.date(2026, 12, 28),
        datetime.date(2027, 1, 4),
    ]


def test_generating_again_adds_no_duplicate_sessions(cast):
    course = CourseFactory(programme=cast.programme_a, weeks=4)
    services.sessions_generate(course=course)
    services.sessions_generate(course=course)
    assert course.sessions.count() == 4


def _enrol(client, course, participant):
    return client.post(
        reverse("bridging:enrolment_create", args=[course.pk]),
        {"participant": participant.pk, "exit_goal_explained": "on", "recruitment": "doctor"},
        follow=True,
    )


def test_enrolling_beyond_capacity_puts_the_participant_on_the_waitlist(client, cast):
    course = CourseFactory(programme=cast.programme_a, capacity=1)
    first, second = ParticipantFactory.create_batch(2, organisation=cast.project_a)
    client.force_login(cast.coordinator_a)
    _enrol(client, course, first)
    response = _enrol(client, course, second)
    assert "Holdet er fuldt; deltageren er på ventelisten." in response.content.decode()
    statuses = dict(Enrolment.objects.filter(course=course).values_list("participant", "status"))
    assert statuses == {first.pk: "enrolled", second.pk: "waitlisted"}
    assert Enrolment.objects.get(participant=first).exit_goal_explained is True


def test_withdrawal_frees_the_place_for_the_first_on_the_waitlist(client, cast):
    course = CourseFactory(programme=cast.programme_a, capacity=1)
    enrolled = EnrolmentFactory(course=course, participant__organisation=cast.project_a)
    first_waiting = EnrolmentFactory(course=course, status="waitlisted",
                                     participant__organisation=cast.project_a)  # fmt: skip
    second_waiting = EnrolmentFactory(course=course, status="waitlisted",
                                      participant__organisation=cast.project_a)  # fmt: skip
    client.force_login(cast.coordinator_a)
    url = reverse("bridging:enrolment_withdraw", args=[course.pk, enrolled.pk])
    response = client.post(url, {"reason": "Flyttet til Jylland"}, follow=True)
    assert "rykket op fra ventelisten" in response.content.decode()
    for enrolment in (enrolled, first_waiting, second_waiting):
        enrolment.refresh_from_db()
    assert (enrolled.status, enrolled.withdrawn_reason) == ("withdrawn", "Flyttet til Jylland")
    assert first_waiting.status == "enrolled"
    assert second_waiting.status == "waitlisted"


def test_enrolling_the_same_participant_twice_is_refused(client, cast):
    # Someone already on the team is not offered, and a posted id of theirs is refused.
    client.force_login(cast.coordinator_a)
    response = _enrol(client, cast.course_a, cast.participant_a)
    assert "Det valg findes ikke. Søg igen, og vælg et af forslagene." in response.content.decode()
    assert Enrolment.objects.filter(participant=cast.participant_a).count() == 1


def test_a_participant_of_another_project_cannot_be_enrolled(client, cast):
    client.force_login(cast.coordinator_a)
    response = _enrol(client, cast.course_a, cast.participant_b)
    assert "Det valg findes ikke. Søg igen, og vælg et af forslagene." in response.content.decode()
    assert not Enrolment.objects.filter(participant=cast.participant_b, course=cast.course_a)


def test_withdrawing_without_a_reason_or_twice_is_refused(client, cast):
    client.force_login(cast.coordinator_a)
    url = reverse("bridging:enrolment_withdraw", args=[cast.course_a.pk, cast.enrolment_a.pk])
    response = client.post(url, {"reason": ""}, follow=True)
    assert "Angiv en grund til udmeldelsen." in response.content.decode()
    client.post(url, {"reason": "Syg"})
    response = client.post(url, {"reason": "Igen"}, follow=True)
    assert "Deltageren er allerede meldt ud." in response.content.decode()
    cast.enrolment_a.refresh_from_db()
    assert cast.enrolment_a.withdrawn_reason == "Syg"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_concurrent_enrolment_never_exceeds_capacity():
    course = CourseFactory(capacity=5)
    participants = ParticipantFactory.create_batch(20, organisation=course.programme.organisation)
    barrier = threading.Barrier(len(participants))
    errors = []

    def enrol(participant):
        try:
            barrier.wait()
            services.enrolment_create(course=course, participant=participant)
        except Exception as error:  # noqa: BLE001 (collected and asserted below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=enrol, args=(p,)) for p in participants]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    statuses = list(Enrolment.objects.filter(course=course).values_list("status", flat=True))
    assert statuses.count("enrolled") == 5
    assert statuses.count("waitlisted") == 15


def test_instructor_of_course_b_gets_404_on_course_a(client, cast):
    client.force_login(cast.instructor_b)
    assert client.get(cast.course_a.get_absolute_url()).status_code == 404
    assert client.get(cast.session_a.get_absolute_url()).status_code == 404


def test_course_page_shows_roster_figures_and_waitlist(client, cast):
    EnrolmentFactory(
        course=cast.course_a,
        status="waitlisted",
        participant__organisation=cast.project_a,
        participant__first_name="Vera",
    )
    client.force_login(cast.coordinator_a)
    page = client.get(cast.course_a.get_absolute_url()).content.decode()
    assert "Alma Andersen" in page
    assert "Venteliste" in page
    assert "Vera" in page


def test_course_page_team_and_waitlist_rows_with_their_withdraw_forms(client, cast):
    # A name with a quote and an ampersand: escaped as the Django templates escape it.
    waiting = EnrolmentFactory(
        course=cast.course_a,
        status="waitlisted",
        participant__organisation=cast.project_a,
        participant__first_name="Vera O'Hara & Co",
    )
    client.force_login(cast.coordinator_a)
    page = client.get(cast.course_a.get_absolute_url()).content.decode()
    team = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    token = team.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    assert len(token) == 64
    waitlist = page.split('id="waitlist-heading"', 1)[1].split("</ol>", 1)[0]
    enrolment = cast.enrolment_a
    row = team.split(f'href="/participants/{enrolment.participant_id}/"', 1)[1].split("</tr>")[0]
    assert f'action="/courses/{cast.course_a.pk}/enrolments/{enrolment.pk}/withdraw/"' in row
    assert f'for="reason-{enrolment.pk}"' in row and f'id="reason-{enrolment.pk}"' in row
    assert "Alma Andersen forlader holdet" in row and ">Meld ud af holdet</button>" in row
    assert 'data-label="Fremmøde"' in row
    name = "Vera O&#x27;Hara &amp; Co"
    assert f'<li><a href="/participants/{waiting.participant_id}/">{name}' in waitlist
    assert f'<span class="visually-hidden"> {name}' in waitlist
    assert f'action="/courses/{cast.course_a.pk}/enrolments/{waiting.pk}/withdraw/"' in waitlist
    assert f'name="csrfmiddlewaretoken" value="{token}"' in waitlist
    # The instructor sees the team and the waitlist, without the forms.
    client.force_login(cast.instructor_a)
    page = client.get(cast.course_a.get_absolute_url()).content.decode()
    assert "Alma Andersen" in page and name in page
    assert "/withdraw/" not in page and "risky-action" not in page.split("<tbody>", 1)[1]


def test_course_page_has_the_summary_on_top_and_the_rest_in_sections(client, cast):
    client.force_login(cast.coordinator_a)
    page = client.get(cast.course_a.get_absolute_url()).content.decode()
    summary, sections = page.split('id="roster-heading"', 1)
    for label in ("Status", "På holdet", "I risiko for at falde fra", "Udslusningsparat"):
        assert label in summary
    # The roster is open; sessions (and waitlist, withdrawn) are closed sections below it.
    assert summary.rstrip().endswith('<details class="page-section" open>\n  <summary><h2')
    assert '<details class="page-section">\n  <summary><h2 id="sessions-heading">' in sections
    # Running, enrolling is no longer the primary action: its form is a closed section too.
    assert '<details class="page-section">\n  <summary><h2 id="enrol-heading">' in sections
    assert 'class="btn btn-primary"' not in page.split('id="enrol-heading"')[1]


@pytest.mark.parametrize("extra", [0, 20])
def test_course_page_query_budget(client, cast, django_assert_num_queries, extra):
    for _ in range(extra):
        enrolment = EnrolmentFactory(course=cast.course_a, participant__organisation=cast.project_a)
        services.attendance_mark(session=cast.session_a, enrolment=enrolment, status="present",
                                 user=cast.instructor_a)  # fmt: skip
    services.sessions_generate(course=cast.course_a)
    client.force_login(cast.coordinator_a)
    # 1 session, 2 user, 3 own memberships, 4 the course, 5 roster, 6 its attendance figures,
    # 7 instructors, 8 sessions, 9 exit-ready (the enrolment search lists no participants)
    with django_assert_num_queries(9):
        assert client.get(cast.course_a.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("extra", [0, 10])
def test_programme_pages_query_budget(client, cast, django_assert_num_queries, extra):
    for _ in range(extra):
        course = CourseFactory(programme=cast.programme_a)
        EnrolmentFactory(course=course, participant__organisation=cast.project_a)
        Programme.objects.create(organisation=cast.project_a, name="x", starts_on="2026-01-01",
                                 ends_on="2026-02-01")  # fmt: skip
    client.force_login(cast.coordinator_a)
    # 1 session, 2 user, 3 own memberships, 4 the programme, 5 its courses, 6 their
    # enrolments counted with the exit-ready (one SQL query over attendance and assessments),
    # 7 fairs
    with django_assert_num_queries(7):
        assert client.get(cast.programme_a.get_absolute_url()).status_code == 200
    # 1 session, 2 user, 3 own memberships, 4 programmes with course counts
    with django_assert_num_queries(4):
        assert client.get(reverse("bridging:programme_list")).status_code == 200


@pytest.mark.parametrize("extra", [0, 60])
def test_programme_page_query_budget(client, cast, django_assert_num_queries, extra):
    """The programme page's queries do not grow with its courses or their participants (60
    more courses: past the first page of 50)."""
    for _ in range(extra):
        course = CourseFactory(programme=cast.programme_a)
        EnrolmentFactory(course=course, participant__organisation=cast.project_a)
        EnrolmentFactory(
            course=course, status="waitlisted", participant__organisation=cast.project_a
        )
    client.force_login(cast.coordinator_a)
    # 1 session, 2 user, 3 own memberships, 4 the programme, 5 its courses, 6 their
    # enrolments counted with the exit-ready, 7 the fairs
    with django_assert_num_queries(7):
        response = client.get(reverse("bridging:programme_detail", args=[cast.programme_a.pk]))
    assert (
        response.context["totals"]["enrolled"]
        == Enrolment.objects.filter(course__programme=cast.programme_a, status="enrolled").count()
    )
    assert len(response.context["page"].object_list) == min(50, 1 + extra)


def _edit_course(client, course, **overrides):
    data = course_data(
        name=course.name, venue=course.venue, address=course.address,
        start_time=course.start_time.strftime("%H:%M"),
        end_time=course.end_time.strftime("%H:%M"), capacity=course.capacity,
        status=course.status,
    )  # fmt: skip
    data.update(overrides)
    return client.post(reverse("bridging:course_update", args=[course.pk]), data, follow=True)


def test_fewer_places_than_the_team_has_are_refused(client, cast):
    course = CourseFactory(programme=cast.programme_a, capacity=2, status="running")
    for participant in ParticipantFactory.create_batch(2, organisation=cast.project_a):
        services.enrolment_create(course=course, participant=participant)
    client.force_login(cast.coordinator_a)
    response = _edit_course(client, course, capacity="1", venue="Ny hal")
    page = response.content.decode()
    assert "Der er 2 på holdet" in page
    assert 'value="Ny hal"' in page  # what was typed is kept
    course.refresh_from_db()
    assert course.capacity == 2
    assert course.venue != "Ny hal"  # nothing saved


def test_more_places_move_the_waitlist_up_in_turn(client, cast):
    course = CourseFactory(programme=cast.programme_a, capacity=1, status="running")
    people = ParticipantFactory.create_batch(4, organisation=cast.project_a)
    enrolments = [services.enrolment_create(course=course, participant=p) for p in people]
    assert [e.status for e in enrolments] == ["enrolled", "waitlisted", "waitlisted", "waitlisted"]
    client.force_login(cast.coordinator_a)
    _edit_course(client, course, capacity="3")
    statuses = [Enrolment.objects.get(pk=e.pk).status for e in enrolments]
    assert statuses == ["enrolled", "enrolled", "enrolled", "waitlisted"]
    kept = Participant.objects.with_kept_status().get(pk=people[1].pk).status
    assert kept == Participant.objects.with_status().get(pk=people[1].pk).status == "in_course"


def test_a_participant_who_withdrew_can_come_back_and_counts_once(client, cast):
    course = CourseFactory(programme=cast.programme_a, capacity=2, status="running")
    back, other, waiting = ParticipantFactory.create_batch(3, organisation=cast.project_a)
    enrolment = services.enrolment_create(course=course, participant=back)
    services.enrolment_create(course=course, participant=other)
    services.enrolment_withdraw(enrolment=enrolment, reason="Syg")
    client.force_login(cast.coordinator_a)
    suggestions = client.get(reverse("bridging:enrolment_suggestions", args=[course.pk]),
                             {"participant_q": back.first_name})  # fmt: skip
    assert f'value="{back.pk}"' in suggestions.content.decode()
    assert (
        course.name
        in client.get(reverse("bridging:participant_enrol", args=[back.pk])).content.decode()
    )
    _enrol(client, course, back)
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.withdrawn_reason) == ("enrolled", "")
    assert Enrolment.objects.filter(course=course, participant=back).count() == 1
    # Full: one who withdraws and comes back waits behind those already waiting.
    assert services.enrolment_create(course=course, participant=waiting).status == "waitlisted"
    services.enrolment_withdraw(enrolment=enrolment, reason="Syg igen")
    assert Enrolment.objects.get(participant=waiting).status == "enrolled"
    later = ParticipantFactory(organisation=cast.project_a)
    assert services.enrolment_create(course=course, participant=later).status == "waitlisted"
    assert services.enrolment_create(course=course, participant=back).status == "waitlisted"
    services.enrolment_withdraw(enrolment=Enrolment.objects.get(participant=other), reason="y")
    statuses = dict(Enrolment.objects.filter(course=course).values_list("participant", "status"))
    assert statuses == {back.pk: "waitlisted", other.pk: "withdrawn", waiting.pk: "enrolled",
                        later.pk: "enrolled"}  # fmt: skip
    from bridging.funnel import funnel

    enrolled = funnel(Enrolment.objects.filter(course=course))["stages"][0]["count"]
    assert enrolled == 3  # each once, whatever their comings and goings (not the waitlisted)


@pytest.mark.parametrize("months", ["2,4", "0", "3,6,24"])
def test_follow_ups_are_asked_at_the_months_the_funnel_counts(client, cast, months):
    # The funnel counts those active after 3, 6 and 12 months; a follow-up at another month
    # would be asked and answered and never counted anywhere.
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("bridging:programme_create"),
        {"name": "Opfølgning", "starts_on": "2027-01-01", "ends_on": "2027-06-30",
         "default_bridging_model": "group", "readiness_threshold": "3",
         "minimum_attendance": "75", "follow_up_months": months},
    )  # fmt: skip
    assert "Vælg blandt 3, 6 og 12 måneder" in response.content.decode()
    assert not Programme.objects.filter(name="Opfølgning").exists()
