"""The coordinator follows an overview count to the list it stands for, and records that a
participant left the programme, then that they are back: the status follows on the list and the
participant page."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from participants.models import Participant
from tests.browser.helpers import axe_violations, log_in

pytestmark = pytest.mark.browser


def test_coordinator_follows_a_count_and_records_that_a_participant_left(
    page: Page, live_server, demo
):
    log_in(page, live_server.url, "koordinator", "demo")
    participants = page.get_by_role("region", name="Deltagere")
    count_link = participants.get_by_role("link", name="På et hold")
    in_course = int(
        re.search(r"På et hold\s+(\d+)", participants.inner_text()).group(1)  # its card's count
    )
    count_link.click()
    expect(page).to_have_url(re.compile(r"status=in_course"))
    assert page.locator("tbody tr").count() == in_course
    assert axe_violations(page) == []

    page.locator("tbody tr a").first.click()
    name = page.get_by_role("heading", level=1).inner_text()
    expect(page.locator(".participant-status")).to_have_text("På et hold")
    page.get_by_role("link", name="Meld ud af forløbet").click()
    page.get_by_role("button", name="Registrér udmeldelsen").click()  # no reason given
    expect(page.get_by_text("Dette felt er påkrævet.")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Årsag til udmeldelsen").fill("Flyttet til Jylland")
    page.get_by_role("button", name="Registrér udmeldelsen").click()

    expect(page.get_by_text("Det er registreret, at deltageren er udmeldt")).to_be_visible()
    expect(page.locator(".participant-status")).to_have_text("Udmeldt")
    expect(page.get_by_text("Flyttet til Jylland").first).to_be_visible()
    assert axe_violations(page) == []
    participant = Participant.objects.with_status().get(
        first_name=name.split()[0], last_name=name.split(maxsplit=1)[1]
    )
    assert participant.status == Participant.Status.WITHDRAWN
    assert not participant.enrolments.filter(status="enrolled").exists()

    page.goto(live_server.url + "/")  # the coordinator's start page: the overview
    expect(participants).to_contain_text(re.compile(rf"På et hold\s+{in_course - 1}\b"))

    # A mistake, or they came back: recorded back from their page, confirmed, status follows.
    page.goto(live_server.url + participant.get_absolute_url())
    page.get_by_role("link", name="Tilbage i forløbet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{name} er tilbage i forløbet")
    assert axe_violations(page) == []
    expect(page.get_by_label("Tilbage i forløbet den")).to_have_value(
        timezone.localdate().isoformat()
    )
    page.get_by_role("button", name="Registrér at deltageren er tilbage").click()
    expect(
        page.get_by_text("Det er registreret, at deltageren er tilbage i forløbet.")
    ).to_be_visible()
    expect(page.locator(".participant-status")).not_to_have_text("Udmeldt")
    # The timeline still tells that they left, and why, and that they came back.
    page.get_by_role("heading", name="Tidslinje").click()
    timeline = page.locator("details", has=page.get_by_role("heading", name="Tidslinje"))
    expect(timeline).to_contain_text("Flyttet til Jylland")
    expect(timeline).to_contain_text("Tilbage i forløbet")
    expect(page.get_by_role("link", name="Meld ud af forløbet")).to_be_visible()
