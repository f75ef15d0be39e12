"""Matching offers to a participant's wishes: each wish moves the ranking as it should."""

import datetime

import pytest
from django.urls import reverse

from participants.matching import matching_offers
from partnerships.models import Offer
from tests.factories import ActivityTypeFactory, OfferFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def participant(cast):
    p = cast.participant_a
    p.preferred_weekdays, p.preferred_times = [], []
    p.max_monthly_fee, p.municipality, p.home_area = None, "Køge", ""
    p.save()
    p.preferred_activities.clear()
    return p


def ranking(participant):
    return [m.offer.name for m in matching_offers(participant, Offer.objects.all())]


def pair(**first):
    """Two otherwise equal offers; `first` changes the one called "Første"."""
    base = {"municipality": "Roskilde", "area": "", "suits_newcomers": False, "free_places": 3,
            "weekday_mask": 1 << 6, "start_time": datetime.time(13),
            "end_time": datetime.time(14), "fee": 100}  # fmt: skip
    Offer.objects.update(is_active=False)  # the cast's offers are out of the running
    OfferFactory(name="Anden", **base)
    OfferFactory(name="Første", **{**base, **first})


def test_the_wished_activity_comes_first(participant):
    dans = ActivityTypeFactory(name="Dans")
    pair(activity_type=dans)
    participant.preferred_activities.add(ActivityTypeFactory(name="Yoga"))
    assert ranking(participant)[0] == "Anden"  # equal scores: cheapest, then by name
    participant.preferred_activities.add(dans)
    assert ranking(participant)[0] == "Første"


def test_a_wished_day_comes_first(participant):
    pair(weekday_mask=1 << 1)
    participant.preferred_weekdays = [1]
    assert ranking(participant)[0] == "Første"
    participant.preferred_weekdays = [6]
    assert ranking(participant)[0] == "Anden"


def test_a_wished_time_of_day_comes_first(participant):
    pair(start_time=datetime.time(9), end_time=datetime.time(10))
    participant.preferred_times = ["morning"]
    assert ranking(participant)[0] == "Første"
    participant.preferred_times = ["afternoon"]
    assert ranking(participant)[0] == "Anden"


def test_too_expensive_goes_last(participant):
    pair(fee=50)
    Offer.objects.filter(name="Anden").update(fee=400, monthly_fee=400)
    participant.max_monthly_fee = 200
    matches = matching_offers(participant, Offer.objects.all())
    assert [m.offer.name for m in matches] == ["Første", "Anden"]
    assert "400 kr. pr. måned er mere end 200 kr." in matches[1].warnings


def test_own_area_and_municipality_come_first(participant):
    pair(municipality="Køge", area="Ellemarken")
    participant.home_area = "Ellemarken"
    match = matching_offers(participant, Offer.objects.all())[0]
    assert match.offer.name == "Første"
    assert "i deltagerens eget område, Ellemarken" in match.reasons


def test_a_full_offer_goes_down_with_a_warning(participant):
    pair(free_places=0)
    matches = matching_offers(participant, Offer.objects.all())
    assert matches[-1].offer.name == "Første"
    assert "ingen ledige pladser lige nu" in matches[-1].warnings


def test_paused_offers_are_never_proposed(participant):
    pair(is_active=False)
    assert ranking(participant) == ["Anden"]


def test_the_best_ten_are_those_of_sorting_every_offer(participant):
    """Ties of score and fee across the tenth place are decided by name, as a sort of every
    active offer decides them (the ranking compares names only near the tenth)."""
    Offer.objects.update(is_active=False)
    participant.municipality = "Køge"
    names = iter(f"Tilbud {letter}" for letter in "QWERTYUIOPASDFGHJKLZXCVBNM")
    for fee in (0, 100, 200):
        for municipality in ("Køge", "Roskilde"):
            for _ in range(4):
                OfferFactory(
                    name=next(names), fee=fee, municipality=municipality, area="", free_places=2,
                    suits_newcomers=False,
                )  # fmt: skip
    every = sorted(
        Offer.objects.filter(is_active=True),
        key=lambda o: (-(o.municipality == "Køge"), o.monthly_fee, o.name),
    )
    for limit in (3, 4, 5, 10, 30):
        ranked = matching_offers(participant, Offer.objects.all(), limit=limit)
        assert [m.offer.name for m in ranked] == [o.name for o in every[:limit]]
        assert [m.score for m in ranked] == [int(o.municipality == "Køge") for o in every[:limit]]


def test_matching_page_shows_reasons_for_the_coordinator(client, cast, participant):
    pair(weekday_mask=1 << 1)
    participant.preferred_weekdays = [1]
    participant.save()
    client.force_login(cast.coordinator_a)
    page = client.get(reverse("participants:matching_offers", args=[participant.pk]))
    assert "På en dag der passer: tirsdag" in page.content.decode()


@pytest.mark.parametrize("extra", [0, 40])
def test_matching_page_query_budget(client, cast, participant, django_assert_num_queries, extra):
    OfferFactory.create_batch(extra)
    client.force_login(cast.coordinator_a)
    # 1 session, 2 user, 3 own memberships, 4 the participant, 5 wished activities (for the
    # ranking and the heading), 6 the ranking (ids and scores of the best), 7 the offers shown,
    # by those ids, 8 the places they hold on courses (bridging's "propose a handover to this
    # offer")
    with django_assert_num_queries(8):
        client.get(reverse("participants:matching_offers", args=[participant.pk]))
