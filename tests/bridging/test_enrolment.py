"""Enrolment from the course page (search, never a list of everyone) and from the participant's
page ("Tilmeld hold"); a second running course needs a tick to confirm."""

import pytest
from django.urls import reverse

from bridging.models import Course, Enrolment
from tests.factories import CourseFactory, EnrolmentFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def suggestions(client, course, query):
    response = client.get(
        reverse("bridging:enrolment_suggestions", args=[course.pk]), {"participant_q": query}
    )
    assert response.status_code == 200
    return response.content.decode()


def test_search_finds_the_projects_participants_not_on_the_team(client, cast):
    ParticipantFactory(organisation=cast.project_a, first_name="Alma", last_name="Holm")
    ParticipantFactory(organisation=cast.project_b, first_name="Alma", last_name="Fremmed")
    client.force_login(cast.coordinator_a)
    html = suggestions(client, cast.course_a, "alma")
    assert "Alma Holm" in html
    assert "Alma Andersen" not in html  # already on the team
    assert "Alma Fremmed" not in html  # another project
    assert "Alma Holm" in suggestions(client, cast.course_a, "holm alma")  # every word


def test_the_course_page_lists_no_participants_to_choose_from(client, cast):
    ParticipantFactory(organisation=cast.project_a, first_name="Ingeborg")
    client.force_login(cast.coordinator_a)
    page = client.get(cast.course_a.get_absolute_url()).content.decode()
    assert 'name="participant_q"' in page
    assert "Ingeborg" not in page


def test_enrolling_without_javascript_shows_the_matches_and_keeps_the_search(client, cast):
    ParticipantFactory(organisation=cast.project_a, first_name="Ingeborg", last_name="Lund")
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("bridging:enrolment_create", args=[cast.course_a.pk]),
        {"participant_q": "ingeborg", "recruitment": "doctor"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vælg et af forslagene herunder, eller søg igen." in html
    assert "Ingeborg Lund" in html and 'value="ingeborg"' in html
    assert not Enrolment.objects.filter(participant__first_name="Ingeborg").exists()


def _running_elsewhere(cast):
    other = CourseFactory(programme=cast.programme_a, name="Hold Torsdag", status="running")
    participant = ParticipantFactory(organisation=cast.project_a, first_name="Tove")
    EnrolmentFactory(course=other, participant=participant)
    return participant


def test_a_second_running_course_asks_for_confirmation(client, cast):
    participant = _running_elsewhere(cast)
    client.force_login(cast.coordinator_a)
    url = reverse("bridging:enrolment_create", args=[cast.course_a.pk])
    data = {"participant": participant.pk, "recruitment": "doctor", "exit_goal_explained": "on"}
    response = client.post(url, data)
    html = response.content.decode()
    assert "går allerede på Hold Torsdag, som er i gang" in html
    assert 'type="checkbox" name="confirm_second"' in html
    assert 'name="exit_goal_explained" checked' in html or "checked" in html  # kept
    assert not Enrolment.objects.filter(participant=participant, course=cast.course_a).exists()
    response = client.post(url, {**data, "confirm_second": "on"}, follow=True)
    assert "er tilmeldt Hold A" in response.content.decode()
    assert Enrolment.objects.get(participant=participant, course=cast.course_a).status == (
        "enrolled"
    )


def test_a_finished_course_elsewhere_needs_no_confirmation(client, cast):
    participant = _running_elsewhere(cast)
    Course.objects.filter(name="Hold Torsdag").update(status="completed")
    client.force_login(cast.coordinator_a)
    client.post(
        reverse("bridging:enrolment_create", args=[cast.course_a.pk]),
        {"participant": participant.pk},
    )
    assert Enrolment.objects.filter(participant=participant, course=cast.course_a).exists()


def test_enrol_from_the_participant_page(client, cast):
    participant = ParticipantFactory(organisation=cast.project_a, first_name="Gurli")
    other = CourseFactory(programme=cast.programme_a, name="Hold Fredag", status="planned")
    CourseFactory(programme=cast.programme_a, name="Hold Slut", status="completed")
    client.force_login(cast.coordinator_a)
    page = client.get(participant.get_absolute_url()).content.decode()
    url = reverse("bridging:participant_enrol", args=[participant.pk])
    assert url in page and "Tilmeld hold" in page
    form = client.get(url).context["form"]
    assert {c.name for c in form.fields["course"].queryset} == {"Hold A", "Hold Fredag"}
    response = client.post(url, {"course": other.pk, "recruitment": "doctor"}, follow=True)
    assert "Gurli" in response.content.decode()
    assert Enrolment.objects.get(participant=participant).course == other
    form = client.get(url).context["form"]
    assert other not in form.fields["course"].queryset  # already on it


def test_enrol_from_the_participant_page_with_no_course_chosen_keeps_the_rest(client, cast):
    participant = ParticipantFactory(organisation=cast.project_a)
    client.force_login(cast.coordinator_a)
    url = reverse("bridging:participant_enrol", args=[participant.pk])
    response = client.post(url, {"recruitment": "friend", "exit_goal_explained": "on"})
    html = response.content.decode()
    assert "Dette felt er påkrævet." in html
    assert response.context["form"]["recruitment"].value() == "friend"
    assert not Enrolment.objects.filter(participant=participant).exists()


@pytest.mark.parametrize(("role", "status"), [("instructor_a", 403), ("coordinator_b", 404)])
def test_only_the_projects_coordinator_enrols_from_the_participant_page(client, cast, role, status):
    client.force_login(cast.user(role))
    url = reverse("bridging:participant_enrol", args=[cast.participant_a.pk])
    response = client.post(url, {"course": cast.course_a.pk})
    assert response.status_code == status


@pytest.mark.parametrize("extra", [0, 30])
def test_enrolment_suggestions_query_budget(client, cast, django_assert_num_queries, extra):
    ParticipantFactory.create_batch(extra, organisation=cast.project_a, first_name="Karen")
    client.force_login(cast.coordinator_a)
    # 1 session, 2 user, 3 own memberships, 4 the course, 5 a page of matches, 6 how many more
    with django_assert_num_queries(6 if extra > 20 else 5):
        suggestions(client, cast.course_a, "karen")


@pytest.mark.parametrize("extra", [0, 10])
def test_participant_enrol_page_query_budget(client, cast, django_assert_num_queries, extra):
    CourseFactory.create_batch(extra, programme=cast.programme_a, status="planned")
    participant = ParticipantFactory(organisation=cast.project_a)
    client.force_login(cast.coordinator_a)
    url = reverse("bridging:participant_enrol", args=[participant.pk])
    # 1 session, 2 user, 3 own memberships, 4 the participant, 5 whether any course is left,
    # 6 the courses to choose from
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200
