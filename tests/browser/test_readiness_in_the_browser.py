"""An instructor assesses a participant midway on a phone; a participant answers their own
questionnaire through the link; the readiness pages are checked with axe-core."""

import re

import pytest
from playwright.sync_api import Page, expect

from bridging.models import Assessment, Course, Enrolment
from tests.browser.helpers import axe_violations, log_in, new_context

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
STEPS = ["Endnu ikke", "Delvist", "For det meste", "Helt"]


def _running_enrolment():
    return (
        Enrolment.objects.filter(course__status=Course.Status.RUNNING, status="enrolled")
        .select_related("participant")
        .order_by("pk")
        .first()
    )


def test_instructor_records_a_midway_assessment_on_a_phone(page: Page, live_server, demo):
    enrolment = _running_enrolment()
    first_name = enrolment.participant.first_name
    before = Assessment.objects.filter(enrolment=enrolment).count()
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "instruktor", "demo")
    page.goto(f"{live_server.url}{enrolment.participant.get_absolute_url()}")
    page.get_by_role("link", name="Ny vurdering").first.click()  # the page's primary action
    expect(page.get_by_role("heading", name="Hvad fremmer udslusningsparathed")).to_be_visible()
    # On the form the indicators are about the participant by first name; the guide keeps
    # the wording of the material ("Hun ...").
    groups = page.locator("fieldset.indicator")
    expect(groups.first.locator("legend")).to_have_text(
        f"{first_name} ved hvilke tilbud der er i nærområdet"
    )
    expect(page.get_by_text("Hun ved hvilke tilbud der er i nærområdet")).to_be_visible()
    # Four large segmented buttons across the phone; the notes are folded away.
    first = groups.first
    buttons = [first.locator("label.btn").nth(i).bounding_box() for i in range(4)]
    assert all(box["height"] >= 44 for box in buttons)
    assert len({round(box["y"]) for box in buttons}) == 1  # one row
    note = first.get_by_label(re.compile("^Note om:"))
    expect(note).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_label("Hvornår").select_option("midway")
    first.get_by_text("Delvist", exact=True).click()
    first.get_by_text("Tilføj en note").click()
    note.fill("Kender kun foreningen i hallen")
    page.get_by_role("button", name="Gem vurderingen").click()  # seven still not chosen
    expect(page.get_by_text("Vælg et af de fire trin.").first).to_be_visible()
    groups = page.locator("fieldset.indicator")
    expect(groups.first.get_by_label("Delvist", exact=True)).to_be_checked()
    expect(groups.first.get_by_label(re.compile("^Note om:"))).to_have_value(
        "Kender kun foreningen i hallen"
    )
    assert axe_violations(page) == []
    assert Assessment.objects.filter(enrolment=enrolment).count() == before

    for number, group in enumerate(groups.all()):
        group.get_by_text(STEPS[(number % 2) + 2], exact=True).click()
    page.get_by_label("Samlet note").fill("Godt på vej, mangler at kende tilbuddene.")
    page.get_by_role("button", name="Gem vurderingen").click()
    expect(page.get_by_text("Vurderingen er gemt.")).to_be_visible()
    assert Assessment.objects.filter(enrolment=enrolment).count() == before + 1
    latest = Assessment.objects.filter(enrolment=enrolment, source="staff").last()
    assert (latest.kind, latest.knows_offers, latest.knows_purpose) == ("midway", 3, 4)
    assert latest.indicator_notes == {"knows_offers": "Kender kun foreningen i hallen"}

    chart = page.locator("svg.radar-chart").first
    expect(chart).to_have_attribute("role", "img")
    title_id = chart.get_attribute("aria-labelledby")
    expect(page.locator(f"#{title_id}")).to_have_text(
        f"Udslusningsparathed for {enrolment.participant} på de fire dimensioner"
    )
    table = page.get_by_role("table", name="Dimensionernes score fra 1 (endnu ikke) til 4 (helt)")
    expect(table.first.get_by_role("rowheader", name="Vision")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(page) == []


def test_participant_answers_a_questionnaire_through_the_link(page: Page, live_server, demo):
    enrolment = _running_enrolment()
    log_in(page, live_server.url, "instruktor", "demo")
    page.goto(f"{live_server.url}{enrolment.participant.get_absolute_url()}")
    page.get_by_label("Spørgeskema til deltageren").first.select_option("end")
    page.get_by_role("button", name="Lav et link").first.click()
    link = page.get_by_label("Deltagerens link").input_value()
    assert "/q/" in link

    # The participant's own phone, the narrowest in use: a fresh browser context, not logged in.
    phone = new_context(page.context.browser, viewport={"width": 320, "height": 568})
    participant_page = phone.new_page()
    participant_page.goto(link)
    expect(participant_page.get_by_role("heading", level=1)).to_have_text("Hvor langt er du nået?")
    expect(
        participant_page.get_by_text("Jeg ved hvilke tilbud der er i nærområdet")
    ).to_be_visible()
    assert axe_violations(participant_page) == []
    # Each answer is a button for a thumb, 44 x 44 CSS px at least, the steps side by side in
    # sight: the eight indicators' four steps and the three answers about the team.
    groups = participant_page.locator("fieldset")
    expect(groups).to_have_count(9)
    for group in groups.all():
        answers = [answer.bounding_box() for answer in group.locator("label").all()]
        assert len(answers) in (3, 4)
        assert all(box["width"] >= 44 and box["height"] >= 44 for box in answers), answers
        assert len({round(box["y"]) for box in answers}) == 1  # one row
        assert max(box["x"] + box["width"] for box in answers) <= 320
    for group in groups.all()[:8]:
        group.get_by_text("For det meste", exact=True).click()  # a tap on the button
        expect(group.get_by_label("For det meste", exact=True)).to_be_checked()
    participant_page.get_by_label("Hvad kunne du tænke dig at lave efter holdet?").fill(
        "Gå til gymnastik med de andre"
    )
    groups.last.get_by_text("Ja", exact=True).click()
    participant_page.get_by_role("button", name="Send mine svar").click()
    expect(participant_page.get_by_role("heading", level=1)).to_have_text("Tak for dine svar")
    assert axe_violations(participant_page) == []

    participant_page.goto(link)
    expect(participant_page.get_by_text("Dette spørgeskema er allerede besvaret.")).to_be_visible()
    phone.close()
    own = Assessment.objects.filter(enrolment=enrolment, source="self", kind="end").get()
    assert own.wishes_after == "Gå til gymnastik med de andre"
    assert (own.knows_offers, own.continue_with_team) == (3, "yes")

    # On the instructor's own device: told first, signed out, the login page after the answer.
    page.goto(f"{live_server.url}{enrolment.participant.get_absolute_url()}")
    page.get_by_label("Spørgeskema til deltageren").first.select_option("follow_up")
    page.get_by_role("button", name="Lav et link").first.click()
    expect(page.get_by_text("bliver du logget ud først")).to_be_visible()
    page.get_by_role("button", name="Log ud og åbn det på denne enhed").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hvor langt er du nået?")
    for group in page.locator("fieldset").all()[:8]:
        group.get_by_text("Helt", exact=True).click()
    page.locator("fieldset").last.get_by_text("Ja", exact=True).click()
    page.get_by_role("button", name="Send mine svar").click()
    expect(page.get_by_text("Tak for dine svar. Giv enheden tilbage")).to_be_visible()
    expect(page.get_by_label("Brugernavn")).to_be_visible()
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}{enrolment.participant.get_absolute_url()}")
    expect(page.get_by_label("Brugernavn")).to_be_visible()  # signed out: the login page


def test_course_overview_is_accessible_and_sortable(page: Page, live_server, demo):
    course = Course.objects.get(status=Course.Status.RUNNING)
    log_in(page, live_server.url, "instruktor", "demo")
    page.goto(f"{live_server.url}{course.get_absolute_url()}")
    page.get_by_role("link", name="Holdets udslusningsparathed").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Udslusningsparathed: {course.name}")
    page.get_by_role("link", name="Engagement").click()
    expect(page.get_by_role("columnheader", name="Engagement")).to_have_attribute(
        "aria-sort", "ascending"
    )
    assert axe_violations(page) == []
