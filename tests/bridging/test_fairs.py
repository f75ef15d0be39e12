"""The association fair and the printable overview of offers near a course."""

import pytest
from django.urls import reverse

from bridging.models import Fair, FairInterest
from tests.factories import OfferFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def interest(client, cast, offer, level, **headers):
    return client.post(
        reverse("bridging:fair_interest", args=[cast.fair_a.pk, cast.participant_a.pk]),
        {"offer": offer.pk, "level": level},
        **headers,
    )


def test_coordinator_creates_a_fair_with_organisations(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("bridging:fair_create", args=[cast.programme_a.pk]),
        {"name": "Messe i hallen", "date": "2026-12-10", "place": "Hallen",
         "organisations": [cast.association_a.pk]},
    )  # fmt: skip
    fair = Fair.objects.get(name="Messe i hallen")
    assert response.url == fair.get_absolute_url()
    assert list(fair.organisations.all()) == [cast.association_a]


def test_the_fair_page_links_its_programme_only_for_those_who_may_open_it(client, cast):
    """An instructor registers interests at the fair but may not open the programme's page:
    its name is text for them, not a link that ends in "no access"."""
    link = f'<a href="{cast.programme_a.get_absolute_url()}">Forløb A</a>'
    client.force_login(cast.instructor_a)
    page = client.get(cast.fair_a.get_absolute_url()).content.decode()
    assert "Forløb A" in page and link not in page
    assert client.get(cast.programme_a.get_absolute_url()).status_code == 403
    client.force_login(cast.coordinator_a)
    assert link in client.get(cast.fair_a.get_absolute_url()).content.decode()


def test_arrival_is_registered_by_post_and_the_visitor_page_lists_the_offers(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("bridging:fair_visitor", args=[cast.fair_a.pk]),
        {"participant": cast.participant_a.pk},
    )
    assert response.status_code == 302
    assert FairInterest.objects.filter(fair=cast.fair_a, offer=None).count() == 1
    page = client.get(response.url).content.decode()
    assert "Tilbud A" in page  # association A's offer is presented
    assert "Tilbud B" not in page


def test_interest_is_registered_with_htmx_and_changed_and_removed(client, cast):
    client.force_login(cast.coordinator_a)
    row = interest(client, cast, cast.offer_a, "trial", HTTP_HX_REQUEST="true")
    assert 'class="btn interest-trial active"' in row.content.decode()
    interest(client, cast, cast.offer_a, "interested")
    assert FairInterest.objects.get(offer=cast.offer_a).level == "interested"
    interest(client, cast, cast.offer_a, "")
    assert not FairInterest.objects.filter(offer=cast.offer_a).exists()


def test_an_offer_not_presented_is_refused(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("bridging:fair_interest", args=[cast.fair_a.pk, cast.participant_a.pk]),
        {"offer": cast.offer_b.pk, "level": "trial"},
        follow=True,
    )
    assert "Tilbuddet præsenteres ikke på denne messe." in response.content.decode()
    assert not FairInterest.objects.exists()


def test_a_participant_of_another_project_cannot_be_registered(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("bridging:fair_interest", args=[cast.fair_a.pk, cast.participant_b.pk]),
        {"offer": cast.offer_a.pk, "level": "trial"},
    )
    assert response.status_code == 404
    assert not FairInterest.objects.exists()


def test_the_timeline_and_the_organisation_page_show_the_fair(client, cast):
    client.force_login(cast.coordinator_a)
    interest(client, cast, cast.offer_a, "trial")
    page = client.get(cast.participant_a.get_absolute_url()).content.decode()
    assert "På foreningsmessen: Messe A" in page
    assert "Tilbud A: vil prøve en gang" in page
    client.force_login(cast.staff_a)
    page = client.get(cast.association_a.get_absolute_url()).content.decode()
    assert "1 interesse for vores tilbud" in page
    assert "Alma" not in page  # the association sees counts, not names
    # To the project's coordinator they are the association's offers, not "ours".
    client.force_login(cast.coordinator_a)
    page = client.get(cast.association_a.get_absolute_url()).content.decode()
    assert "1 interesse for organisationens tilbud" in page
    assert "vores tilbud" not in page


