"""API tokens in the UI: a coordinator makes one (shown once, stored hashed) and revokes it, for
the organisation they act for only."""

import hashlib

import pytest
from django.urls import reverse

from partnerships.models import ApiToken
from partnerships.services import api_token_create

URL = "partnerships:api_token_list"


def test_a_coordinator_makes_a_token_and_sees_it_once(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.post(reverse(URL), {"name": "Power BI"})
    assert response.status_code == 200
    token = ApiToken.objects.get(name="Power BI")
    secret = response.context["secret"]
    assert secret.startswith("brb_") and len(secret) > 40
    assert token.organisation == cast.project_a
    assert token.created_by == cast.coordinator_a
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.key_prefix == secret[:8]
    assert secret in response.content.decode()
    again = client.get(reverse(URL))
    assert secret not in again.content.decode()
    assert "Power BI" in again.content.decode()


def test_a_token_needs_a_name(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.post(reverse(URL), {"name": ""})
    assert response.status_code == 200
    assert "Dette felt er påkrævet." in response.content.decode()
    assert ApiToken.objects.count() == 1  # the cast's own
    assert response.context["secret"] is None


def test_an_extra_posted_organisation_is_ignored(client, cast):
    client.force_login(cast.coordinator_a)
    client.post(reverse(URL), {"name": "X", "organisation": cast.project_b.pk})
    assert ApiToken.objects.get(name="X").organisation == cast.project_a


def test_a_coordinator_revokes_a_token_of_the_organisation(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.post(reverse("partnerships:api_token_revoke", args=[cast.api_token_a.pk]))
    assert response.status_code == 302
    token = ApiToken.objects.get(pk=cast.api_token_a.pk)
    assert token.revoked_at is not None and token.revoked_by == cast.coordinator_a
    page = client.get(reverse(URL)).content.decode()
    assert "Trukket tilbage" in page


def test_another_organisations_coordinator_gets_404_and_the_token_is_unchanged(client, cast):
    client.force_login(cast.coordinator_b)
    response = client.post(reverse("partnerships:api_token_revoke", args=[cast.api_token_a.pk]))
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=cast.api_token_a.pk).revoked_at is None
    assert "Kommunens rapportering" not in client.get(reverse(URL)).content.decode()


@pytest.mark.parametrize("role", ["instructor_a", "staff_a", "outsider"])
def test_other_roles_may_not(client, cast, role):
    client.force_login(cast.user(role))
    assert client.get(reverse(URL)).status_code == 403
    assert client.post(reverse(URL), {"name": "X"}).status_code == 403
    assert not ApiToken.objects.filter(name="X").exists()


def test_the_footer_links_coordinators_to_their_tokens(client, cast):
    client.force_login(cast.coordinator_a)
    assert reverse(URL) in client.get(reverse("bridging:programme_list")).content.decode()
    client.force_login(cast.staff_a)
    assert reverse(URL) not in client.get(reverse("partnerships:offer_list")).content.decode()


@pytest.mark.parametrize("extra", [0, 10])
def test_token_page_query_budget(client, cast, django_assert_num_queries, extra):
    for number in range(extra):
        api_token_create(organisation=cast.project_a, name=f"T{number}", user=cast.coordinator_a)
    client.force_login(cast.coordinator_a)
    # session, user, memberships, the tokens with their makers
    with django_assert_num_queries(4):
        response = client.get(reverse(URL))
    assert response.status_code == 200
