"""The session lookup of the attendance page and of a tap (`get_session_for_user`): the SQL of
`Session.objects.visible_to`, built once per process and shape (common.prepared), finds exactly
what the scope finds, for every kind of user, and reads the memberships anew each request."""

import pytest
from django.http import Http404
from django.urls import reverse

from bridging import work_queue
from bridging.models import Attendance, Session
from bridging.views.access import get_session_for_user
from common.prepared import Prepared
from partnerships.models import Membership
from tests.factories import (
    CourseFactory,
    EnrolmentFactory,
    MembershipFactory,
    SessionFactory,
    request_of,
)

pytestmark = pytest.mark.django_db

Role = Membership.Role


def _lookup(user, session, marks):
    try:
        return get_session_for_user(request_of(user), session.pk, marks=marks)
    except Http404:
        return None


@pytest.mark.parametrize("marks", [False, True])
def test_the_lookup_finds_what_the_scope_finds_for_every_kind_of_user(
    cast, marks, django_assert_num_queries
):
    # Coordinating one project and teaching in another; an instructor of project A who does
    # not teach a second course of A; a superuser; a deactivated instructor.
    both = cast.coordinator_a
    MembershipFactory(user=both, organisation=cast.project_b, role=Role.INSTRUCTOR)
    cast.course_b.instructors.add(both)
    untaught = SessionFactory(course=CourseFactory(programme=cast.course_a.programme))
    superuser = type(both).objects.create_superuser("root", "root@example.org", "x")
    deactivated = cast.instructor_b
    type(deactivated).objects.filter(pk=deactivated.pk).update(is_active=False)
    deactivated.refresh_from_db()
    EnrolmentFactory(course=cast.course_a, participant__organisation=cast.project_a)
    Attendance.objects.create(session=cast.session_a, enrolment=cast.enrolment_a, status="absent")
    users = [both, cast.instructor_a, cast.coordinator_b, deactivated, cast.staff_a, cast.outsider]
    sessions = [cast.session_a, cast.session_b, untaught]
    found = 0
    for user in [*users, superuser]:
        for session in sessions:
            expected = Session.objects.visible_to(user).filter(pk=session.pk)
            expected = (work_queue.with_marks(expected) if marks else expected).first()
            got = _lookup(user, session, marks)
            assert (got and got.pk) == (expected and expected.pk), (user, session)
            if got is None:
                continue
            found += 1
            assert (got.course_id, got.date, got.status) == (
                expected.course_id,
                expected.date,
                expected.status,
            )
            if marks:
                assert (got.marked, got.roster) == (expected.marked, expected.roster)
            else:
                with django_assert_num_queries(0):
                    name = got.course.name  # read with the session
                assert name == expected.course.name
    assert found == 8  # both: a and b; instructor a: a; coordinator b: b; superuser: all three


def test_a_revoked_membership_loses_the_session_at_the_next_tap(client, cast):
    client.force_login(cast.instructor_a)
    url = reverse("bridging:attendance_mark", args=[cast.session_a.pk])
    tap = {"enrolment": cast.enrolment_a.pk, "status": "present"}
    assert client.post(url, tap, HTTP_HX_REQUEST="true").status_code == 200
    Membership.objects.filter(user=cast.instructor_a).delete()
    assert client.post(url, {**tap, "status": "absent"}, HTTP_HX_REQUEST="true").status_code == 404
    assert Attendance.objects.get(enrolment=cast.enrolment_a).status == "present"


def test_a_prepared_query_refuses_a_value_written_into_its_sql(cast):
    written = Prepared(lambda pk: Session.objects.extra(where=[f"id = {pk}"]))
    with pytest.raises(ValueError, match="in its SQL"):
        written.get_or_none(pk=cast.session_a.pk)
    unused = Prepared(lambda pk, other: Session.objects.filter(pk=pk))
    assert unused.get_or_none(pk=cast.session_a.pk, other=1) == cast.session_a
    lists = Prepared(lambda ids, pk: Session.objects.filter(course_id__in=ids, pk=pk))
    assert lists.get_or_none(ids=[cast.course_b.pk, cast.course_a.pk], pk=cast.session_a.pk)
    assert lists.get_or_none(ids=[cast.course_b.pk], pk=cast.session_a.pk) is None


def test_a_prepared_values_query_gives_the_rows_the_orm_gives(cast):
    def build(course):
        return Session.objects.filter(course_id=course).order_by("pk").values_list("pk", "date")

    prepared = Prepared(build)
    for course in (cast.course_a, cast.course_b):
        assert prepared.rows(course=course.pk) == list(build(course.pk))
    assert prepared.rows(course=-1) == []
