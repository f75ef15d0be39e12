"""The search field of common/search.py by keyboard and mouse: a choice survives a new search."""

import pytest
from playwright.sync_api import Page, expect

from partnerships.models import Organisation
from tests.browser.helpers import axe_violations, log_in
from tests.conftest import PASSWORD
from tests.factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.common.urls")]


def test_someone_searches_chooses_and_searches_again(page: Page, live_server, transactional_db):
    UserFactory(username="someone")
    for name in ["Køge Petanque", "Køge Roklub", "Roskilde Petanque", "Roskilde Dans"]:
        town = name.split()[0]
        OrganisationFactory(name=name, kind=Organisation.Kind.ASSOCIATION, municipality=town)
    log_in(page, live_server.url, "someone", PASSWORD)
    page.goto(f"{live_server.url}/pick/")

    page.get_by_label("Forening*").fill("køge")
    expect(page.get_by_text("2 forslag til »køge«")).to_be_visible()
    page.keyboard.press("Tab")  # into the matches: the first radio button
    page.keyboard.press("ArrowDown")  # arrow keys choose within a radio group
    expect(page.get_by_label("Køge Roklub")).to_be_checked()

    page.get_by_label("Andre foreninger").fill("petanque")
    page.get_by_label("Roskilde Petanque").check()
    page.get_by_label("Andre foreninger").fill("dans")
    page.get_by_label("Roskilde Dans").check()
    # The first choice moved up among the chosen, so the new search did not take it away.
    expect(page.get_by_label("Roskilde Petanque")).to_be_checked()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Valgt: Køge Roklub, Roskilde Dans, Roskilde Petanque")).to_be_visible()
