"""The organisation directory, an organisation's page and its private list of who works there."""

import pytest
from django.urls import reverse

from partnerships.models import Membership, Organisation
from tests.factories import MembershipFactory, OfferFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_directory_filters_by_name_kind_and_municipality(client, cast):
    OrganisationFactory(
        name="Roskilde Aftenskole", kind=Organisation.Kind.EVENING_SCHOOL, municipality="Roskilde"
    )
    client.force_login(cast.coordinator_a)
    response = client.get(
        reverse("partnerships:organisation_list"),
        {"q": "aftenskole", "kind": "evening_school", "municipality": "rosk"},
    )
    assert [o.name for o in response.context["page"].object_list] == ["Roskilde Aftenskole"]


def test_directory_ignores_an_unknown_kind_instead_of_failing(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.get(reverse("partnerships:organisation_list"), {"kind": "bogus"})
    assert response.status_code == 200
    assert "Vælg en af mulighederne" in response.content.decode()
    assert len(response.context["page"].object_list) == Organisation.objects.count()


def test_directory_is_paginated_and_keeps_the_filter_in_page_links(client, cast):
    for n in range(30):
        OrganisationFactory(name=f"Klub {n:02d}", kind=Organisation.Kind.ASSOCIATION)
    client.force_login(cast.coordinator_a)
    response = client.get(reverse("partnerships:organisation_list"), {"q": "Klub"})
    assert len(response.context["page"].object_list) == 25
    assert "?q=Klub&amp;page=2" in response.content.decode()


def test_organisation_page_shows_contact_details(client, cast):
    cast.association_a.contact_name = "Frida Foreningsleder"
    cast.association_a.save(update_fields=["contact_name"])
    client.force_login(cast.coordinator_b)
    response = client.get(cast.association_a.get_absolute_url())
    assert "Frida Foreningsleder" in response.content.decode()
    assert "Se hvem der arbejder her" not in response.content.decode()


def test_members_page_lists_colleagues_with_roles(client, cast):
    client.force_login(cast.staff_a)
    response = client.get(
        reverse("partnerships:organisation_members", args=[cast.association_a.pk])
    )
    page = response.content.decode()
    assert cast.staff_a.get_full_name() in page
    assert "Foreningsmedarbejder" in page
    assert cast.coordinator_a.get_full_name() not in page


def test_members_page_of_another_organisation_is_404(client, cast):
    client.force_login(cast.coordinator_b)
    response = client.get(reverse("partnerships:organisation_members", args=[cast.project_a.pk]))
    assert response.status_code == 404


def _grow(cast, n):
    for i in range(n):
        OrganisationFactory(name=f"Ekstra {i}")
        MembershipFactory(organisation=cast.project_a, role=Membership.Role.INSTRUCTOR)


@pytest.mark.parametrize("extra", [0, 30])
def test_directory_query_budget(client, cast, django_assert_num_queries, extra):
    _grow(cast, extra)
    client.force_login(cast.coordinator_a)
    # 1 session, 2 user, 3 count for the paginator, 4 the page of organisations,
    # 5 own memberships for the navigation
    with django_assert_num_queries(5):
        client.get(reverse("partnerships:organisation_list"))


@pytest.mark.parametrize("extra", [0, 30])
def test_organisation_page_query_budget(client, cast, django_assert_num_queries, extra):
    _grow(cast, extra)
    for _ in range(extra):
        OfferFactory(organisation=cast.association_a)
    client.force_login(cast.staff_a)
    # 1 session, 2 user, 3 the organisation, 4 own memberships, 5 may the user keep its
    # offers (staff of it: yes), 6 its offers, 7 agreements, 8 readiness checklists,
    # 9 the fairs it took part in, 10 how many wait in its inbox (the navigation)
    with django_assert_num_queries(10):
        client.get(cast.association_a.get_absolute_url())


@pytest.mark.parametrize("extra", [0, 30])
def test_members_page_query_budget(client, cast, django_assert_num_queries, extra):
    _grow(cast, extra)
    client.force_login(cast.coordinator_a)
    # 1 session, 2 user, 3 count for the paginator, 4 the page of memberships with users,
    # 5 own memberships for the navigation
    with django_assert_num_queries(5):
        client.get(reverse("partnerships:organisation_members", args=[cast.project_a.pk]))
