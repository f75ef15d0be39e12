"""Double submits are harmless: a create form posted twice makes one thing, and identical
participant registrations at the same moment make one participant (issue 12, item 11)."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from bridging.models import Programme
from participants.models import Participant
from tests.participants.test_participant_pages import valid_data

PROGRAMME = {
    "name": "Forår 2027", "starts_on": "2027-01-01", "ends_on": "2027-06-30",
    "default_bridging_model": "group", "readiness_threshold": "3", "minimum_attendance": "75",
    "follow_up_months": "3,6,12",
}  # fmt: skip


def _token(client, url):
    return client.get(url).context["form"]["form_token"].value()


@pytest.mark.django_db
def test_a_programme_form_posted_twice_makes_one_programme(client, cast):
    client.force_login(cast.coordinator_a)
    url = reverse("bridging:programme_create")
    data = {**PROGRAMME, "form_token": _token(client, url)}
    first = client.post(url, data)
    second = client.post(url, data, follow=True)
    programme = Programme.objects.get(name="Forår 2027")
    assert first.url == programme.get_absolute_url()
    assert second.redirect_chain[0][0] == programme.get_absolute_url()
    assert "Formularen var allerede sendt" in second.content.decode()
    # A new form (a new token) makes a second programme of the same name: that is allowed.
    client.post(url, {**PROGRAMME, "form_token": _token(client, url)})
    assert Programme.objects.filter(name="Forår 2027").count() == 2


@pytest.mark.django_db
def test_a_participant_form_posted_twice_goes_to_the_one_participant(client, cast):
    client.force_login(cast.coordinator_a)
    url = reverse("participants:participant_create")
    data = valid_data(form_token=_token(client, url))
    client.post(url, data)
    second = client.post(url, data)
    participant = Participant.objects.get(first_name="Inger")
    assert second.url == participant.get_absolute_url()


def _post_at_once(user, url, data, count):
    barrier = threading.Barrier(count)
    statuses, errors = [], []

    def post():
        client = Client()
        client.force_login(user)
        try:
            barrier.wait()
            statuses.append(client.post(url, data).status_code)
        except Exception as error:  # noqa: BLE001 (collected and asserted below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return statuses


needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writes need PostgreSQL"
)


@pytest.mark.django_db(transaction=True)
@needs_postgresql
@pytest.mark.parametrize("with_token", [False, True])
def test_ten_identical_registrations_at_once_make_one_participant(live_cast, with_token):
    url = reverse("participants:participant_create")
    data = valid_data()
    if with_token:
        data["form_token"] = "the-same-form-posted-ten-times"
    statuses = _post_at_once(live_cast.coordinator_a, url, data, 10)
    assert Participant.objects.filter(first_name="Inger").count() == 1
    assert all(status in (200, 302) for status in statuses)


@pytest.mark.django_db(transaction=True)
@needs_postgresql
def test_ten_posts_of_one_programme_form_at_once_make_one_programme(live_cast):
    url = reverse("bridging:programme_create")
    data = {**PROGRAMME, "form_token": "the-same-programme-form"}
    statuses = _post_at_once(live_cast.coordinator_a, url, data, 10)
    assert Programme.objects.filter(name="Forår 2027").count() == 1
    assert statuses == [302] * 10
