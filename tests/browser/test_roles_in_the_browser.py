"""Each demo role logs in through the real login page in Chromium, in Danish, and every page
it meets is free of WCAG 2.1 A/AA violations according to axe-core."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import axe_violations, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def csp_errors(page: Page):
    """Console messages in which the browser reports a Content-Security-Policy violation."""
    errors = []
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return errors


def test_login_page_is_danish_and_accessible(page: Page, live_server, demo, csp_errors):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind")
    assert axe_violations(page) == []
    assert csp_errors == []


def test_wrong_password_shows_a_danish_error_that_is_accessible(page: Page, live_server, demo):
    log_in(page, live_server.url, "koordinator", "forkert")
    expect(page.get_by_text("Forkert brugernavn eller adgangskode")).to_be_visible()
    expect(page.get_by_label("Brugernavn")).to_have_value("koordinator")
    assert axe_violations(page) == []


@pytest.mark.parametrize(
    ("username", "heading"),
    [
        ("koordinator", "Overblik for Seniorer i bevægelse"),
        ("instruktor", "Mine hold og træningsgange"),
        ("forening", "Indbakke for Vesterbro Seniorgymnastik"),  # someone waits for an answer
    ],
)
def test_demo_role_logs_in_and_sees_its_start_page(
    page: Page, live_server, demo, csp_errors, username, heading
):
    log_in(page, live_server.url, username, "demo")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []
    assert csp_errors == []


def test_switching_to_english_and_back(page: Page, live_server, demo):
    log_in(page, live_server.url, "koordinator", "demo")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Overview for Seniorer i bevægelse")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Dansk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overblik for Seniorer i bevægelse")


def test_instructor_on_a_phone_320_px_wide_uses_the_menu_without_sideways_scrolling(
    page: Page, live_server, demo
):
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, live_server.url, "instruktor", "demo")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.get_by_role("button", name="Vis menu").click()
    page.get_by_role("link", name="Organisationer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisationer")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert axe_violations(page) == []


def test_the_first_tab_reaches_the_skip_link_which_moves_focus_to_the_content(
    page: Page, live_server, demo
):
    log_in(page, live_server.url, "koordinator", "demo")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Spring til indhold")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_coordinator_reaches_directory_and_members_pages_accessibly(page: Page, live_server, demo):
    log_in(page, live_server.url, "koordinator", "demo")
    page.get_by_role("link", name="Se hvem der arbejder her").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Hvem arbejder i Seniorer i bevægelse"
    )
    expect(page.get_by_role("cell", name="Ivan Instruktør")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Organisationer").click()
    page.get_by_label("Type").select_option("association")
    page.get_by_role("button", name="Søg").click()
    expect(page.get_by_role("link", name="Køge Gang og Motion")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Køge Gang og Motion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Køge Gang og Motion")
    assert axe_violations(page) == []


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/accounts/password_change/", "Skift adgangskode"),
        ("/accounts/password_reset/", "Nulstil adgangskode"),
        ("/accounts/password_reset/done/", "Tjek din e-mail"),
        ("/accounts/reset/MQ/wrong-token/", "Vælg en ny adgangskode"),
        ("/my-courses/", "Ingen adgang"),
        ("/findes-ikke/", "Siden blev ikke fundet"),
    ],
)
def test_account_and_error_pages_are_accessible(page: Page, live_server, demo, path, heading):
    log_in(page, live_server.url, "koordinator", "demo")
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert axe_violations(page) == []


def test_password_change_with_errors_is_accessible_and_keeps_the_user_signed_in(
    page: Page, live_server, demo
):
    log_in(page, live_server.url, "koordinator", "demo")
    page.goto(f"{live_server.url}/accounts/password_change/")
    page.get_by_label("Gammel adgangskode").fill("demo")
    page.get_by_label("Ny adgangskode*", exact=True).fill("kort")
    page.get_by_label("Bekræftelse af ny adgangskode").fill("kort")
    page.get_by_role("button", name="Skift adgangskode").click()
    expect(page.get_by_text("Denne adgangskode er for kort")).to_be_visible()
    assert axe_violations(page) == []


def test_lockout_page_is_danish_and_accessible(page: Page, live_server, demo, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(page, live_server.url, "forening", "forkert")
    log_in(page, live_server.url, "forening", "demo")
    expect(page.get_by_role("heading", level=1)).to_have_text("For mange mislykkede loginforsøg")
    assert axe_violations(page) == []
