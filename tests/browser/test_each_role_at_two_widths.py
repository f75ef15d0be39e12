"""Each role's main task through the real pages, on a 390 px phone and a 1280 px desktop, with
axe-core on every page met and no sideways scrolling: the coordinator works the queue and
enrols, the instructor completes a session's attendance, the association accepts a group."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from bridging.models import (
    Attendance,
    Course,
    Enrolment,
    HandoverParticipant,
    Programme,
    Session,
)
from participants.models import Participant
from tests.browser.helpers import axe_violations, log_in

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def _missing_attendance():
    """The demo's past session of a running course with some of its roster unmarked: the
    session, how many on its roster are marked, and how many are on it."""
    session = Session.objects.filter(
        course__status="running", date__lt=timezone.localdate(), status="planned"
    ).get()
    roster = session.course.enrolments.on_roster()
    marked = Attendance.objects.filter(session=session, enrolment__in=roster).count()
    return session, marked, roster.count()


def _checked(page: Page, width: int):
    """The page is free of WCAG 2.1 A/AA violations and does not scroll sideways."""
    page.mouse.move(0, 0)  # hover nothing
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _every_column_in_view(page: Page, width: int):
    """No column of the page's tables is out of sight to the right (in a box that scrolls
    sideways): on a phone a list's rows become blocks with every value named."""
    cut = page.evaluate(
        "(width) => [...document.querySelectorAll('main td, main th')]"
        ".filter(c => c.getBoundingClientRect().right > width + 1).map(c => c.textContent)",
        width,
    )
    assert cut == []


@pytest.mark.parametrize("size", SIZES)
def test_coordinator_works_the_queue_and_enrols(page: Page, live_server, demo, size):
    page.set_viewport_size(SIZES[size])
    width = SIZES[size]["width"]
    log_in(page, live_server.url, "koordinator", "demo")
    expect(page.get_by_role("heading", level=1)).to_have_text("Overblik for Seniorer i bevægelse")
    _checked(page, width)
    queue = page.get_by_role("region", name=re.compile("Træningsgange uden fuldt fremmøde"))
    session, marked, roster = _missing_attendance()
    expect(queue.get_by_text(f"{marked} af {roster} markeret")).to_be_visible()
    queue.get_by_role("link", name="Tag fremmøde").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hold 2: Vesterbro, onsdag formiddag")
    expect(page.get_by_text(f"{roster - marked} uden markering")).to_be_visible()
    page.go_back()
    programmes = Programme.objects.filter(organisation__name="Seniorer i bevægelse").count()
    assert programmes > 1
    expect(page.get_by_role("link", name=re.compile("tragten"))).to_have_count(programmes)
    page.goto(f"{live_server.url}/overview/handovers/")  # a whole queue
    expect(page.get_by_text("Følg op på udslusningen").first).to_be_visible()
    _checked(page, width)

    # From a participant's page: a second running course needs a tick.
    running = Course.objects.get(status=Course.Status.RUNNING)
    planned = Course.objects.get(status=Course.Status.PLANNED)
    enrolment = (
        Enrolment.objects.filter(course=running, status="enrolled")
        .exclude(participant__enrolments__course=planned)
        .select_related("participant")
        .first()
    )
    page.goto(f"{live_server.url}{enrolment.participant.get_absolute_url()}")
    assert axe_violations(page) == []
    page.get_by_role("heading", name=re.compile(r"^Hold \d+$")).click()  # opens the section
    page.get_by_role("link", name="Tilmeld hold").click()
    page.get_by_label("Hold*", exact=True).select_option(value=str(planned.pk))
    page.get_by_role("button", name="Tilmeld").click()
    expect(page.get_by_text(f"går allerede på {running.name}")).to_be_visible()
    _checked(page, width)  # the form with its error
    page.get_by_label("Ja, tilmeld også til dette hold").check()
    page.get_by_role("button", name="Tilmeld").click()
    expect(page.get_by_text("Holdet er fuldt; deltageren er på ventelisten.")).to_be_visible()
    assert Enrolment.objects.get(participant=enrolment.participant, course=planned).status == (
        "waitlisted"
    )

    # From the course page: search, never a list of everyone.
    newcomer = (
        Participant.objects.filter(
            organisation=running.programme.organisation,
            anonymised_at__isnull=True,
            withdrawn_on__isnull=True,
        )
        .exclude(enrolments__course__in=[running, planned])
        .first()
    )
    page.goto(f"{live_server.url}{planned.get_absolute_url()}")
    with page.expect_response(lambda r: "/enrol/participants/" in r.url):
        page.get_by_label("Deltager").fill(newcomer.last_name + " " + newcomer.first_name)
    page.get_by_role("radio", name=re.compile(str(newcomer))).check()
    _checked(page, width)
    page.get_by_role("button", name="Tilmeld", exact=True).click()
    expect(page.get_by_text("Holdet er fuldt; deltageren er på ventelisten.")).to_be_visible()
    assert Enrolment.objects.filter(participant=newcomer, course=planned).exists()


