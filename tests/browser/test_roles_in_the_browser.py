"""Each demo role logs in through the real login page in Chromium, in Danish, and every page
it meets is free of WCAG 2.1 A/AA violations according to axe-core. In English, the instructor
takes attendance and the association answers its inbox by keyboard alone on a 320 px phone."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from bridging.models import Attendance, Course, Programme, Session
from participants.models import Participant
from partnerships.models import Offer, Organisation
from tests.browser.helpers import axe_violations, log_in, new_context

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


# Danish words and letters that an English page's interface must not show (the demo's own
# names of people, courses, offers and organisations are taken out first: they are data).
DANISH = re.compile(
    r"[æøå]|\b(og|ikke|til|af|på|med|som|er|har|eller|ingen|alle|fra|efter|hold|uden|"
    r"deltager\w*|fremmøde|gem|tilbage|søg|vis|ny|nyt|uge|dage?|kl)\b",
    re.IGNORECASE,
)
INTERFACE = (
    "button:not([lang]), label, legend, th, caption, summary, h1, h2, h3, .badge, nav a, "
    "[role=status], .form-text, .invalid-feedback, title"
)


def _danish_left(page: Page, data: list[str]) -> list[str]:
    """The interface texts of the page (hidden ones too) that are still Danish."""
    texts = page.eval_on_selector_all(INTERFACE, "els => els.map(e => e.textContent.trim())")
    texts += page.eval_on_selector_all(
        "[aria-label], [placeholder], [data-label]",
        "els => els.flatMap(e => ['aria-label', 'placeholder', 'data-label']"
        ".map(a => e.getAttribute(a)).filter(Boolean))",
    )
    left = []
    for text in texts:
        for name in data:
            text = text.replace(name, "")
        if DANISH.search(text):
            left.append(text)
    return left


def _demo_names() -> list[str]:
    names = [str(p) for p in Participant.objects.all()]
    for model in (Course, Programme, Offer, Organisation):
        names += model.objects.values_list("name", flat=True)
    return sorted(set(names), key=len, reverse=True)  # the longest first


def _focus_ring(page: Page) -> str:
    """How the focused element shows its focus: an outline of at least 2 px, or nothing."""
    return page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 ? 'outline' : ''; }"
    )


def test_instructor_and_association_work_in_english_by_keyboard_on_a_320_px_phone(
    browser, live_server, demo
):
    data = _demo_names()
    session = Session.objects.filter(
        course__status="running", date__lt=timezone.localdate(), status="planned"
    ).get()
    roster = session.course.enrolments.on_roster()
    marked = Attendance.objects.filter(session=session, enrolment__in=roster).count()
    roster = roster.count()

    context = new_context(browser, viewport={"width": 320, "height": 568}, locale="da-DK")
    page = context.new_page()
    log_in(page, live_server.url, "instruktor", "demo")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My courses and sessions")
    # A day as English writes it ("Friday 27 November, 10:00"), not "Friday 27. November".
    day = re.compile(r"(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day \d{1,2} [A-Z][a-z]+, \d\d:\d\d")
    expect(page.get_by_text(day).first).to_be_visible()
    assert _danish_left(page, data) == []
    page.goto(f"{live_server.url}{session.get_absolute_url()}")
    assert _danish_left(page, data) == []
    bar = page.locator("#mark-rest")
    expect(bar).to_contain_text(f"{roster - marked} without a mark")

    # By keyboard: the skip link, then the roster's buttons, each with its focus in sight.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    unmarked = page.locator(".attendance-row").filter(has_not=page.locator(".btn.active"))
    absent = unmarked.first.get_by_role("button", name="Absent")
    for _ in range(3 * roster):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        assert focused in ("Present", "Absent", "Excused")
        assert _focus_ring(page) == "outline", focused
        box = page.evaluate("document.activeElement.getBoundingClientRect().bottom")
        assert box <= bar.bounding_box()["y"] + 1  # not hidden under the bar at the bottom
        if absent.evaluate("b => b === document.activeElement"):
            break
    with page.expect_response(lambda r: r.url.endswith("/attendance/")):
        page.keyboard.press("Enter")
    expect(bar).to_contain_text(f"{roster - marked - 1} without a mark")
    mark_rest = bar.get_by_role("button", name="Mark the rest present")
    mark_rest.focus()
    assert _focus_ring(page) == "outline"
    page.keyboard.press("Enter")
    expect(page.locator("#mark-rest")).to_contain_text(f"✓ {roster}/{roster} attendance taken")
    assert Attendance.objects.filter(session=session).count() == roster
    assert axe_violations(page) == []
    context.close()

    # The association's inbox in English: the person's wishes with the days as English
    # writes them, and every field and button reached by Tab with its focus in sight.
    context = new_context(browser, viewport={"width": 320, "height": 568}, locale="da-DK")
    page = context.new_page()
    log_in(page, live_server.url, "forening", "demo")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbox for Vesterbro Seniorgymnastik")
    assert _danish_left(page, data) == []
    wishes = page.locator("article").filter(has_text="3 people from").inner_text()
    assert re.search(r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)", wishes)
    assert not re.search(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)", wishes)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # skip to the content
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        name = page.evaluate(
            "() => { const e = document.activeElement; return e.closest('main') ?"
            " (e.labels && e.labels[0] ? e.labels[0].textContent : e.textContent).trim() : ''; }"
        )
        if not name:
            break  # out of the content, into the footer
        reached.append(name)
        tag = page.evaluate("document.activeElement.tagName")
        if tag != "A":  # a text link shows the outline; fields and buttons their own ring
            ring = page.evaluate(
                "() => { const s = getComputedStyle(document.activeElement);"
                " return s.outlineStyle !== 'none' || s.boxShadow !== 'none'; }"
            )
            assert ring, name
    assert "Accept all 3" in reached
    assert any(name.startswith("Reason for declining") for name in reached)
    assert axe_violations(page) == []
    context.close()


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
    expect(page.get_by_role("rowheader", name="Ivan Instruktør")).to_be_visible()
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
