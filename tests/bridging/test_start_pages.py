"""Each role's start page, switching organisation, and the query budgets of those pages."""

import datetime

import pytest
from django.urls import reverse

from bridging.handovers import handover_accept
from partnerships.models import Membership
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "start_page"),
    [
        ("coordinator_a", lambda cast: reverse("bridging:coordinator_overview")),
        ("instructor_a", lambda cast: reverse("bridging:instructor_home")),
        ("staff_b", lambda cast: cast.association_b.get_absolute_url()),
    ],
)
def test_each_role_lands_on_its_own_start_page(client, cast, role, start_page):
    client.force_login(cast.user(role))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == start_page(cast)


def test_user_without_membership_is_told_to_ask_for_a_role(client, cast):
    client.force_login(cast.outsider)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Du er ikke tilknyttet en organisation" in response.content.decode()


def test_staff_land_on_the_inbox_while_someone_waits_for_their_answer(client, cast):
    client.force_login(cast.staff_a)
    assert client.get(reverse("home")).url == reverse("bridging:inbox")
    page = client.get(reverse("bridging:inbox")).content.decode()
    assert '1<span class="visually-hidden"> venter på jeres svar</span>' in page
    handover_accept(member=cast.member_a, first_session_on=datetime.date(2026, 12, 2),
                    buddy="Frida", user=cast.staff_a)  # fmt: skip
    assert client.get(reverse("home")).url == cast.association_a.get_absolute_url()
    assert "venter på jeres svar" not in client.get(reverse("bridging:inbox")).content.decode()


def test_user_with_two_memberships_switches_organisation(client, cast):
    # Without a choice the user acts for the first organisation by name: "Forening B".
    MembershipFactory(
        user=cast.coordinator_a, organisation=cast.association_b, role=Membership.Role.STAFF
    )
    coordinating = Membership.objects.get(user=cast.coordinator_a, organisation=cast.project_a)
    client.force_login(cast.coordinator_a)
    assert client.get(reverse("home")).url == cast.association_b.get_absolute_url()
    page = client.get(cast.association_b.get_absolute_url()).content.decode()
    assert 'id="switch-organisation"' in page

    response = client.post(
        reverse("partnerships:switch_organisation"), {"membership": coordinating.pk}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).url == reverse("bridging:coordinator_overview")
    assert client.get(reverse("bridging:coordinator_overview")).status_code == 200


def test_switching_to_someone_elses_membership_is_404_and_changes_nothing(client, cast):
    other = Membership.objects.get(user=cast.coordinator_b)
    client.force_login(cast.coordinator_a)
    response = client.post(reverse("partnerships:switch_organisation"), {"membership": other.pk})
    assert response.status_code == 404
    assert client.get(reverse("home")).url == reverse("bridging:coordinator_overview")


def test_the_instructors_finished_courses_come_newest_first(client, cast):
    """Running and planned courses first, as before; then the finished ones, last year's
    before the year before's."""
    from tests.factories import CourseFactory

    older = CourseFactory(programme=cast.programme_a, name="Hold 2024", status="completed",
                          start_date=datetime.date(2024, 3, 1))  # fmt: skip
    newer = CourseFactory(programme=cast.programme_a, name="Hold 2025", status="completed",
                          start_date=datetime.date(2025, 3, 1))  # fmt: skip
    for course in (older, newer):
        course.instructors.add(cast.instructor_a)
    client.force_login(cast.instructor_a)
    page = client.get(reverse("bridging:instructor_home")).content.decode()
    assert page.index(cast.course_a.name) < page.index("Hold 2025") < page.index("Hold 2024")
