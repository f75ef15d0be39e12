"""Keeping offers and searching the directory."""

import datetime

import pytest
from django.urls import reverse

from bridging.models import Handover
from partnerships.models import Offer, ReadinessAnswer
from tests.factories import (
    ActivityTypeFactory,
    AgreementFactory,
    OfferFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


def offer_data(cast, **overrides):
    data = {
        "name": "Stolegymnastik",
        "activity_type": ActivityTypeFactory(name="Gymnastik").pk,
        "venue": "Hallen",
        "municipality": "København",
        "area": "Vesterbro",
        "weekdays": ["1", "3"],
        "start_time": "10:00",
        "end_time": "11:00",
        "season": "all_year",
        "level": "gentle",
        "suits_newcomers": "on",
        "fee": "600",
        "fee_period": "half_year",
        "payment": "mobilepay",
        "trial_sessions": "2",
        "free_places": "6",
        "is_active": "on",
        "organisation": cast.association_b.pk,
    }
    data.update(overrides)
    return data


def test_staff_add_an_offer_to_their_own_organisation(client, cast):
    client.force_login(cast.staff_a)
    response = client.post(
        reverse("partnerships:offer_create", args=[cast.association_a.pk]), offer_data(cast)
    )
    offer = Offer.objects.get(name="Stolegymnastik")
    assert response.url == offer.get_absolute_url()
    assert offer.organisation == cast.association_a  # the posted organisation is ignored
    assert offer.weekdays == [1, 3]
    assert offer.monthly_fee == 100
    assert offer.time_of_day == "morning"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("fee", "-50", "Tallet kan ikke være negativt."),
        ("free_places", "-1", "Tallet kan ikke være negativt."),
        ("end_time", "09:00", "Sluttidspunktet skal ligge efter starttidspunktet."),
        ("weekdays", [], "Vælg mindst én ugedag."),
    ],
)
def test_bad_offer_input_is_refused_in_danish_and_nothing_is_saved(
    client, cast, field, value, message
):
    client.force_login(cast.staff_a)
    response = client.post(
        reverse("partnerships:offer_create", args=[cast.association_a.pk]),
        offer_data(cast, **{field: value}),
    )
    assert message in response.content.decode()
    assert not Offer.objects.filter(name="Stolegymnastik").exists()


def test_staff_cannot_edit_another_organisations_offer(client, cast):
    client.force_login(cast.staff_a)
    url = reverse("partnerships:offer_update", args=[cast.offer_b.pk])
    assert client.post(url, offer_data(cast, name="Overtaget")).status_code == 404
    cast.offer_b.refresh_from_db()
    assert cast.offer_b.name == "Tilbud B"


# --- Who keeps an organisation's offers (issue 12, item 1) -------------------------------------


def _unstaffed(name="Gåklubben"):
    organisation = OrganisationFactory(name=name, kind="self_organised")
    return organisation, OfferFactory(organisation=organisation, name="Gåtur")


def _works_with(cast, how, organisation, offer):
    """Project A works with `organisation` through an agreement, a checklist or a handover."""
    if how == "agreement":
        AgreementFactory(project=cast.project_a, receiver=organisation)
    elif how == "readiness":
        ReadinessAnswer.objects.create(
            project=cast.project_a, receiver=organisation, item="p_pace", answer="yes"
        )
    else:
        Handover.objects.create(
            course=cast.course_a, mode="individual", offer=offer, receiver=organisation
        )


