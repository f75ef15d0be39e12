"""A coordinator registers a participant with consent and finds them again; every participant
page is checked with axe-core, forms with their errors too."""

import pytest
from playwright.sync_api import Page, expect

from participants.models import Consent, Participant
from tests.browser.helpers import axe_violations, log_in

pytestmark = pytest.mark.browser


def test_coordinator_registers_a_participant_with_consent_and_finds_them(
    page: Page, live_server, demo
):
    log_in(page, live_server.url, "koordinator", "demo")
    page.get_by_role("link", name="Deltagere", exact=True).first.click()
    page.get_by_role("link", name="Registrér en deltager").click()

    # First a mistake: the form answers in Danish and keeps what was typed.
    page.get_by_label("Fornavn*", exact=True).fill("Solveig")
    page.get_by_label("Efternavn*", exact=True).fill("Dahl")
    page.get_by_label("Telefon").fill("1234")
    page.get_by_label("Fødselsår*", exact=True).fill("1951")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Indtast et dansk telefonnummer på otte cifre")).to_be_visible()
    expect(page.get_by_label("Fornavn*", exact=True)).to_have_value("Solveig")
    assert axe_violations(page) == []

    page.get_by_label("Telefon").fill("22 33 44 55")
    page.get_by_label("Dans").check()
    page.get_by_label("Tirsdag").check()
    page.get_by_label("Fysisk formåen og helbredshensyn").fill("Dårlig ryg.")
    page.get_by_role("button", name="Gem").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Registrér samtykke for Solveig Dahl")
    assert axe_violations(page) == []
    # The paper form: a box per purpose, receiving organisations found by search.
    page.get_by_role("button", name="Registrér samtykke").click()  # nothing ticked
    expect(page.get_by_text("Sæt mindst ét kryds")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Registrering i forløbet").check()
    page.get_by_label("Opfølgende kontakt efter forløbet").check()
    page.get_by_label("Del navn og kontaktoplysninger med").fill("vesterbro senior")
    page.get_by_label("Vesterbro Seniorgymnastik (København)").check()
    page.get_by_label("Hvordan*", exact=True).select_option("paper")
    page.get_by_role("button", name="Registrér samtykke").click()

    expect(page.get_by_text("3 samtykker er registreret.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Solveig Dahl")
    page.get_by_role("heading", name="Fysisk formåen og helbred").click()  # a folded section
    expect(page.get_by_text("Dårlig ryg.")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Deltagere", exact=True).first.click()
    page.get_by_label("Navn").fill("solveig")
    page.get_by_role("button", name="Søg").click()
    expect(page.get_by_role("link", name="Solveig Dahl")).to_be_visible()
    assert page.get_by_role("row").count() == 2  # header and Solveig
    assert axe_violations(page) == []

    participant = Participant.objects.get(first_name="Solveig")
    assert participant.phone == "22 33 44 55"
    assert sorted(
        Consent.objects.filter(participant=participant).values_list("purpose", "organisation__name")
    ) == [
        ("follow_up", None),
        ("registration", None),
        ("share_contact", "Vesterbro Seniorgymnastik"),
    ]


def test_export_and_anonymise_pages_are_accessible(page: Page, live_server, demo):
    participant = Participant.objects.filter(organisation__name="Seniorer i bevægelse").first()
    log_in(page, live_server.url, "koordinator", "demo")
    page.goto(f"{live_server.url}{participant.get_absolute_url()}")
    rights = page.get_by_role("heading", name="Deltagerens rettigheder")
    rights.click()  # the section is folded away until wanted
    page.get_by_role("link", name="Alt, hvad vi har registreret, som side til udskrift").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Oplysninger om {participant}")
    assert axe_violations(page) == []

    page.goto(f"{live_server.url}{participant.get_absolute_url()}")
    rights.click()
    page.get_by_role("link", name="Anonymisér (slet personoplysninger)").click()
    page.get_by_role("button", name="Anonymisér for altid").click()
    expect(page.get_by_text("Sæt kryds for at bekræfte.")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Jeg forstår, at det ikke kan fortrydes.").check()
    page.get_by_label("Skriv deltagerens fulde navn for at bekræfte").fill(str(participant))
    page.get_by_role("button", name="Anonymisér for altid").click()
    expect(page.get_by_text("Deltageren er anonymiseret.")).to_be_visible()
    participant.refresh_from_db()
    assert participant.is_anonymised


def test_instructor_reads_a_participant_on_a_phone(page: Page, live_server, demo):
    page.set_viewport_size({"width": 360, "height": 740})
    participant = Participant.objects.filter(organisation__name="Seniorer i bevægelse").first()
    log_in(page, live_server.url, "instruktor", "demo")
    page.goto(f"{live_server.url}{participant.get_absolute_url()}")
    # The summary on top with the one primary action; the rest folded under its headings.
    summary = page.get_by_role("region", name="Overblik")
    expect(summary.get_by_text("Fremmøde")).to_be_visible()
    expect(page.locator("main .btn-primary")).to_have_count(1)
    expect(summary.locator(".btn-primary")).to_be_visible()
    expect(page.get_by_role("heading", name="Fysisk formåen og helbred")).to_be_visible()
    expect(page.get_by_role("heading", name="Adgangslog")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollHeight") < 2_600  # was 4,600
    health = page.locator(".health-notes")
    expect(health).to_be_hidden()
    # Opened by keyboard, without a script of ours.
    page.locator("summary").filter(has_text="Fysisk formåen og helbred").focus()
    page.keyboard.press("Enter")
    expect(health).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(page) == []
