"""An instructor takes attendance on a phone in the sports hall, with and without JavaScript;
the coordinator's course pages are checked with axe-core."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from bridging.models import Attendance, Course, Session
from tests.browser.helpers import axe_violations, log_in, new_context

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def _running_session():
    """The running demo course's latest session that has been held, its marks cleared
    (attendance is taken only for sessions that have begun)."""
    course = Course.objects.get(status=Course.Status.RUNNING)
    session = Session.objects.filter(course=course, date__lt=timezone.localdate()).last()
    Attendance.objects.filter(session=session).delete()
    return session


def _row(page, name):
    return page.locator(".attendance-row").filter(has_text=name)


def _take_attendance(page: Page, base_url: str):
    session = _running_session()
    roster = session.course.enrolments.on_roster().select_related("participant")
    first, second = [str(e.participant) for e in roster.order_by("participant__first_name")[:2]]
    page.goto(f"{base_url}{session.get_absolute_url()}")
    with page.expect_response(lambda response: "/attendance/" in response.url):
        _row(page, first).get_by_role("button", name="Til stede").click()
    with page.expect_response(lambda response: "/attendance/" in response.url):
        _row(page, second).get_by_role("button", name="Fraværende").click()
    expect(_row(page, first).get_by_role("button", name="Til stede")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(_row(page, second).get_by_role("button", name="Fraværende")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.reload()
    expect(_row(page, first).get_by_role("button", name="Til stede")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(_row(page, second).get_by_role("button", name="Fraværende")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    marks = dict(
        Attendance.objects.filter(session=session).values_list(
            "enrolment__participant__first_name", "status"
        )
    )
    assert marks == {first.split()[0]: "present", second.split()[0]: "absent"}
    return session


def test_instructor_marks_attendance_by_tapping_on_a_phone(page: Page, live_server, demo):
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "instruktor", "demo")
    requests = []
    page.on("request", lambda r: requests.append(r) if r.method == "POST" else None)
    session = _take_attendance(page, live_server.url)
    # Marking was done in place by htmx: no full page loads, one small request per tap.
    assert [r.headers.get("hx-request") for r in requests] == ["true", "true"]
    assert axe_violations(page) == []
    page.get_by_role("button", name="Markér resten").click()
    expect(page.get_by_text("markeret til stede.")).to_be_visible()
    on_roster = session.course.enrolments.on_roster().count()
    assert Attendance.objects.filter(session=session).count() == on_roster


def test_instructor_marks_attendance_without_javascript(browser: Browser, live_server, demo):
    context = new_context(browser, java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server.url, "instruktor", "demo")
    _take_attendance(page, live_server.url)
    context.close()


def test_instructor_logs_the_session_and_sees_the_start_page(page: Page, live_server, demo):
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "instruktor", "demo")
    expect(page.get_by_role("heading", name="Mine hold", exact=True)).to_be_visible()
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}{_running_session().get_absolute_url()}")
    page.get_by_label("Hvad vi lavede").fill("Stolegymnastik og gåtur")
    page.get_by_label("Udslusning var et tema").check()
    page.get_by_role("button", name="Gem loggen").click()
    expect(page.get_by_text("Loggen for træningsgangen er gemt.")).to_be_visible()
    assert axe_violations(page) == []


def test_coordinator_course_pages_are_accessible(page: Page, live_server, demo):
    log_in(page, live_server.url, "koordinator", "demo")
    page.get_by_role("link", name="Forløb", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forløb")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Seniorer i bevægelse 2026").click()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Hold 2: Vesterbro, onsdag formiddag").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hold 2: Vesterbro, onsdag formiddag")
    # The summary on top, the team open below it, the sessions a closed section opened by key.
    expect(page.locator("details.page-section[open] #roster-heading")).to_be_visible()
    add_session = page.get_by_role("link", name="Tilføj en træningsgang")
    expect(add_session).to_be_hidden()
    page.locator("#sessions-heading").locator("xpath=..").focus()
    page.keyboard.press("Enter")
    expect(add_session).to_be_visible()
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/dropout-warnings/")
    expect(page.get_by_role("heading", level=1)).to_have_text("I risiko for at falde fra")
    assert page.get_by_role("row").count() >= 2
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/calendar/")
    page.get_by_role("button", name="Lav en kalenderadresse").click()
    expect(page.get_by_label("Din kalenderadresse")).to_have_value(
        re.compile(r"/calendar/.+\.ics$")
    )
    assert axe_violations(page) == []
    page.reload()  # shown once: only a hash of the secret is kept
    expect(page.get_by_text("Din kalenderadresse virker")).to_be_visible()
    expect(page.get_by_label("Din kalenderadresse")).to_have_count(0)


def test_course_form_with_errors_is_accessible(page: Page, live_server, demo):
    log_in(page, live_server.url, "koordinator", "demo")
    course = Course.objects.get(status=Course.Status.RUNNING)
    page.goto(f"{live_server.url}/programmes/{course.programme_id}/courses/new/")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Dette felt er påkrævet.").first).to_be_visible()
    assert axe_violations(page) == []