def test_another_projects_people_do_not_see_the_fairs_on_an_organisation_page(client, cast):
    """The fairs on an organisation's page are its own people's and those who may see the
    fair's programme: another project's coordinator reads the association's page without the
    first project's fairs (their names, dates and counts)."""
    client.force_login(cast.coordinator_a)
    interest(client, cast, cast.offer_a, "trial")
    client.force_login(cast.coordinator_b)
    response = client.get(cast.association_a.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Foreningsmesser" not in page and "Messe A" not in page
    cast.fair_a.organisations.add(cast.association_b)  # B's own people see it on B's page
    client.force_login(cast.staff_b)
    assert "Messe A" in client.get(cast.association_b.get_absolute_url()).content.decode()


@pytest.mark.parametrize("extra", [0, 30])
def test_fair_page_query_budget(client, cast, django_assert_num_queries, extra):
    FairInterest.objects.create(fair=cast.fair_a, participant=cast.participant_a)
    for _ in range(extra):
        offer = OfferFactory(organisation=cast.association_a)
        visitor = ParticipantFactory(organisation=cast.project_a)
        FairInterest.objects.create(fair=cast.fair_a, participant=cast.participant_a,
                                    offer=offer, level="interested")  # fmt: skip
        FairInterest.objects.create(fair=cast.fair_a, participant=visitor)
    client.force_login(cast.coordinator_a)
    # 1 session, 2 user, 3 own memberships, 4 the fair, 5 visitors counted, 6 a page of
    # visitors, 7 their interests with offers, 8 organisations, 9 are offers chosen, 10 the
    # offers presented; the visitor search lists no participants
    with django_assert_num_queries(10):
        page = client.get(cast.fair_a.get_absolute_url()).content.decode()
    assert f"Deltagere der kom ({1 + extra})" in page


def test_a_visitor_is_found_by_name_among_the_projects_participants(client, cast):
    ParticipantFactory(organisation=cast.project_a, first_name="Almaz", last_name="Berhe")
    client.force_login(cast.coordinator_a)
    url = reverse("bridging:fair_visitor_suggestions", args=[cast.fair_a.pk])
    page = client.get(url, {"participant_q": "alma"}).content.decode()
    assert "Alma Andersen, født 1952" in page
    assert "Almaz Berhe" in page
    assert "Bodil" not in client.get(url, {"participant_q": "bodil"}).content.decode()


@pytest.mark.parametrize("extra", [0, 30])
def test_visitor_suggestions_query_budget(client, cast, django_assert_num_queries, extra):
    ParticipantFactory.create_batch(extra, organisation=cast.project_a, first_name="Alma")
    client.force_login(cast.coordinator_a)
    url = reverse("bridging:fair_visitor_suggestions", args=[cast.fair_a.pk])
    # 1 session, 2 user, 3 own memberships, 4 the fair, 5 a page of matches (6 how many more)
    with django_assert_num_queries(5 if extra < 20 else 6):
        page = client.get(url, {"participant_q": "alma"}).content.decode()
    assert page.count('type="radio"') == min(1 + extra, 20)


def test_a_name_typed_without_choosing_shows_the_matches_and_registers_no_one(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("bridging:fair_visitor", args=[cast.fair_a.pk]), {"participant_q": "Alma"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Alma Andersen, født 1952" in page
    assert not FairInterest.objects.exists()


def test_a_participant_of_another_project_is_refused_at_the_fair(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("bridging:fair_visitor", args=[cast.fair_a.pk]),
        {"participant": cast.participant_b.pk},
    )
    assert response.status_code == 200
    assert not FairInterest.objects.exists()


def test_organisations_for_a_fair_are_found_by_name(client, cast, django_assert_num_queries):
    client.force_login(cast.coordinator_a)
    url = reverse("bridging:fair_organisation_suggestions")
    # 1 session, 2 user, 3 own memberships, 4 a page of matches
    with django_assert_num_queries(4):
        page = client.get(url, {"organisations_q": cast.association_a.name}).content.decode()
    assert cast.association_a.name in page
    projects = client.get(url, {"organisations_q": cast.project_a.name}).content.decode()
    assert 'type="checkbox"' not in projects  # a project does not take part in a fair


def test_printable_offers_near_the_course_are_those_in_its_municipality(client, cast):
    cast.course_a.municipality = "Roskilde"
    cast.course_a.save(update_fields=["municipality"])
    OfferFactory(name="Petanque i Roskilde", municipality="Roskilde")
    OfferFactory(name="Gang i Køge", municipality="Køge")
    client.force_login(cast.instructor_a)
    page = client.get(reverse("bridging:course_offers", args=[cast.course_a.pk]))
    page = page.content.decode()
    assert "Hvor du kan fortsætte: motionstilbud i Roskilde" in page
    assert "Petanque i Roskilde" in page
    assert "Gang i Køge" not in page


@pytest.mark.parametrize("extra", [0, 20])
def test_printable_offers_query_budget(client, cast, django_assert_num_queries, extra):
    OfferFactory.create_batch(extra, municipality="København")
    client.force_login(cast.instructor_a)
    # 1 session, 2 user, 3 own memberships, 4 the course, 5 the offers
    with django_assert_num_queries(5):
        client.get(reverse("bridging:course_offers", args=[cast.course_a.pk]))
