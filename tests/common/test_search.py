"""The search fields of common/search.py: a page of matches, never the whole set."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnerships.models import Organisation
from tests.factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.common.urls")]

ASSOCIATION = Organisation.Kind.ASSOCIATION


@pytest.fixture
def client_in(client):
    client.force_login(UserFactory(username="someone"))
    return client


def associations(count, name="Forening"):
    return [OrganisationFactory(name=f"{name} {n:03d}", kind=ASSOCIATION) for n in range(count)]


@pytest.mark.parametrize("count", [2, 40])
def test_the_page_lists_no_organisation_and_its_queries_do_not_grow(client_in, count):
    associations(count)
    with CaptureQueriesContext(connection) as queries:
        response = client_in.get("/pick/")
    assert response.status_code == 200
    assert "Forening 001" not in response.content.decode()
    assert 'type="search"' in response.content.decode()
    # session, user, the user's memberships (navigation); none for the two empty search fields
    assert len(queries) == 3


def test_suggestions_match_every_word_and_leave_out_what_is_out_of_scope(client_in):
    OrganisationFactory(name="Køge Petanque", kind=ASSOCIATION, municipality="Køge")
    OrganisationFactory(name="Roskilde Petanque", kind=ASSOCIATION, municipality="Roskilde")
    OrganisationFactory(name="Køge Petanque-projekt", kind=Organisation.Kind.PROJECT)
    response = client_in.get("/pick/one/", {"organisation_q": "petanque køge"})
    page = response.content.decode()
    assert "Køge Petanque" in page
    assert "Roskilde Petanque" not in page
    assert "Køge Petanque-projekt" not in page
    assert 'type="radio"' in page


def test_suggestions_are_one_page_with_how_many_more(client_in):
    associations(7)
    response = client_in.get("/pick/one/", {"organisation_q": "forening"})
    page = response.content.decode()
    assert page.count('type="radio"') == 3
    assert "4 flere" in page


def test_suggestions_leave_out_what_is_already_chosen(client_in):
    chosen, other = associations(2)
    response = client_in.get("/pick/many/", {"others_q": "forening", "others": [chosen.pk]})
    page = response.content.decode()
    assert other.name in page
    assert chosen.name not in page
    assert 'type="checkbox"' in page


def test_an_empty_or_nul_search_answers_nothing(client_in):
    associations(2)
    for query, status in [("", 200), ("   ", 200), ("\x00", 400)]:  # NUL: the middleware's 400
        response = client_in.get("/pick/one/", {"organisation_q": query})
        assert response.status_code == status
        assert "Forening" not in response.content.decode()


def test_posting_a_chosen_match_saves_it(client_in):
    first, second, third = associations(3)
    response = client_in.post("/pick/", {"organisation": first.pk, "others": [second.pk, third.pk]})
    assert response.content.decode() == f"Valgt: {first.name}, {second.name}, {third.name}"


def test_an_id_outside_the_scope_is_refused_in_danish(client_in):
    project = OrganisationFactory(kind=Organisation.Kind.PROJECT)
    response = client_in.post("/pick/", {"organisation": project.pk})
    page = response.content.decode()
    assert "Valgt" not in page
    assert "Det valg findes ikke. Søg igen, og vælg et af forslagene." in page
    assert project.name not in page


def test_without_javascript_a_posted_search_lists_the_matches_and_keeps_the_text(client_in):
    associations(2)
    response = client_in.post("/pick/", {"organisation_q": "Forening 001"})
    page = response.content.decode()
    assert "Vælg et af forslagene herunder, eller søg igen." in page
    assert 'value="Forening 001"' in page
    assert page.count('type="radio"') == 1


def test_the_chosen_one_is_shown_checked_when_the_form_comes_back(client_in):
    (chosen,) = associations(1)
    response = client_in.post("/pick/", {"organisation": chosen.pk, "others": ["x"]})
    page = response.content.decode()
    assert f'value="{chosen.pk}" id="id_organisation-option-{chosen.pk}" checked' in page


def test_the_search_box_has_one_description_with_its_help_line_and_the_fields_own(client_in):
    from tests.common.urls import PickForm

    form = PickForm(data={"organisation_q": "x"})
    form.fields["organisation"].help_text = "Foreningen, der tager imod."
    form.is_valid()
    html = str(form["organisation"])
    assert html.count("aria-describedby=") == 1
    described_by = html.split('aria-describedby="')[1].split('"')[0].split()
    assert described_by[0] == "id_organisation-help"
    assert "id_organisation_helptext" in described_by
