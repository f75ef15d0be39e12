"""Consent records, their withdrawal, and the sharing-consent service other features call."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import Consent, ParticipantAccess
from participants.services import has_sharing_consent, participant_anonymise
from tests.factories import ConsentFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_the_paper_form_records_every_ticked_purpose_and_organisation_together(client, cast):
    client.force_login(cast.coordinator_a)
    evening_school = OrganisationFactory(name="Aftenskole C", kind="evening_school")
    before = Consent.objects.filter(participant=cast.participant_a).count()
    response = client.post(
        reverse("participants:consent_create", args=[cast.participant_a.pk]),
        {
            "purposes": ["follow_up", "statistics"],
            "organisations": [evening_school.pk, cast.association_b.pk],
            "given_on": "2026-03-01",
            "method": "paper",
            "text_version": "2026-1",
        },
    )
    assert response.status_code == 302
    new = Consent.objects.filter(participant=cast.participant_a).order_by("pk")[before:]
    assert sorted((c.purpose, c.organisation_id) for c in new) == sorted(
        [
            ("follow_up", None),
            ("statistics", None),
            ("share_contact", evening_school.pk),
            ("share_contact", cast.association_b.pk),
        ]
    )
    assert {(c.given_on.isoformat(), c.method, c.recorded_by) for c in new} == {
        ("2026-03-01", "paper", cast.coordinator_a)
    }
    sharing = next(c for c in new if c.organisation_id == cast.association_b.pk)
    assert "navn og mine kontaktoplysninger" in str(sharing.text)
    log = ParticipantAccess.objects.filter(participant=cast.participant_a, action="consent")
    assert list(log.values_list("fields", flat=True)) == ["follow_up, share_contact, statistics"]


@pytest.mark.parametrize("posted", ["999", "2020-1", ""])
def test_the_server_sets_the_consent_text_version(client, cast, posted):
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("participants:consent_create", args=[cast.participant_a.pk]),
        {"purposes": ["follow_up"], "given_on": "2026-03-01", "method": "paper",
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
    ("data", "field", "message"),
    [
        ({"purposes": [], "organisations": []}, "purposes",
         "Sæt mindst ét kryds, eller vælg en organisation at dele med."),
        ({"purposes": ["registration"]}, "purposes",
         "Allerede givet og ikke trukket tilbage: registrering i forløbet."),
        ({"organisations": ["ASSOCIATION"]}, "organisations",
         "Allerede givet og ikke trukket tilbage: Forening A."),
        ({"organisations": ["PROJECT"]}, "organisations",
         "Det valg findes ikke. Søg igen, og vælg et af forslagene."),
        ({"given_on": "NEXT_MONTH"}, "given_on", "Et samtykke kan ikke være givet ud i fremtiden."),
        ({"method": "telepathy"}, "method", "Vælg en af mulighederne; telepathy"),
    ],
)  # fmt: skip
def test_a_rejected_paper_form_keeps_the_ticks_and_shows_the_error_at_its_field(
    client, cast, data, field, message
):
    payload = {"purposes": ["follow_up"], "given_on": "2026-03-01", "method": "paper",
               "text_version": "2026-1", **data}  # fmt: skip
    if payload.get("organisations") == ["PROJECT"]:
        payload["organisations"] = [cast.project_b.pk]
    if payload["given_on"] == "NEXT_MONTH":  # Copenhagen's today as the test runs
        payload["given_on"] = (timezone.localdate() + datetime.timedelta(days=31)).isoformat()
    if payload.get("organisations") == ["ASSOCIATION"]:
        payload["organisations"] = [cast.association_a.pk]
    client.force_login(cast.coordinator_a)
    before = Consent.objects.count()
    response = client.post(
        reverse("participants:consent_create", args=[cast.participant_a.pk]), payload
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    if field != "purposes" and "follow_up" in payload["purposes"]:
        assert re.search(r'<input[^>]*value="follow_up"[^>]*checked', page)
    if field in ("given_on", "method"):
        assert re.search(rf'id="error_1_id_{field}"[^>]*>\s*<strong>{re.escape(message)}', page)
    else:
        assert f'id="{field}-error"' in page or f'id="error_1_id_{field}"' in page
    assert Consent.objects.count() == before


def test_receiving_organisations_are_searched_not_listed(client, cast):
    client.force_login(cast.coordinator_a)
    page = client.get(reverse("participants:consent_create", args=[cast.participant_a.pk]))
    assert "Forening A" not in page.content.decode()
    url = reverse("participants:consent_organisation_suggestions")
    found = client.get(url, {"organisations_q": "forening"}).content.decode()
    assert "Forening A" in found and "Forening B" in found
    assert "Projekt B" not in client.get(url, {"organisations_q": "projekt"}).content.decode()


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


def test_the_access_log_names_purposes_and_fields_in_words(client, cast):
    client.force_login(cast.coordinator_a)
    client.post(
        reverse("participants:consent_create", args=[cast.participant_a.pk]),
        {"purposes": ["follow_up", "statistics"], "given_on": "2026-03-01", "method": "paper",
         "text_version": "2026-1"},
    )  # fmt: skip
    ParticipantAccess.objects.create(
        participant=cast.participant_a, action="update", fields="phone, health_notes"
    )
    page = client.get(cast.participant_a.get_absolute_url()).content.decode()
    assert "Registrerede samtykke: opfølgende kontakt efter forløbet, brug i anonymiseret" in page
    assert "follow_up" not in page.split('id="log-heading"')[1]
    assert "Ændrede: telefon," in page


@pytest.mark.parametrize("extra", [0, 30])
def test_the_paper_form_query_budget(client, cast, django_assert_num_queries, extra):
    """The form and its rejected post run the same queries whatever the number of receiving
    organisations and of consents already given."""
    ticked = [OrganisationFactory(kind="association").pk for _ in range(extra)]
    for organisation in ticked:
        ConsentFactory(participant=cast.participant_a, purpose="share_contact",
                       organisation_id=organisation)  # fmt: skip
    url = reverse("participants:consent_create", args=[cast.participant_a.pk])
    client.force_login(cast.coordinator_a)
    # 1 session, 2 user, 3 own memberships, 4 the participant
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200
    # 1-4 the same, 5 the ticked organisations, 6 the consents to sharing already given to
    # them, with their names (refused: given twice), 7 the ticked organisations, shown again
    with django_assert_num_queries(7):
        response = client.post(url, {"organisations": ticked or [cast.association_a.pk]})
    assert response.status_code == 200
    assert "Allerede givet og ikke trukket tilbage" in response.content.decode()
    assert Consent.objects.filter(participant=cast.participant_a).count() == extra + 2