@pytest.mark.parametrize("size", SIZES)
def test_instructor_completes_the_missing_attendance(page: Page, live_server, demo, size):
    page.set_viewport_size(SIZES[size])
    width = SIZES[size]["width"]
    log_in(page, live_server.url, "instruktor", "demo")
    missing = page.get_by_role("region", name="Mangler fremmøde")
    session, marked, roster = _missing_attendance()
    assert roster - marked >= 2  # one tapped absent, the rest marked present at once
    expect(missing.get_by_text(f"{marked} af {roster} markeret")).to_be_visible()
    courses = page.get_by_role("region", name="Mine hold").get_by_role("listitem")
    expect(courses.first).to_contain_text("I gang")
    expect(courses.last).to_contain_text("Gennemført")  # finished courses after running ones
    _checked(page, width)
    missing.get_by_role("link").first.click()
    bar = page.locator("#mark-rest")
    expect(bar).to_contain_text(f"{roster - marked} uden markering")
    expect(bar).to_be_in_viewport()  # at the bottom of the screen, before scrolling
    _checked(page, width)
    unmarked = page.locator(".attendance-row").filter(has_not=page.locator(".btn.active")).first
    with page.expect_response(lambda r: r.url.endswith("/attendance/")):
        unmarked.get_by_role("button", name="Fraværende").click()
    expect(bar).to_contain_text(f"{roster - marked - 1} uden markering")  # follows each tap
    bar.get_by_role("button", name="Markér resten som til stede").click()
    expect(page.locator("#mark-rest")).to_contain_text(f"✓ {roster}/{roster}")
    marks = Attendance.objects.filter(session=session)
    assert marks.count() == roster and marks.filter(status="absent").count() == 1
    page.goto(f"{live_server.url}/my-courses/")
    expect(page.get_by_role("region", name="Mangler fremmøde")).to_have_count(0)
    # Those drifting away, to call: who, and when they last came, in sight on a phone too.
    page.get_by_role("link", name=re.compile("har været fraværende flere gange i træk")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("I risiko for at falde fra")
    _every_column_in_view(page, width)
    _checked(page, width)
    page.goto(f"{live_server.url}/courses/{session.course_id}/attendance-sheet/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fremmødeliste")
    assert axe_violations(page) == []


@pytest.mark.parametrize("size", SIZES)
def test_association_lands_on_the_inbox_and_accepts_a_group(page: Page, live_server, demo, size):
    page.set_viewport_size(SIZES[size])
    width = SIZES[size]["width"]
    log_in(page, live_server.url, "forening", "demo")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Indbakke for Vesterbro Seniorgymnastik"
    )
    if size == "phone":
        page.get_by_role("button", name="Vis menu").click()
    expect(page.get_by_role("link", name="Indbakke 3 venter på jeres svar")).to_be_visible()
    _checked(page, width)
    card = page.locator("article").filter(has_text="3 personer fra")
    expect(card).to_contain_text("Sendt af Karin Koordinator, Seniorer i bevægelse")
    expect(card).to_contain_text("De tre vil gerne starte sammen.")
    first_session = card.get_by_label("Første gang").input_value()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", first_session)  # the offer's next session
    card.get_by_label("Kontaktperson eller makker").fill("Frida Forening")
    card.get_by_role("button", name="Tag imod alle 3").click()
    expect(page.get_by_text("3 er taget imod.")).to_be_visible()
    _checked(page, width)
    accepted = HandoverParticipant.objects.filter(
        status="accepted", handover__course__status="running"
    )
    assert accepted.count() == 3
    assert {str(m.first_session_on) for m in accepted} == {first_session}
    expect(page.get_by_role("link", name="Indbakke", exact=True)).to_have_count(1)
    # Their agreements, with the state of each in sight on a phone too.
    page.goto(f"{live_server.url}/agreements/")
    _every_column_in_view(page, width)
    expect(page.get_by_role("cell", name="I kraft")).to_be_in_viewport()
    _checked(page, width)