def _refused_everywhere(client, cast, user, organisation, offer):
    """404 on every way of keeping the offer, GET and POST, and nothing changes."""
    client.force_login(user)
    before = Offer.objects.filter(organisation=organisation).count()
    urls = [
        reverse("partnerships:offer_create", args=[organisation.pk]),
        reverse("partnerships:offer_update", args=[offer.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        data = offer_data(cast, name="Overtaget", is_active="")
        assert client.post(url, data).status_code == 404, url
    url = reverse("partnerships:offer_free_places", args=[offer.pk])
    assert client.post(url, {"free_places": "0"}).status_code == 404
    offer.refresh_from_db()
    assert (offer.name, offer.is_active, offer.free_places) == ("Gåtur", True, 5)
    assert Offer.objects.filter(organisation=organisation).count() == before


@pytest.mark.parametrize("how", ["agreement", "readiness", "handover"])
def test_coordinator_keeps_offers_of_an_unstaffed_organisation_the_project_works_with(
    client, cast, how
):
    organisation, offer = _unstaffed()
    _works_with(cast, how, organisation, offer)
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("partnerships:offer_create", args=[organisation.pk]), offer_data(cast)
    )
    assert response.status_code == 302
    assert Offer.objects.get(name="Stolegymnastik").organisation == organisation
    url = reverse("partnerships:offer_update", args=[offer.pk])
    assert client.get(url).status_code == 200
    client.post(url, offer_data(cast, name="Gåtur i parken", free_places_seen=offer.free_places))
    offer.refresh_from_db()
    assert offer.name == "Gåtur i parken"


@pytest.mark.parametrize("how", ["agreement", "readiness", "handover"])
def test_another_projects_coordinator_cannot_keep_those_offers(client, cast, how):
    organisation, offer = _unstaffed()
    _works_with(cast, how, organisation, offer)
    _refused_everywhere(client, cast, cast.coordinator_b, organisation, offer)


def test_coordinator_cannot_keep_offers_of_an_organisation_the_project_does_not_work_with(
    client, cast
):
    organisation, offer = _unstaffed()
    _refused_everywhere(client, cast, cast.coordinator_a, organisation, offer)


def test_coordinator_cannot_keep_offers_of_an_organisation_with_its_own_staff(client, cast):
    offer = OfferFactory(organisation=cast.association_a, name="Gåtur")  # agreement_a exists
    _refused_everywhere(client, cast, cast.coordinator_a, cast.association_a, offer)


def test_coordinator_never_keeps_offers_of_another_project(client, cast):
    offer = OfferFactory(organisation=cast.project_b, name="Gåtur")
    ReadinessAnswer.objects.create(
        project=cast.project_a, receiver=cast.project_b, item="p_pace", answer="yes"
    )
    _refused_everywhere(client, cast, cast.coordinator_a, cast.project_b, offer)


def test_housing_plan_coordinator_cannot_add_offers_to_a_project(client, cast):
    offer = OfferFactory(organisation=cast.project_a, name="Gåtur")
    _refused_everywhere(client, cast, cast.plan_coordinator, cast.project_a, offer)


@pytest.mark.parametrize("role", ["instructor_a", "staff_b", "outsider"])
def test_other_roles_cannot_keep_the_offers(client, cast, role):
    organisation, offer = _unstaffed()
    _works_with(cast, "agreement", organisation, offer)
    _refused_everywhere(client, cast, cast.user(role), organisation, offer)


def test_staff_update_free_places_from_their_page(client, cast):
    client.force_login(cast.staff_a)
    url = reverse("partnerships:offer_free_places", args=[cast.offer_a.pk])
    seen = cast.offer_a.free_places
    response = client.post(url, {"free_places": "2", "free_places_seen": seen}, follow=True)
    assert "Pladser til nye medlemmer på Tilbud A er opdateret." in response.content.decode()
    cast.offer_a.refresh_from_db()
    assert cast.offer_a.free_places == 2
    response = client.post(url, {"free_places": "-3"}, follow=True)
    page = response.content.decode()
    assert "Angiv antallet af ledige pladser som 0 eller mere." in page
    cast.offer_a.refresh_from_db()
    assert cast.offer_a.free_places == 2
    # What was typed is shown again in the offer's form, marked, once.
    field = f'id="id_offer{cast.offer_a.pk}_free_places" value="-3"'
    assert field in page
    assert f'aria-describedby="places-error-{cast.offer_a.pk}"' in page
    again = client.get(response.redirect_chain[-1][0]).content.decode()
    assert field not in again


class TestDirectory:
    @pytest.fixture
    def offers(self, cast):
        dans = ActivityTypeFactory(name="Dans")
        return {
            "morning": OfferFactory(name="Morgendans", activity_type=dans, weekday_mask=1 << 0,
                                    start_time=datetime.time(9), end_time=datetime.time(10),
                                    fee=120, municipality="Roskilde", suits_newcomers=True,
                                    free_places=0),
            "evening": OfferFactory(name="Aftengymnastik", weekday_mask=1 << 3,
                                    start_time=datetime.time(19), end_time=datetime.time(20),
                                    fee=1200, fee_period="year", area="Sydhavnen",
                                    suits_newcomers=False),
            "paused": OfferFactory(name="Pauseret", is_active=False),
        }  # fmt: skip

    def names(self, client, cast, **query):
        client.force_login(cast.coordinator_a)
        page = client.get(reverse("partnerships:offer_list"), query).context["page"]
        return {offer.name for offer in page.object_list}

    def test_paused_offers_are_not_listed(self, client, cast, offers):
        assert "Pauseret" not in self.names(client, cast)

    def test_each_filter(self, client, cast, offers):
        dans = offers["morning"].activity_type_id
        assert self.names(client, cast, activity_type=dans) == {"Morgendans"}
        assert self.names(client, cast, weekday=3) == {"Aftengymnastik"}
        assert self.names(client, cast, time_of_day="evening") == {"Aftengymnastik"}
        assert self.names(client, cast, area="sydhavn") == {"Aftengymnastik"}
        assert self.names(client, cast, area="roskilde") == {"Morgendans"}
        assert "Aftengymnastik" in self.names(client, cast, max_fee=100)  # 1200 a year
        assert "Morgendans" not in self.names(client, cast, max_fee=100)
        assert "Morgendans" in self.names(client, cast, newcomers="on")
        assert "Aftengymnastik" not in self.names(client, cast, newcomers="on")
        assert "Morgendans" not in self.names(client, cast, free_places="on")

    def test_a_bad_filter_value_is_explained_not_an_error(self, client, cast, offers):
        client.force_login(cast.coordinator_a)
        response = client.get(reverse("partnerships:offer_list"), {"max_fee": "-5"})
        assert response.status_code == 200
        assert "Skriv et tal på mindst 0." in response.content.decode()


@pytest.mark.parametrize("extra", [0, 40])
def test_directory_query_budget(client, cast, django_assert_num_queries, extra):
    OfferFactory.create_batch(extra)
    client.force_login(cast.staff_a)
    # 1 session, 2 user, 3 own memberships, 4 count, 5 the page's ids, 6 those offers with
    # organisations and activity types, 7 the activity types for the filter, 8 who waits in
    # the inbox (nav)
    with django_assert_num_queries(8):
        client.get(reverse("partnerships:offer_list"), {"weekday": "2", "max_fee": "500"})


@pytest.mark.parametrize("extra", [0, 10])
def test_offer_page_query_budget(client, cast, django_assert_num_queries, extra):
    OfferFactory.create_batch(extra, organisation=cast.association_a)
    client.force_login(cast.staff_a)
    # 1 session, 2 user, 3 the offer, 4 may the user edit it, 5 own memberships, 6 who waits
    # in the inbox (navigation)
    with django_assert_num_queries(6):
        client.get(cast.offer_a.get_absolute_url())
