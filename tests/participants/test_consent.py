"""Consent records, their withdrawal, and the sharing-consent service other features call."""

import datetime

import pytest
from django.urls import reverse

from participants.models import Consent, ParticipantAccess
from participants.services import has_sharing_consent, participant_anonymise
from tests.factories import ConsentFactory

pytestmark = pytest.mark.django_db


def test_coordinator_records_a_consent_to_share_with_a_named_association(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("participants:consent_create", args=[cast.participant_a.pk]),
        {
            "purpose": "share_contact",
            "organisation": cast.association_a.pk,
            "given_on": "2026-03-01",
            "method": "digital",
            "text_version": "2026-1",
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.filter(
        participant=cast.participant_a, purpose="share_contact"
    ).latest("pk")
    assert consent.organisation == cast.association_a
    assert consent.recorded_by == cast.coordinator_a
    assert "navn og mine kontaktoplysninger" in str(consent.text)
    assert ParticipantAccess.objects.filter(
        participant=cast.participant_a, action="consent"
    ).exists()


@pytest.mark.parametrize("posted", ["999", "2020-1", ""])
def test_the_server_sets_the_consent_text_version(client, cast, posted):
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("participants:consent_create", args=[cast.participant_a.pk]),
        {"purpose": "follow_up", "given_on": "2026-03-01", "method": "paper",
         "text_version": posted},
    )  # fmt: skip
    assert response.status_code == 302
    consent = Consent.objects.filter(participant=cast.participant_a, purpose="follow_up").get()
    assert consent.text_version == "2026-1"
    assert "op til et år efter forløbet" in str(consent.text)


def test_a_newer_text_of_a_purpose_is_the_one_recorded(monkeypatch):
    from participants.consent_texts import TEXTS, current_version

    texts = {**TEXTS, "2027-1": {"statistics": "Ny tekst om statistik."}}
    monkeypatch.setattr("participants.consent_texts.TEXTS", texts)
    assert current_version("statistics") == "2027-1"
    assert current_version("registration") == "2026-1"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"purpose": "share_contact"}, "Vælg den organisation, kontaktoplysningerne må gives til."),
        ({"purpose": "follow_up", "organisation": "ASSOCIATION"},
         "Kun et samtykke til at dele kontaktoplysninger nævner en organisation."),
        ({"given_on": "2999-01-01"}, "Et samtykke kan ikke være givet ud i fremtiden."),
        ({"method": "telepathy"}, "Marker en gyldig valgmulighed"),
    ],
)  # fmt: skip
def test_bad_consent_input_is_refused_in_danish(client, cast, data, message):
    payload = {"purpose": "follow_up", "given_on": "2026-03-01", "method": "paper",
               "text_version": "2026-1", **data}  # fmt: skip
    if payload.get("organisation") == "ASSOCIATION":
        payload["organisation"] = cast.association_a.pk
    client.force_login(cast.coordinator_a)
    before = Consent.objects.count()
    response = client.post(
        reverse("participants:consent_create", args=[cast.participant_a.pk]), payload
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Consent.objects.count() == before


def test_withdrawal_is_recorded_with_its_date(client, cast):
    client.force_login(cast.coordinator_a)
    url = reverse("participants:consent_withdraw", args=[cast.participant_a.pk, cast.consent_a.pk])
    response = client.post(url, {"withdrawn_on": "2026-02-01"})
    assert response.status_code == 302
    cast.consent_a.refresh_from_db()
    assert cast.consent_a.withdrawn_on == datetime.date(2026, 2, 1)
    assert cast.consent_a.withdrawal_recorded_by == cast.coordinator_a


def test_withdrawing_twice_is_refused_and_changes_nothing(client, cast):
    client.force_login(cast.coordinator_a)
    url = reverse("participants:consent_withdraw", args=[cast.participant_a.pk, cast.consent_a.pk])
    client.post(url, {"withdrawn_on": "2026-02-01"})
    response = client.post(url, {"withdrawn_on": "2026-03-01"}, follow=True)
    assert "Dette samtykke er allerede trukket tilbage." in response.content.decode()
    cast.consent_a.refresh_from_db()
    assert cast.consent_a.withdrawn_on == datetime.date(2026, 2, 1)


def test_withdrawal_before_the_consent_was_given_is_refused(client, cast):
    client.force_login(cast.coordinator_a)
    url = reverse("participants:consent_withdraw", args=[cast.participant_a.pk, cast.consent_a.pk])
    response = client.post(url, {"withdrawn_on": "2025-12-01"}, follow=True)
    assert "Et samtykke kan ikke trækkes tilbage, før det er givet." in response.content.decode()
    cast.consent_a.refresh_from_db()
    assert cast.consent_a.withdrawn_on is None


def test_withdrawing_a_consent_of_another_participant_via_this_url_is_404(client, cast):
    other = ConsentFactory(participant__organisation=cast.project_a)
    client.force_login(cast.coordinator_a)
    url = reverse("participants:consent_withdraw", args=[cast.participant_a.pk, other.pk])
    assert client.post(url, {"withdrawn_on": "2026-02-01"}).status_code == 404
    other.refresh_from_db()
    assert other.withdrawn_on is None


class TestHasSharingConsent:
    @pytest.fixture(autouse=True)
    def no_sharing_yet(self, cast):
        Consent.objects.filter(purpose="share_contact").delete()

    def test_true_only_for_the_named_organisation_while_active(self, cast):
        ConsentFactory(
            participant=cast.participant_a,
            purpose="share_contact",
            organisation=cast.association_a,
            given_on=datetime.date(2026, 1, 10),
            withdrawn_on=datetime.date(2026, 6, 1),
        )
        p, a = cast.participant_a, cast.association_a
        assert has_sharing_consent(participant=p, organisation=a, on=datetime.date(2026, 3, 1))
        assert not has_sharing_consent(participant=p, organisation=a, on=datetime.date(2026, 1, 9))
        assert not has_sharing_consent(participant=p, organisation=a, on=datetime.date(2026, 6, 1))
        assert not has_sharing_consent(
            participant=p, organisation=cast.association_b, on=datetime.date(2026, 3, 1)
        )

    def test_other_purposes_do_not_count(self, cast):
        assert not has_sharing_consent(
            participant=cast.participant_a, organisation=cast.association_a
        )

    def test_false_once_the_participant_is_anonymised(self, cast):
        ConsentFactory(participant=cast.participant_a, purpose="share_contact",
                       organisation=cast.association_a)  # fmt: skip
        participant_anonymise(participant=cast.participant_a, membership=None)
        assert not has_sharing_consent(
            participant=cast.participant_a, organisation=cast.association_a
        )
