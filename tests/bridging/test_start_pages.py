"""Each role's start page, switching organisation, and the query budgets of those pages."""

import pytest
from django.urls import reverse

from partnerships.models import Membership
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "start_page"),
    [
        ("coordinator_a", lambda cast: reverse("bridging:coordinator_overview")),
        ("instructor_a", lambda cast: reverse("bridging:instructor_home")),
        ("staff_a", lambda cast: cast.association_a.get_absolute_url()),
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


def test_coordinator_overview_counts_the_team_of_the_own_organisation_only(client, cast):
    MembershipFactory(organisation=cast.project_a, role=Membership.Role.INSTRUCTOR)
    client.force_login(cast.coordinator_a)
    response = client.get(reverse("bridging:coordinator_overview"))
    assert response.context["organisation"] == cast.project_a
    assert dict(response.context["team"]) == {
        "Koordinator": 1,
        "Instruktør": 2,
        "Foreningsmedarbejder": 0,
    }
    assert "Projekt B" not in response.content.decode()


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


def _add_colleagues(organisation, count):
    for _ in range(count):
        MembershipFactory(organisation=organisation, role=Membership.Role.INSTRUCTOR)


@pytest.mark.parametrize("extra", [0, 20])
def test_coordinator_overview_query_budget(client, cast, django_assert_num_queries, extra):
    _add_colleagues(cast.project_a, extra)
    client.force_login(cast.coordinator_a)
    # 1 session, 2 user, 3 own memberships (active organisation), 4 team counts per role,
    # 5 participant counts per status, 6 programmes, 7 dropout warning count
    with django_assert_num_queries(7):
        assert client.get(reverse("bridging:coordinator_overview")).status_code == 200


@pytest.mark.parametrize("extra", [0, 20])
def test_instructor_home_query_budget(client, cast, django_assert_num_queries, extra):
    _add_colleagues(cast.project_a, extra)
    client.force_login(cast.instructor_a)
    # 1 session, 2 user, 3 own memberships, 4 sessions this week, 5 dropout count, 6 courses
    with django_assert_num_queries(6):
        assert client.get(reverse("bridging:instructor_home")).status_code == 200
