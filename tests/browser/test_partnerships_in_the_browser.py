"""Receiving organisations in the browser: staff keep their offers, a coordinator registers
interests at a fair on a phone and takes an agreement from draft to signed."""

import pytest
from playwright.sync_api import Page, expect

from bridging.models import Fair, FairInterest
from partnerships.models import Offer, PartnershipAgreement
from tests.browser.helpers import axe_violations, log_in, new_context

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def test_staff_update_the_free_places_of_their_offer(page: Page, live_server, demo):
    offer = Offer.objects.filter(organisation__name="Vesterbro Seniorgymnastik").order_by("name")[0]
    log_in(page, live_server.url, "forening", "demo")  # lands on the inbox: people wait
    page.get_by_role("link", name="Min organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vesterbro Seniorgymnastik")
    assert axe_violations(page) == []
    item = page.locator(".list-group-item").filter(has_text=offer.name)
    item.get_by_label("Pladser til nye medlemmer").fill("7")
    item.get_by_role("button", name="Opdatér").click()
    expect(
        page.get_by_text(f"Pladser til nye medlemmer på {offer.name} er opdateret.")
    ).to_be_visible()
    offer.refresh_from_db()
    assert offer.free_places == 7


def test_offer_form_with_errors_and_the_directory_are_accessible(page: Page, live_server, demo):
    log_in(page, live_server.url, "forening", "demo")  # lands on the inbox: people wait
    page.get_by_role("link", name="Min organisation").click()
    page.get_by_role("link", name="Nyt tilbud").click()
    page.get_by_label("Kontingent (kr.)").fill("-5")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Tallet kan ikke være negativt.")).to_be_visible()
    expect(page.get_by_text("Vælg mindst én ugedag.")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Tilbud", exact=True).click()
    page.get_by_label("Dag").select_option("1")
    page.get_by_label("Passer til nybegyndere i motion").check()
    page.get_by_role("button", name="Søg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tilbud")
    expect(page.locator(".list-group-item").first).to_be_visible()
    assert axe_violations(page) == []


def test_coordinator_registers_interests_at_a_fair_on_a_phone(page: Page, live_server, demo):
    fair = Fair.objects.get()
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "koordinator", "demo")
    page.goto(f"{live_server.url}{fair.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text(fair.name)
    assert axe_violations(page) == []
    participant = fair.programme.courses.get(status="planned").enrolments.first().participant
    page.get_by_label("Deltager*", exact=True).fill(participant.last_name)
    page.get_by_label(f"{participant}, født {participant.birth_year}").check()
    page.get_by_role("button", name="Registrér interesser").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(str(participant))
    page.wait_for_load_state("load")  # htmx is loaded and has wired up the forms
    first_row = page.locator(".attendance-row").first
    with page.expect_response(lambda response: "/interest/" in response.url):
        first_row.get_by_role("button", name="Vil prøve en gang").click()
    expect(first_row.get_by_role("button", name="Vil prøve en gang")).to_have_attribute(
        "aria-pressed", "true"
    )
    second_row = page.locator(".attendance-row").nth(1)
    with page.expect_response(lambda response: "/interest/" in response.url):
        second_row.get_by_role("button", name="Interesseret", exact=True).click()
    expect(second_row.get_by_role("button", name="Interesseret", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(page) == []
    levels = sorted(
        FairInterest.objects.filter(
            fair=fair, participant=participant, offer__isnull=False
        ).values_list("level", flat=True)
    )
    assert levels == ["interested", "trial"]


def test_coordinator_takes_an_agreement_from_draft_to_signed(page: Page, live_server, demo):
    log_in(page, live_server.url, "koordinator", "demo")
    page.get_by_role("link", name="Aftaler").click()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Ny aftale").click()
    page.get_by_label("Modtagende organisation*", exact=True).select_option(
        label="Vesterbro Seniorgymnastik"
    )
    page.get_by_label("Starter den").fill("2027-01-01")
    page.get_by_label("Slutter den").fill("2026-01-01")
    page.get_by_role("button", name="Gem udkast").click()
    expect(page.get_by_text("Aftalen kan ikke slutte, før den begynder.")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Slutter den").fill("2027-12-31")
    page.get_by_label("Kontaktperson hos aftageren").fill("Frida Forening")
    page.get_by_role("button", name="Gem udkast").click()
    expect(page.get_by_text("Aftaleudkastet er gemt.")).to_be_visible()
    page.get_by_role("button", name="Send til underskrift").click()
    page.get_by_role("button", name="Underskriv for min organisation").click()
    expect(page.get_by_text("Din underskrift er registreret.")).to_be_visible()
    assert axe_violations(page) == []
    agreement = PartnershipAgreement.objects.get(receiver_contact="Frida Forening",
                                                 status="sent")  # fmt: skip

    staff = new_context(page.context.browser)
    staff_page = staff.new_page()
    log_in(staff_page, live_server.url, "forening", "demo")
    staff_page.goto(f"{live_server.url}{agreement.get_absolute_url()}")
    staff_page.get_by_role("button", name="Underskriv for min organisation").click()
    expect(staff_page.get_by_text("Din underskrift er registreret.")).to_be_visible()
    expect(staff_page.get_by_text("Underskrevet · version 1")).to_be_visible()
    staff.close()
    agreement.refresh_from_db()
    assert agreement.status == "signed"


def test_readiness_checklist_and_matching_offers_are_accessible(page: Page, live_server, demo):
    log_in(page, live_server.url, "koordinator", "demo")
    page.goto(f"{live_server.url}/organisations/")
    page.get_by_role("link", name="Aftenskolen Valby").click()
    page.get_by_role(
        "link", name="Evner, vilje og forståelse: tjeklisten med denne organisation"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partnerskabsparathed")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Deltagere", exact=True).first.click()
    page.get_by_role("link").filter(has_text="Andersen").first.click()
    page.get_by_text("Ønsker for tiden efter").click()  # a folded section of the page
    page.get_by_role("link", name="Tilbud der passer").last.click()
    expect(page.locator("ol.list-group li").first).to_be_visible()
    assert axe_violations(page) == []


def test_the_printable_pages_are_accessible(page: Page, live_server, demo):
    agreement = PartnershipAgreement.objects.get(status="active")
    course = agreement.programmes.get().courses.get(status="running")
    log_in(page, live_server.url, "koordinator", "demo")
    page.goto(f"{live_server.url}/agreements/{agreement.pk}/print/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Samarbejdsaftale")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/courses/{course.pk}/offers/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("motionstilbud i København")
    assert page.locator("li").count() > 5
    assert axe_violations(page) == []
