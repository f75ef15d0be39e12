"""Bad input is answered, never a server error: NUL characters anywhere, raw values that are
not what a view expects (issue 12, item 14)."""

import pytest

from participants.models import Participant
from partnerships.models import PartnershipAgreement, ReadinessAnswer

pytestmark = pytest.mark.django_db

NUL_MESSAGE = "NUL-tegn"


def test_a_nul_in_a_readiness_note_is_refused_with_a_danish_message(client, cast):
    client.force_login(cast.coordinator_a)
    url = f"/readiness/{cast.project_a.pk}/{cast.association_a.pk}/"
    response = client.post(url, {"p_pace-answer": "yes", "p_pace-note": "a\x00b"})
    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()
    assert not ReadinessAnswer.objects.exists()


def test_a_nul_in_the_calendar_address_without_login_is_a_400(client, cast):
    response = client.get("/calendar/%00.ics")
    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()


def test_a_nul_in_a_url_parameter_is_a_400(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.get("/participants/", {"q": "Al\x00ma"})
    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()


def test_a_nul_in_a_form_field_saves_nothing(client, cast):
    client.force_login(cast.coordinator_a)
    before = Participant.objects.count()
    response = client.post(
        "/participants/new/",
        {"first_name": "Ny\x00", "last_name": "Person", "birth_year": 1950, "municipality": "K",
         "status": "recruited"},
    )  # fmt: skip
    assert response.status_code == 400
    assert Participant.objects.count() == before


def test_an_agreement_with_a_receiver_that_is_not_a_number_is_a_form_error(client, cast):
    client.force_login(cast.coordinator_a)
    before = PartnershipAgreement.objects.count()
    response = client.post("/agreements/new/", {"receiver": "abc", "starts_on": "2026-01-01"})
    assert response.status_code == 200
    assert "receiver" in response.context["form"].errors
    assert PartnershipAgreement.objects.count() == before


def test_the_funnel_for_a_course_that_is_not_a_number_is_a_404(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.get(f"/programmes/{cast.programme_a.pk}/funnel/", {"course": "abc"})
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["abc", "²", "1.5", "-1"])
def test_the_handover_form_with_an_odd_offer_value_is_answered(client, cast, value):
    client.force_login(cast.coordinator_a)
    url = f"/courses/{cast.course_a.pk}/handovers/new/"
    assert client.get(url, {"offer": value}).status_code == 200
    assert client.post(url, {"offer": value, "mode": "individual"}).status_code == 200


def test_a_readiness_note_over_500_characters_is_refused_not_cut(client, cast):
    client.force_login(cast.coordinator_a)
    url = f"/readiness/{cast.project_a.pk}/{cast.association_a.pk}/"
    response = client.post(url, {"p_pace-answer": "yes", "p_pace-note": "x" * 501}, follow=True)
    assert "højst være på 500 tegn" in response.content.decode()
    assert not ReadinessAnswer.objects.exists()
    client.post(url, {"p_pace-answer": "yes", "p_pace-note": "x" * 500})
    assert ReadinessAnswer.objects.get().note == "x" * 500
