"""The bridge in the browser: a coordinator hands the whole team over to an offer that continues
the course, the association accepts in its inbox and answers a follow-up, and the funnel shows
it. Every page is checked with axe-core."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from bridging import handovers
from bridging.funnel import funnel
from bridging.models import Course, Enrolment, FollowUp, Handover, HandoverParticipant
from tests.browser.helpers import axe_violations, log_in, new_context

pytestmark = pytest.mark.browser


def test_whole_team_handover_accepted_followed_up_and_counted(page: Page, live_server, demo):
    course = Course.objects.get(status=Course.Status.RUNNING)
    programme_enrolments = Enrolment.objects.filter(course__programme=course.programme)
    before = funnel(programme_enrolments)
    # The course is still running: the team is counted beside the funnel, not in it.
    aside_before = {line["key"]: line["count"] for line in before["aside"]}
    not_completed_before = aside_before["handed_over_not_completed"]
    log_in(page, live_server.url, "koordinator", "demo")
    page.goto(f"{live_server.url}{course.get_absolute_url()}")
    page.get_by_role("link", name="Send videre til et fast tilbud").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Send deltagere fra {course.name} videre til et fast tilbud"
    )
    assert axe_violations(page) == []

    # An existing offer is found by search, told apart by organisation, time and fee.
    page.get_by_label("Tilbud", exact=True).fill("vesterbro")
    expect(page.get_by_text("forslag til »vesterbro«")).to_be_visible()
    page.locator("input[name=offer][type=radio]").first.check()
    page.get_by_role("button", name="Vis", exact=True).click()
    expect(page.locator("#offer-heading")).to_contain_text("Vesterbro Seniorgymnastik")
    assert axe_violations(page) == []

    # The receiving organisation is found by search too (there can be hundreds).
    page.get_by_label("Aftager*", exact=True).fill("vesterbro senior")
    expect(page.get_by_text("forslag til »vesterbro senior«")).to_be_visible()
    page.get_by_role("radio", name="Vesterbro Seniorgymnastik", exact=True).check()
    page.get_by_label("Aktivitet*", exact=True).select_option(label="Gymnastik")
    page.get_by_role("button", name="Lav tilbuddet").click()
    expect(page.get_by_text(f"Tilbuddet {course.name} (fortsætter) er oprettet")).to_be_visible()
    expect(page.get_by_text("Kan ikke komme med").first).to_be_visible()  # who lacks consent
    for box in page.locator("input[name=enrolments]:not([disabled])").all():
        box.check()
    # Some of the team are already on their way elsewhere: one bridge at a time, unless the
    # coordinator says why.
    expect(page.get_by_text("På vej").first).to_be_visible()
    page.get_by_role("button", name="Send videre til et fast tilbud", exact=True).click()
    reason = page.get_by_label("Hvorfor sende videre, når deltageren allerede er på vej")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Allerede i en åben udslusning:")).to_be_visible()
    assert axe_violations(page) == []
    reason.fill("Hele holdet fortsætter sammen; de tre må vælge.")
    page.get_by_role("button", name="Send videre til et fast tilbud", exact=True).click()
    expect(page.get_by_text("Udslusningen er oprettet.")).to_be_visible()
    assert axe_violations(page) == []
    handover = Handover.objects.filter(mode="team", course=course).get()
    team = list(handover.members.all())
    assert team and {m.status for m in team} == {"sent"}

    association = new_context(page.context.browser)
    staff = association.new_page()
    log_in(staff, live_server.url, "forening", "demo")
    staff.get_by_role("link", name="Indbakke").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(
        "Indbakke for Vesterbro Seniorgymnastik"
    )
    assert axe_violations(staff) == []
    card = (
        staff.locator("article")
        .filter(has_text=handover.offer.name)
        .filter(has_text=str(team[0].participant))
    )
    expect(card.get_by_text("Sendt af")).to_be_visible()  # who sent them
    card.get_by_label("Kontaktperson eller makker").fill("Frida Forening")
    staff.wait_for_load_state("load")
    with staff.expect_request(
        lambda r: r.url.endswith("/accept/") and r.headers.get("hx-request") == "true"
    ):
        card.get_by_role("button", name=f"Tag imod alle {len(team)}").click()
    expect(staff.get_by_text(f"{len(team)} er taget imod.")).to_be_visible()
    follow_up = FollowUp.objects.filter(answer="", member__handover__receiver__name=
                                        "Vesterbro Seniorgymnastik").first()  # fmt: skip
    form = staff.locator("form").filter(has_text="stadig aktiv?").first
    form.get_by_label("Aktiv", exact=True).check()
    form.get_by_role("button", name="Svar").click()
    expect(staff.get_by_text("Opfølgningen er besvaret.")).to_be_visible()
    association.close()
    assert set(HandoverParticipant.objects.filter(handover=handover).values_list(
        "status", flat=True)) == {"accepted"}  # fmt: skip
    follow_up.refresh_from_db()
    assert follow_up.answer == "active"

    page.goto(f"{live_server.url}/programmes/{course.programme_id}/funnel/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Over broen")
    aside = page.get_by_role("row").filter(has=page.get_by_role(
        "rowheader", name="Udsluset uden at have gennemført holdet", exact=True))  # fmt: skip
    handed_over = {  # once per enrolment: some of the team were already on their way
        m.enrolment_id
        for m in HandoverParticipant.objects.filter(handover__course=course).exclude(
            status="proposed"
        )
    }
    assert len(handed_over) > not_completed_before
    expect(aside.get_by_role("cell").first).to_have_text(str(len(handed_over)))
    assert axe_violations(page) == []
    # The funnel of the one course: found by searching the programme's courses.
    page.get_by_label("Hold", exact=True).fill(course.name)
    expect(page.get_by_text(f"forslag til »{course.name}«")).to_be_visible()
    page.get_by_role("radio", name=course.name, exact=True).check()
    page.get_by_role("button", name="Vis", exact=True).click()
    expect(page.get_by_role("link", name="Vis alle hold")).to_be_visible()
    expect(aside.get_by_role("cell").first).to_have_text(str(len(handed_over)))
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}{handover.get_absolute_url()}")
    expect(page.get_by_text("Accepteret").first).to_be_visible()
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/handovers/")
    assert axe_violations(page) == []


def test_coordinator_completes_a_course_and_undoes_it(page: Page, live_server, demo):
    course = Course.objects.get(status=Course.Status.PLANNED)  # no handover sent from it
    on_team = set(course.enrolments.filter(status="enrolled").values_list("pk", flat=True))
    waiting = course.enrolments.filter(status="waitlisted").count()
    log_in(page, live_server.url, "koordinator", "demo")
    page.goto(f"{live_server.url}{course.get_absolute_url()}")
    page.get_by_role("button", name="Markér holdet som gennemført").click()
    expect(page.get_by_text(f"{len(on_team)} deltagere gennemførte det")).to_be_visible()
    expect(page.locator("th .badge", has_text="Gennemført")).to_have_count(len(on_team))
    assert axe_violations(page) == []
    assert set(course.enrolments.filter(status="completed").values_list("pk", flat=True)) == (
        on_team
    )
    assert course.enrolments.filter(status="waitlisted").count() == waiting
    page.locator("summary", has_text="Fortryd gennemførelsen").click()
    expect(page.get_by_text("går tilbage på holdet")).to_be_visible()
    page.get_by_role("button", name="Ja, fortryd gennemførelsen").click()
    expect(page.get_by_text("Gennemførelsen er fortrudt")).to_be_visible()
    expect(page.get_by_role("button", name="Markér holdet som gennemført")).to_be_visible()
    assert not course.enrolments.filter(status="completed").exists()


def test_association_confirms_a_start_with_a_date_and_follow_ups_fall_due_from_it(
    page: Page, live_server, demo
):
    member = HandoverParticipant.objects.filter(status="sent", handover__offer__isnull=False)[0]
    offer = member.handover.offer
    accepted_on = timezone.localdate() - datetime.timedelta(days=15)
    first_session = handovers.next_session_on(offer, accepted_on)  # what the inbox proposes
    staff = get_user_model().objects.get(username="forening")
    handovers.handover_accept(member=member, first_session_on=first_session, buddy="F", user=staff)
    HandoverParticipant.objects.filter(pk=member.pk).update(  # accepted 15 days ago
        answered_at=timezone.now() - datetime.timedelta(days=15)
    )
    log_in(page, live_server.url, "forening", "demo")
    page.goto(f"{live_server.url}/inbox/")
    date_field = page.locator(f"#started-{member.pk}")
    expect(date_field).to_have_value(first_session.isoformat())
    started = first_session + datetime.timedelta(days=1)
    date_field.fill(started.isoformat())
    page.get_by_role("button", name="Bekræft at deltageren er startet").first.click()
    expect(page.get_by_text(f"{member.participant} er startet.")).to_be_visible()
    assert axe_violations(page) == []
    member.refresh_from_db()
    assert (member.status, member.started_on) == ("started", started)

    page.context.clear_cookies()
    log_in(page, live_server.url, "koordinator", "demo")
    page.goto(f"{live_server.url}{member.handover.get_absolute_url()}")
    card = page.locator(f"#member-{member.pk}")
    with translation.override("da"):
        for months in (3, 6, 12):
            due = date_format(handovers.add_months(started, months), "SHORT_DATE_FORMAT")
            expect(card.get_by_text(f"Efter {months} måneder: kan besvares fra")).to_contain_text(
                f"senest {due}"
            )
    assert axe_violations(page) == []


def test_a_refused_answer_in_the_inbox_keeps_what_was_typed(page: Page, live_server, demo):
    """The association accepts the waiting group without a contact person: the answer is
    refused in Danish at the form, the date typed is still there, and nothing is saved."""
    handover = Handover.objects.filter(mode="group", members__status="sent").distinct().get()
    log_in(page, live_server.url, "forening", "demo")
    page.goto(f"{live_server.url}/inbox/")
    date_field = page.locator(f"#first-group-{handover.pk}")
    typed = (timezone.localdate() + datetime.timedelta(days=9)).isoformat()
    date_field.fill(typed)
    page.get_by_role("button", name="Tag imod alle 3").click()
    expect(page.locator("#answer-error")).to_have_text(
        "Angiv datoen for første gang og en kontaktperson."
    )
    expect(date_field).to_have_value(typed)
    buddy = page.locator(f"#buddy-group-{handover.pk}")
    expect(buddy).to_have_attribute("aria-invalid", "true")
    assert axe_violations(page) == []  # the form shown with its error
    assert set(handover.members.values_list("status", flat=True)) == {"sent"}
    buddy.fill("Frida")
    page.get_by_role("button", name="Tag imod alle 3").click()
    expect(page.get_by_text("3 er taget imod.")).to_be_visible()
    assert set(handover.members.values_list("first_session_on", "status")) == {
        (datetime.date.fromisoformat(typed), "accepted")
    }
