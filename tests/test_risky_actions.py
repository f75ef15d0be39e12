"""Risky actions (withdraw a consent, withdraw someone from the team, cancel a session, anonymise,
end an agreement, turn off or renew the calendar address, undo a course's completion, stop the
instructors' access) sit apart, behind a first button that opens a box with the real one; a
rejected form comes back as a confirmation page with what was typed and the error at its field.
Those that ask nothing else post `confirm` from the box (common.forms.ConfirmForm): a post
without it changes nothing and comes back as the confirmation page."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _disclosure_holds_the_form(page: str, action: str) -> bool:
    """The form posting to `action` sits inside a <details class="risky-action">."""
    for block in re.findall(r'<details class="risky-action[^"]*">(.*?)</details>', page, re.S):
        if f'action="{action}"' in block:
            return True
    return False


def test_withdrawing_a_consent_takes_two_steps_on_the_participant_page(client, cast):
    client.force_login(cast.coordinator_a)
    page = client.get(cast.participant_a.get_absolute_url()).content.decode()
    url = reverse("participants:consent_withdraw", args=[cast.participant_a.pk, cast.consent_a.pk])
    assert _disclosure_holds_the_form(page, url)
    assert "Træk samtykket tilbage…" in page


def test_a_rejected_consent_withdrawal_is_a_confirmation_page_with_the_date_kept(client, cast):
    client.force_login(cast.coordinator_a)
    url = reverse("participants:consent_withdraw", args=[cast.participant_a.pk, cast.consent_a.pk])
    response = client.post(url, {"withdrawn_on": "2025-12-01"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="2025-12-01"' in page
    assert re.search(
        r'id="error_1_id_withdrawn_on"[^>]*>\s*<strong>Et samtykke kan ikke trækkes tilbage, '
        r"før det er givet.</strong>",
        page,
    )
    assert "Annullér, gå tilbage" in page
    cast.consent_a.refresh_from_db()
    assert cast.consent_a.withdrawn_on is None


def test_withdrawing_from_the_team_takes_two_steps(client, cast):
    client.force_login(cast.coordinator_a)
    page = client.get(cast.course_a.get_absolute_url()).content.decode()
    url = reverse("bridging:enrolment_withdraw", args=[cast.course_a.pk, cast.enrolment_a.pk])
    assert _disclosure_holds_the_form(page, url)
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "Angiv en grund til udmeldelsen." in response.content.decode()
    cast.enrolment_a.refresh_from_db()
    assert cast.enrolment_a.status == "enrolled"


def test_cancelling_a_session_takes_two_steps(client, cast):
    client.force_login(cast.instructor_a)
    page = client.get(cast.session_a.get_absolute_url()).content.decode()
    url = reverse("bridging:session_cancel", args=[cast.session_a.pk])
    assert _disclosure_holds_the_form(page, url)
    response = client.post(url, {"reason": "x" * 201})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="' + "x" * 201 + '"' in page
    assert "Aflys træningsgangen den" in page
    cast.session_a.refresh_from_db()
    assert cast.session_a.status == "planned"


def test_anonymising_is_apart_from_the_exports_and_confirmed_on_its_own_page(client, cast):
    client.force_login(cast.coordinator_a)
    page = client.get(cast.participant_a.get_absolute_url()).content.decode()
    box = re.search(r'<div class="risky-action-box">(.*?)</div>', page, re.S).group(1)
    assert reverse("participants:participant_anonymise", args=[cast.participant_a.pk]) in box
    assert "participant_export" not in box and "export" not in box


def test_ending_an_agreement_takes_two_steps(client, cast):
    from partnerships import services
    from partnerships.models import Membership

    agreement = cast.agreement_a
    services.agreement_send(agreement=agreement)
    for user in (cast.coordinator_a, cast.staff_a):
        services.agreement_sign(agreement=agreement, membership=Membership.objects.get(user=user))
    client.force_login(cast.coordinator_a)
    page = client.get(agreement.get_absolute_url()).content.decode()
    url = reverse("partnerships:agreement_transition", args=[agreement.pk, "end"])
    assert _disclosure_holds_the_form(page, url)
    assert "Bring aftalen til ophør…" in page and "Ja, bring aftalen til ophør" in page

    response = client.post(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Sæt kryds for at bekræfte." in page and "kan ikke sættes i kraft igen" in page
    agreement.refresh_from_db()
    assert agreement.status == "signed"

    assert client.post(url, {"confirm": "on"}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == "ended"


def test_turning_the_calendar_address_off_takes_two_steps(client, cast):
    from bridging.models import CalendarFeed

    CalendarFeed.objects.issue(user=cast.instructor_a)
    client.force_login(cast.instructor_a)
    page = client.get(reverse("bridging:calendar_settings")).content.decode()
    blocks = re.findall(r'<details class="risky-action">(.*?)</details>', page, re.S)
    assert any('value="revoke"' in block for block in blocks)
    assert "Sluk for adressen…" in page

    url = reverse("bridging:calendar_settings")
    response = client.post(url, {"action": "revoke"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Sæt kryds for at bekræfte." in page and "Annullér, gå tilbage" in page
    assert CalendarFeed.objects.filter(user=cast.instructor_a).exists()

    assert client.post(url, {"action": "revoke", "confirm": "on"}).status_code == 302
    assert not CalendarFeed.objects.filter(user=cast.instructor_a).exists()


def test_making_a_new_calendar_address_takes_two_steps(client, cast):
    from bridging.models import CalendarFeed

    old = CalendarFeed.objects.get(user=cast.instructor_a)
    url = reverse("bridging:calendar_settings")
    client.force_login(cast.instructor_a)
    page = client.get(url).content.decode()
    blocks = re.findall(r'<details class="risky-action[^"]*">(.*?)</details>', page, re.S)
    assert any('value="renew"' in block for block in blocks)
    assert "kalendere, der abonnerer på den, bliver ikke længere opdateret" in page
    assert "Lav en ny adresse…" in page

    response = client.post(url, {"action": "renew"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Sæt kryds for at bekræfte." in page
    assert "bliver ikke længere opdateret" in page and "Annullér, gå tilbage" in page
    assert CalendarFeed.objects.get(user=cast.instructor_a).pk == old.pk

    response = client.post(url, {"action": "renew", "confirm": "on"})
    assert response.status_code == 302
    assert not CalendarFeed.objects.filter(pk=old.pk).exists()
    assert CalendarFeed.objects.filter(user=cast.instructor_a).exists()


def test_undoing_a_completion_takes_two_steps(client, cast):
    from bridging import services
    from bridging.models import Course
    from tests.factories import CourseFactory, EnrolmentFactory

    course = CourseFactory(programme=cast.programme_a, name="Hold C", status="running")
    enrolment = EnrolmentFactory(course=course, participant__organisation=cast.project_a)
    services.course_complete(course=course)
    url = reverse("bridging:course_complete_undo", args=[course.pk])
    client.force_login(cast.coordinator_a)
    page = client.get(course.get_absolute_url()).content.decode()
    assert _disclosure_holds_the_form(page, url)
    assert "Fortryd gennemførelsen…" in page and "går tilbage på holdet som tilmeldt" in page

    response = client.post(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Sæt kryds for at bekræfte." in page and "går tilbage på holdet" in page
    course.refresh_from_db()
    enrolment.refresh_from_db()
    assert course.status == Course.Status.COMPLETED
    assert enrolment.status == "completed"

    assert client.post(url, {"confirm": "on"}).status_code == 302
    course.refresh_from_db()
    enrolment.refresh_from_db()
    assert course.status == Course.Status.RUNNING
    assert enrolment.status == "enrolled"


def test_stopping_the_instructors_access_takes_two_steps(client, cast):
    url = reverse("participants:instructor_access")
    client.force_login(cast.coordinator_a)
    page = client.get(reverse("participants:participant_list")).content.decode()
    assert _disclosure_holds_the_form(page, url)
    assert "Fjern instruktørernes adgang…" in page
    assert f"Alle instruktører i {cast.project_a} mister adgangen til deltagerne" in page

    response = client.post(url, {"allow": "0"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Sæt kryds for at bekræfte." in page and "mister adgangen" in page
    cast.project_a.refresh_from_db()
    assert cast.project_a.instructors_see_participants is True

    assert client.post(url, {"allow": "0", "confirm": "on"}).status_code == 302
    cast.project_a.refresh_from_db()
    assert cast.project_a.instructors_see_participants is False
    # Giving the access back is not risky: one click.
    assert client.post(url, {"allow": "1"}).status_code == 302
    cast.project_a.refresh_from_db()
    assert cast.project_a.instructors_see_participants is True
