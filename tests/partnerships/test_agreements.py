"""Partnership agreements: drafting, the lifecycle and who may do what."""

import pytest
from django.urls import reverse

from partnerships import services
from partnerships.models import Membership, PartnershipAgreement
from tests.factories import AgreementFactory, OfferFactory

pytestmark = pytest.mark.django_db


def step(client, agreement, action):
    """The step's button, as the page posts it (ending is confirmed in its box)."""
    return client.post(
        reverse("partnerships:agreement_transition", args=[agreement.pk, action]),
        {"confirm": "on"},
        follow=True,
    )


def refreshed(agreement):
    return PartnershipAgreement.objects.get(pk=agreement.pk)


def test_coordinator_drafts_an_agreement_with_a_receiving_organisation(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("partnerships:agreement_create"),
        {"receiver": cast.association_a.pk, "programmes": [cast.programme_a.pk],
         "starts_on": "2027-01-01", "ends_on": "2027-12-31", "adapted_fee": "50",
         "adapted_fee_months": "6", "project_contact": "Karin", "receiver_contact": "Frida",
         "same_place_time_content": "on", "intake_at_once": "12", "project": cast.project_b.pk},
    )  # fmt: skip
    agreement = PartnershipAgreement.objects.exclude(pk=cast.agreement_a.pk).get()
    assert response.url == agreement.get_absolute_url()
    assert agreement.project == cast.project_a
    assert agreement.status == "draft"
    assert list(agreement.programmes.all()) == [cast.programme_a]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ends_on", "2026-01-01", "Aftalen kan ikke slutte, før den begynder."),
        ("adapted_fee", "-10", "Prisen kan ikke være negativ."),
        ("intake_at_once", "0", "Skriv et tal på mindst 1."),
    ],
)
def test_bad_agreement_input_is_refused_in_danish(client, cast, field, value, message):
    client.force_login(cast.coordinator_a)
    data = {"receiver": cast.association_a.pk, "starts_on": "2027-01-01",
            "ends_on": "2027-12-31", "project_contact": "K", "receiver_contact": "F",
            field: value}  # fmt: skip
    response = client.post(reverse("partnerships:agreement_create"), data)
    assert message in response.content.decode()
    assert PartnershipAgreement.objects.count() == 1


def test_from_draft_to_signed_by_both_sides_then_active_and_ended(client, cast):
    agreement = cast.agreement_a
    client.force_login(cast.coordinator_a)
    assert "Aftalen er sendt til underskrift." in step(client, agreement, "send").content.decode()
    step(client, agreement, "sign")
    agreement = refreshed(agreement)
    assert (agreement.status, agreement.project_signed_by) == ("sent", cast.coordinator_a)

    client.force_login(cast.staff_a)
    step(client, agreement, "sign")
    agreement = refreshed(agreement)
    assert agreement.status == "signed"
    assert agreement.receiver_signed_by == cast.staff_a
    assert agreement.receiver_signed_at is not None

    client.force_login(cast.coordinator_a)
    step(client, agreement, "activate")
    assert refreshed(agreement).status == "active"
    step(client, agreement, "end")
    assert refreshed(agreement).status == "ended"


@pytest.mark.parametrize(
    ("status", "action", "message"),
    [
        ("draft", "sign", "Aftalen skal sendes til underskrift, før den kan underskrives."),
        ("draft", "activate", "Kun en underskrevet aftale kan sættes i kraft."),
        ("draft", "end", "Kun en underskrevet eller gældende aftale kan bringes til ophør."),
        ("sent", "send", "Kun et udkast kan sendes til underskrift."),
        ("draft", "new-version", "Et udkast kan redigeres, som det er."),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(client, cast, status, action, message):
    PartnershipAgreement.objects.filter(pk=cast.agreement_a.pk).update(status=status)
    client.force_login(cast.coordinator_a)
    assert message in step(client, cast.agreement_a, action).content.decode()
    assert refreshed(cast.agreement_a).status == status


def test_signing_twice_for_the_same_side_is_refused(cast):
    services.agreement_send(agreement=cast.agreement_a)
    membership = Membership.objects.get(user=cast.staff_a)
    services.agreement_sign(agreement=cast.agreement_a, membership=membership)
    with pytest.raises(services.AgreementError):
        services.agreement_sign(agreement=cast.agreement_a, membership=membership)


def test_staff_cannot_take_the_projects_steps(client, cast):
    client.force_login(cast.staff_a)
    response = client.post(
        reverse("partnerships:agreement_transition", args=[cast.agreement_a.pk, "send"])
    )
    assert response.status_code == 403
    assert refreshed(cast.agreement_a).status == "draft"


def test_a_signed_agreement_cannot_be_edited_but_gets_a_new_version(client, cast):
    agreement = cast.agreement_a
    services.agreement_send(agreement=agreement)
    for user in (cast.coordinator_a, cast.staff_a):
        services.agreement_sign(agreement=agreement, membership=Membership.objects.get(user=user))
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("partnerships:agreement_update", args=[agreement.pk]),
        {"starts_on": "2027-01-01", "ends_on": "2027-12-31", "project_contact": "X",
         "receiver_contact": "Y"},
        follow=True,
    )  # fmt: skip
    assert "Lav en ny version for at ændre den." in response.content.decode()
    assert refreshed(agreement).project_contact == "Karin"

    step(client, agreement, "new-version")
    new = PartnershipAgreement.objects.get(previous=agreement)
    assert (new.version, new.status, new.project_signed_at) == (2, "draft", None)
    assert refreshed(agreement).status == "signed"


def test_other_projects_and_other_associations_do_not_see_the_agreement(client, cast):
    for user in (cast.coordinator_b, cast.staff_b):
        client.force_login(user)
        response = client.get(cast.agreement_a.get_absolute_url())
        assert response.status_code == 404
        listed = client.get(reverse("partnerships:agreement_list")).content.decode()
        assert "Forening A" not in listed


def test_printable_version_has_both_signature_lines(client, cast):
    client.force_login(cast.staff_a)
    page = client.get(reverse("partnerships:agreement_print", args=[cast.agreement_a.pk]))
    assert page.content.decode().count("Dato og underskrift") == 2


@pytest.mark.parametrize("extra", [0, 10])
def test_agreement_pages_query_budget(client, cast, django_assert_num_queries, extra):
    for _ in range(extra):
        cast.agreement_a.offers.add(OfferFactory(organisation=cast.association_a))
        AgreementFactory(project=cast.project_a, receiver=cast.association_a)
    client.force_login(cast.coordinator_a)
    # 1 session, 2 user, 3 own memberships, 4 the agreement, 5 programmes, 6 offers
    with django_assert_num_queries(6):
        client.get(cast.agreement_a.get_absolute_url())
    # 1 session, 2 user, 3 own memberships, 4 the agreements
    with django_assert_num_queries(4):
        client.get(reverse("partnerships:agreement_list"))
