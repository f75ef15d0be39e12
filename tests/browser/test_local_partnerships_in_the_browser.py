"""Model 2 in the browser: a housing plan's coordinator records a boundary encounter, raises
the collaboration level, and the overview shows it. Every page is checked with axe-core."""

import pytest
from playwright.sync_api import Page, expect

from partnerships.models import BoundaryEncounter, LocalPartnership
from tests.browser.helpers import axe_violations, log_in

pytestmark = pytest.mark.browser


def test_encounter_and_level_are_recorded_and_the_overview_shows_them(
    page: Page, live_server, demo
):
    partnership = LocalPartnership.objects.get(name="Nye veje i Køge Nord")
    log_in(page, live_server.url, "boligsocial", "demo")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lokale partnerskaber")
    row = page.get_by_role("row").filter(has_text="Nye veje i Køge Nord")
    expect(row).to_contain_text("Niveau 2")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Nye veje i Køge Nord").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nye veje i Køge Nord")
    assert axe_violations(page) == []
    page.get_by_text("Registrér et grænsemøde").click()
    encounter = page.locator("form").filter(has_text="Registrér grænsemødet")
    encounter.get_by_label("Dato*", exact=True).fill("2026-11-20")
    encounter.get_by_label("Type*", exact=True).select_option("visit")
    encounter.get_by_label("Køge Kommune").check()
    encounter.get_by_label("Hvem deltog*", exact=True).fill(
        "Bo fra helhedsplanen og sundhedsplejersken"
    )
    encounter.get_by_role("button", name="Registrér grænsemødet").click()
    expect(page.get_by_text("Grænsemødet er registreret.")).to_be_visible()

    # A date before the partnership began: the form comes back open, with what was typed and
    # the error at the date.
    page.get_by_text("Registrér et nyt niveau").click()
    level = page.locator("form").filter(has_text="Registrér niveauet")
    level.get_by_label("Samarbejdsniveau*", exact=True).select_option("3")
    level.get_by_label("Dato*", exact=True).fill("2000-01-01")
    level.get_by_label("Hvorfor*", exact=True).fill("Vi har nu en fælles indsats.")
    level.get_by_role("button", name="Registrér niveauet").click()
    level = page.locator("form").filter(has_text="Registrér niveauet")
    expect(level.get_by_text("Datoen ligger før partnerskabet begyndte")).to_be_visible()
    expect(level.get_by_label("Hvorfor*", exact=True)).to_have_value("Vi har nu en fælles indsats.")
    assert axe_violations(page) == []
    level.get_by_label("Dato*", exact=True).fill("2026-11-25")
    level.get_by_role("button", name="Registrér niveauet").click()
    expect(page.get_by_text("Samarbejdsniveauet er registreret.")).to_be_visible()
    expect(
        page.get_by_text("Niveau 3: Kommune og helhedsplan udvikler fælles indsats").first
    ).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Lokale partnerskaber").first.click()
    row = page.get_by_role("row").filter(has_text="Nye veje i Køge Nord")
    expect(row).to_contain_text("Niveau 3")
    assert BoundaryEncounter.objects.filter(
        partnership=partnership, kind="visit", date="2026-11-20"
    ).exists()


def test_activity_pages_are_accessible_also_with_errors(page: Page, live_server, demo):
    log_in(page, live_server.url, "boligsocial", "demo")
    partnership = LocalPartnership.objects.get(name="Nye veje i Køge Nord")
    activity = partnership.activities.filter(descriptions__number=2).first()
    page.goto(f"{live_server.url}{activity.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text(activity.title)
    page.get_by_text("Hvad der ændrede sig fra 1 til 2").click()
    expect(page.locator(".diff-added").first).to_be_visible()
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/local/{partnership.pk}/activities/new/")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Dette felt er påkrævet.").first).to_be_visible()
    assert axe_violations(page) == []
