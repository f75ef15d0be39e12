"""Shared steps for the real-browser tests."""

from pathlib import Path

from playwright.sync_api import Page

AXE_SOURCE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Every browser context asks for reduced motion, as a user may: Bootstrap then scrolls and
# fades at once. With its smooth scrolling an element Playwright scrolled to kept moving on a
# loaded machine ("element is not stable"), and axe judged buttons halfway through a fade.
STILL = {"reduced_motion": "reduce"}
# How long a step waits for the page (ms) before the test fails: every page is served from this
# machine, so a second is plenty when it is quiet; under heavy load (other test runs beside CI)
# a page took over 5 s, and a test that failed then was the machine's fault, not the page's.
TIMEOUT = 15_000


def new_context(browser, **options):
    """A new browser context (another user, a phone, no JavaScript) that asks for reduced
    motion like the `page` fixture's (conftest.browser_context_args) and waits as long."""
    context = browser.new_context(**STILL, **options)
    context.set_default_timeout(TIMEOUT)
    return context


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core in the page and return its WCAG 2.1 A/AA violations (empty when clean).

    The script is evaluated through the DevTools protocol, so the page's strict CSP stays on.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE.read_text())
    violations = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' '))}))",
        WCAG_TAGS,
    )
    return violations


def log_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
