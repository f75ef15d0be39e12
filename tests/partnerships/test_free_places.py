"""Free places are changed by accepting a handover (under a row lock) and by the offer's forms;
a form opened before a place was taken cannot put it back (issue 12, item 10)."""

import datetime

import pytest
from django.urls import reverse

from bridging.handovers import handover_accept
from partnerships.forms import FreePlacesForm
from partnerships.models import Offer
from partnerships.services import offer_save_places

from .test_offers import offer_data

pytestmark = pytest.mark.django_db


def _open_edit_form(client, offer):
    """What the browser holds after opening the form: the rendered values."""
    response = client.get(reverse("partnerships:offer_update", args=[offer.pk]))
    form = response.context["form"]
    return {name: form[name].value() for name in ("free_places", "free_places_seen")}


def _take_a_place(cast):
    handover_accept(
        member=cast.member_a, first_session_on=datetime.date(2026, 12, 1), buddy="Bo",
        user=cast.staff_a,
    )  # fmt: skip


def test_a_stale_offer_form_does_not_give_back_a_taken_place(client, cast):
    Offer.objects.filter(pk=cast.offer_a.pk).update(free_places=1)
    client.force_login(cast.staff_a)
    opened = _open_edit_form(client, cast.offer_a)
    _take_a_place(cast)
    response = client.post(
        reverse("partnerships:offer_update", args=[cast.offer_a.pk]),
        offer_data(cast, name="Nyt navn", **opened),
    )
    assert response.status_code == 302
    cast.offer_a.refresh_from_db()
    assert (cast.offer_a.name, cast.offer_a.free_places) == ("Nyt navn", 0)


def test_a_stale_changed_number_is_refused_with_a_message_and_kept_in_the_form(client, cast):
    Offer.objects.filter(pk=cast.offer_a.pk).update(free_places=1)
    client.force_login(cast.staff_a)
    opened = _open_edit_form(client, cast.offer_a)
    _take_a_place(cast)
    url = reverse("partnerships:offer_update", args=[cast.offer_a.pk])
    data = offer_data(cast, name="Nyt navn", **{**opened, "free_places": "3"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "ændret til 0" in str(response.context["form"].errors["free_places"])
    assert response.context["form"]["free_places"].value() == "3"
    cast.offer_a.refresh_from_db()
    assert (cast.offer_a.name, cast.offer_a.free_places) != ("Nyt navn", 3)
    # Saving again from the page shown (it now knows the current number) sets it.
    data["free_places_seen"] = response.context["form"]["free_places_seen"].value()
    assert client.post(url, data).status_code == 302
    cast.offer_a.refresh_from_db()
    assert cast.offer_a.free_places == 3


def test_the_free_places_form_refuses_a_stale_number_and_saves_only_that_field(client, cast):
    Offer.objects.filter(pk=cast.offer_a.pk).update(free_places=1)
    url = reverse("partnerships:offer_free_places", args=[cast.offer_a.pk])
    client.force_login(cast.staff_a)
    _take_a_place(cast)
    response = client.post(url, {"free_places": "4", "free_places_seen": "1"}, follow=True)
    assert "ændret til 0" in response.content.decode()
    cast.offer_a.refresh_from_db()
    assert cast.offer_a.free_places == 0
    # Meanwhile someone renames the offer; the places form must not write the old name back.
    stale_form_offer = Offer.objects.get(pk=cast.offer_a.pk)
    Offer.objects.filter(pk=cast.offer_a.pk).update(name="Omdøbt")
    form = FreePlacesForm({"free_places": "5", "free_places_seen": "0"}, instance=stale_form_offer)
    assert form.is_valid()
    offer_save_places(form=form, update_fields=["free_places"])
    cast.offer_a.refresh_from_db()
    assert (cast.offer_a.name, cast.offer_a.free_places) == ("Omdøbt", 5)
