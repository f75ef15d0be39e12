"""Text fields state their limits and refuse longer input; dates lie in sensible ranges;
municipalities are real ones (issue 12, items 16 and 17)."""

import pytest
from django.urls import reverse

from bridging.models import Assessment, Fair, Session
from participants.models import Participant
from partnerships.models import Offer, PartnershipAgreement
from tests.bridging.test_readiness import scores
from tests.participants.test_participant_pages import valid_data
from tests.partnerships.test_offers import offer_data

pytestmark = pytest.mark.django_db


def test_the_public_questionnaire_refuses_a_very_long_answer(client, cast):
    url = reverse("bridging:questionnaire_answer", args=[cast.questionnaire_token_a])
    data = {**scores(), "continue_with_team": "yes", "known_offers": "x" * 100_000}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "højst have 1000 tegn" in response.content.decode()
    assert not Assessment.objects.filter(known_offers__startswith="xxx").exists()
    client.post(url, {**data, "known_offers": "x" * 1000})
    assert Assessment.objects.filter(known_offers="x" * 1000).exists()


def test_a_text_area_states_its_limit_and_refuses_more(client, cast):
    client.force_login(cast.coordinator_a)
    url = reverse("participants:participant_create")
    assert "Højst 4000 tegn." in client.get(url).content.decode()
    response = client.post(url, valid_data(health_notes="x" * 4001))
    assert response.status_code == 200
    assert "health_notes" in response.context["form"].errors
    assert not Participant.objects.filter(first_name="Inger").exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2024-01-01"])
def test_a_session_far_from_its_course_is_refused(client, cast, day):
    client.force_login(cast.coordinator_a)
    before = Session.objects.count()
    url = reverse("bridging:session_create", args=[cast.course_a.pk])
    response = client.post(url, {"date": day, "start_time": "10:00", "end_time": "11:00"})
    assert response.status_code == 200
    assert "date" in response.context["form"].errors
    assert Session.objects.count() == before
    url = reverse("bridging:session_update", args=[cast.session_a.pk])
    old_date = cast.session_a.date
    client.post(url, {"date": day, "start_time": "10:00", "end_time": "11:00"})
    cast.session_a.refresh_from_db()
    assert cast.session_a.date == old_date


def test_a_session_near_its_course_is_added(client, cast):
    client.force_login(cast.coordinator_a)
    day = cast.course_a.scheduled_dates()[-1]
    url = reverse("bridging:session_create", args=[cast.course_a.pk])
    response = client.post(url, {"date": day, "start_time": "12:00", "end_time": "13:00"})
    assert response.status_code == 302


def test_an_agreement_from_year_one_is_refused(client, cast):
    client.force_login(cast.coordinator_a)
    before = PartnershipAgreement.objects.count()
    response = client.post(
        "/agreements/new/",
        {"receiver": cast.association_a.pk, "starts_on": "0001-01-01", "ends_on": "0001-12-31"},
    )
    assert "starts_on" in response.context["form"].errors
    assert "Angiv en dato mellem" in response.content.decode()
    assert PartnershipAgreement.objects.count() == before


def test_a_fair_in_9999_is_refused(client, cast):
    client.force_login(cast.coordinator_a)
    url = reverse("bridging:fair_create", args=[cast.programme_a.pk])
    response = client.post(
        url, {"name": "Messe 9999", "date": "9999-06-01", "place": "Hallen",
              "organisations": [cast.association_a.pk]},
    )  # fmt: skip
    assert response.status_code == 200
    assert not Fair.objects.filter(name="Messe 9999").exists()


@pytest.mark.parametrize("value", ["-1", "Atlantis", "1234"])
def test_a_municipality_that_does_not_exist_is_refused(client, cast, value):
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("participants:participant_create"), valid_data(municipality=value)
    )
    assert "municipality" in response.context["form"].errors
    assert not Participant.objects.filter(first_name="Inger").exists()
    client.force_login(cast.staff_a)
    response = client.post(
        reverse("partnerships:offer_create", args=[cast.association_a.pk]),
        offer_data(cast, municipality=value),
    )
    assert "municipality" in response.context["form"].errors
    assert not Offer.objects.filter(name="Stolegymnastik").exists()


@pytest.mark.parametrize("value", ["Køge", "københavn", "Roskilde Kommune"])
def test_a_real_municipality_is_accepted_in_any_capitalisation(client, cast, value):
    client.force_login(cast.coordinator_a)
    client.post(reverse("participants:participant_create"), valid_data(municipality=value))
    assert Participant.objects.filter(first_name="Inger").exists()
