"""The programme and course scopes read the ids of the memberships a request has loaded (a
plannable list instead of subqueries); they must show exactly what the subqueries show, for
every kind of user."""

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bridging.models import Attendance, Course, Enrolment, Fair, Programme, Session
from partnerships.models import Membership
from partnerships.models.organisations import LOADED_MEMBERSHIPS
from tests.factories import (
    CourseFactory,
    EnrolmentFactory,
    MembershipFactory,
    SessionFactory,
    UserFactory,
)

Role = Membership.Role

MODELS = (Programme, Course, Session, Enrolment, Fair, Attendance)


def _rows(model, user):
    return set(model.objects.visible_to(user).values_list("pk", flat=True))


def test_the_scopes_are_the_same_with_the_memberships_read_for_the_request(cast):
    # An instructor in project A who teaches one of its two courses; a course of A they do
    # not teach; someone who coordinates project B and teaches for project A; a coordinator
    # who also teaches a course of their own project; a superuser; a deactivated coordinator.
    taught, untaught = cast.course_a, CourseFactory(programme=cast.programme_a, name="Hold A2")
    SessionFactory(course=untaught)
    EnrolmentFactory(course=untaught, participant=cast.participant_a)
    other_programme = CourseFactory(programme__organisation=cast.project_a).programme
    both = MembershipFactory(
        user=cast.coordinator_b, organisation=cast.project_a, role=Role.INSTRUCTOR
    ).user
    untaught.instructors.add(both)
    cast.course_b.instructors.add(cast.coordinator_b)
    superuser = UserFactory(username="support", is_superuser=True)
    inactive = MembershipFactory(
        user=UserFactory(username="gone", is_active=False),
        organisation=cast.project_a,
        role=Role.COORDINATOR,
    ).user
    users = [
        cast.coordinator_a,
        cast.coordinator_b,
        cast.instructor_a,
        cast.instructor_b,
        cast.staff_a,
        cast.outsider,
        both,
        superuser,
        inactive,
    ]
    for user in users:
        for model in MODELS:
            by_subquery = _rows(model, user)
            setattr(user, LOADED_MEMBERSHIPS, list(Membership.objects.own(user)))
            by_ids = _rows(model, user)
            delattr(user, LOADED_MEMBERSHIPS)
            assert by_ids == by_subquery, (user, model)
    for model in MODELS:
        assert not _rows(model, AnonymousUser())
    # The rule itself, with the ids: what each sees of project A's courses.
    for user in users:
        setattr(user, LOADED_MEMBERSHIPS, list(Membership.objects.own(user)))
    assert _rows(Course, cast.coordinator_a) >= {taught.pk, untaught.pk}
    assert _rows(Course, cast.instructor_a) == {taught.pk}
    assert _rows(Course, both) == {untaught.pk, cast.course_b.pk}
    assert cast.programme_a.pk in _rows(Programme, both)
    assert other_programme.pk not in _rows(Programme, both)
    assert _rows(Programme, cast.instructor_a) == {cast.programme_a.pk}
    assert not _rows(Course, cast.staff_a) and not _rows(Course, inactive)
    assert _rows(Course, superuser) == set(Course.objects.values_list("pk", flat=True))


def test_a_page_reads_the_memberships_once_and_scopes_courses_by_their_ids(client, cast):
    client.force_login(cast.coordinator_a)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("bridging:programme_detail", args=[cast.programme_a.pk]))
    assert response.status_code == 200
    assert cast.course_a.name in response.content.decode()
    scoped = [q["sql"] for q in queries if "bridging_course" in q["sql"]]
    assert scoped and not any("partnerships_membership" in sql for sql in scoped)
