"""Completing a course: one service completes everyone still on the team, undoable until a
handover from the course is sent."""

import pytest
from django.urls import reverse

from bridging import handovers, services
from bridging.forms import CourseForm
from bridging.models import Course, Enrolment
from tests.factories import ConsentFactory, CourseFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


def team(cast):
    course = CourseFactory(programme=cast.programme_a, name="Hold C", status="running")
    enrolled = [
        EnrolmentFactory(course=course, participant__organisation=cast.project_a) for _ in range(3)
    ]
    withdrawn = EnrolmentFactory(course=course, status="withdrawn", withdrawn_reason="Flyttet",
                                 participant__organisation=cast.project_a)  # fmt: skip
    waiting = EnrolmentFactory(course=course, status="waitlisted",
                               participant__organisation=cast.project_a)  # fmt: skip
    return course, enrolled, withdrawn, waiting


def statuses(course):
    return sorted(Enrolment.objects.filter(course=course).values_list("status", flat=True))


def test_coordinator_completes_the_course_and_everyone_on_the_team(client, cast):
    course, *_ = team(cast)
    client.force_login(cast.coordinator_a)
    response = client.post(reverse("bridging:course_complete", args=[course.pk]), follow=True)
    assert "Holdet er gennemført: 3 deltagere gennemførte det." in response.content.decode()
    course.refresh_from_db()
    assert course.status == Course.Status.COMPLETED
    assert statuses(course) == ["completed"] * 3 + ["waitlisted", "withdrawn"]


def test_completing_twice_is_refused_in_danish_and_changes_nothing(client, cast):
    course, enrolled, *_ = team(cast)
    services.course_complete(course=course)
    EnrolmentFactory(course=course, status="enrolled", participant__organisation=cast.project_a)
    client.force_login(cast.coordinator_a)
    response = client.post(reverse("bridging:course_complete", args=[course.pk]), follow=True)
    assert "Holdet er allerede gennemført." in response.content.decode()
    assert statuses(course).count("enrolled") == 1


def test_completion_is_undone_until_a_handover_is_sent(client, cast):
    course, enrolled, *_ = team(cast)
    services.course_complete(course=course)
    client.force_login(cast.coordinator_a)
    client.post(reverse("bridging:course_complete_undo", args=[course.pk]), {"confirm": "on"})
    course.refresh_from_db()
    assert course.status == Course.Status.RUNNING
    assert statuses(course).count("enrolled") == 3

    services.course_complete(course=course)
    ConsentFactory(participant=enrolled[0].participant, purpose="share_contact",
                   organisation=cast.offer_a.organisation)  # fmt: skip
    handover = handovers.handover_propose(
        course=course, mode="individual", offer=cast.offer_a, enrolments=[enrolled[0]],
        user=cast.coordinator_a,
    )  # fmt: skip
    handovers.handover_send(member=handover.members.get())
    response = client.post(
        reverse("bridging:course_complete_undo", args=[course.pk]), {"confirm": "on"}, follow=True
    )
    assert "gennemførelsen kan ikke længere fortrydes" in response.content.decode()
    course.refresh_from_db()
    assert course.status == Course.Status.COMPLETED
    assert statuses(course).count("completed") == 3


def test_the_course_form_does_not_complete_behind_the_services_back(cast):
    form = CourseForm(organisation=cast.project_a, instance=cast.course_a)
    assert "completed" not in [value for value, _label in form.fields["status"].choices]
    services.course_complete(course=cast.course_a)
    cast.course_a.refresh_from_db()
    form = CourseForm(organisation=cast.project_a, instance=cast.course_a)
    assert form.fields["status"].disabled


def test_instructor_cannot_complete_and_nothing_changes(client, cast):
    course, *_ = team(cast)
    course.instructors.add(cast.instructor_a)
    client.force_login(cast.instructor_a)
    assert client.post(reverse("bridging:course_complete", args=[course.pk])).status_code == 403
    course.refresh_from_db()
    assert course.status == "running"
