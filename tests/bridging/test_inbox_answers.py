"""The receiving organisation answers: a card says who sent the participant and why, the first
session is proposed from the offer's schedule, and a group is accepted in one step."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bridging import handovers
from bridging.models import HandoverParticipant
from tests.factories import ConsentFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


def _group(cast, size, note="Glæder sig meget; kommer med bus."):
    enrolments = []
    for _ in range(size):
        enrolment = EnrolmentFactory(course=cast.course_a, participant__organisation=cast.project_a)
        ConsentFactory(participant=enrolment.participant, purpose="share_contact",
                       organisation=cast.association_a)  # fmt: skip
        enrolments.append(enrolment)
    handover = handovers.handover_propose(course=cast.course_a, mode="group", offer=cast.offer_a,
                                          enrolments=enrolments, user=cast.coordinator_a,
                                          note=note)  # fmt: skip
    for member in handover.members.all():
        handovers.handover_send(member=member)
    return handover


def accept_all(client, handover, **data):
    return client.post(
        reverse("bridging:handover_accept_group", args=[handover.pk]), data, follow=True
    )


def test_card_shows_who_sent_the_participant_and_the_coordinators_note(client, cast):
    cast.coordinator_a.first_name, cast.coordinator_a.last_name = "Karin", "Koordinator"
    cast.coordinator_a.save()
    _group(cast, 2)
    client.force_login(cast.staff_a)
    page = client.get(reverse("bridging:inbox")).content.decode()
    assert "Sendt af Karin Koordinator, Projekt A" in page
    assert "Glæder sig meget; kommer med bus." in page
    # The reason to decline is chosen from a list that says so (it read "---------").
    assert '<option value="">Vælg en begrundelse</option>' in page
    assert "---------" not in page
    client.force_login(cast.coordinator_a)
    page = client.get(cast.member_a.handover.get_absolute_url()).content.decode()
    assert '<option value="">Vælg en begrundelse</option>' in page


def test_first_session_is_prefilled_with_the_offers_next_meeting_day(client, cast):
    today = timezone.localdate()
    cast.offer_a.weekdays = [(today.weekday() + 2) % 7, (today.weekday() + 5) % 7]
    cast.offer_a.save()
    client.force_login(cast.staff_a)
    page = client.get(reverse("bridging:inbox")).content.decode()
    expected = today + datetime.timedelta(days=2)
    assert f'value="{expected:%Y-%m-%d}"' in page


def test_next_meeting_day_is_today_when_it_meets_today(cast):
    today = datetime.date(2026, 11, 25)  # a Wednesday
    cast.offer_a.weekdays = [2]
    assert handovers.next_session_on(cast.offer_a, today) == today
    cast.offer_a.weekdays = [0]
    assert handovers.next_session_on(cast.offer_a, today) == datetime.date(2026, 11, 30)


def test_a_group_is_accepted_in_one_step(
    client, cast, mailoutbox, django_capture_on_commit_callbacks
):
    cast.offer_a.free_places = 5
    cast.offer_a.save(update_fields=["free_places"])
    handover = _group(cast, 3)
    client.force_login(cast.staff_a)
    page = client.get(reverse("bridging:inbox")).content.decode()
    assert "Tag imod alle 3" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = accept_all(client, handover, first_session_on="2026-12-02", buddy="Frida")
    assert "3 er taget imod." in response.content.decode()
    members = HandoverParticipant.objects.filter(handover=handover)
    assert {(m.status, m.buddy, m.first_session_on) for m in members} == {
        ("accepted", "Frida", datetime.date(2026, 12, 2))
    }
    cast.offer_a.refresh_from_db()
    assert cast.offer_a.free_places == 2
    assert len(mailoutbox) == 1  # the coordinator is told once


def test_a_group_larger_than_the_free_places_is_refused_whole(client, cast):
    cast.offer_a.free_places = 2
    cast.offer_a.save(update_fields=["free_places"])
    handover = _group(cast, 3)
    client.force_login(cast.staff_a)
    response = accept_all(client, handover, first_session_on="2026-12-02", buddy="Frida")
    assert "Tilbuddet har 2 ledige pladser til 3 personer." in response.content.decode()
    assert set(handover.members.values_list("status", flat=True)) == {"sent"}
    cast.offer_a.refresh_from_db()
    assert cast.offer_a.free_places == 2


def test_accepting_a_group_without_a_contact_person_changes_nothing(client, cast):
    handover = _group(cast, 2)
    client.force_login(cast.staff_a)
    response = accept_all(client, handover, first_session_on="2026-12-02", buddy="")
    assert "Angiv datoen for første gang og en kontaktperson." in response.content.decode()
    assert set(handover.members.values_list("status", flat=True)) == {"sent"}


def test_only_people_still_waiting_are_accepted(client, cast):
    handover = _group(cast, 2)
    first = handover.members.order_by("pk").first()
    handovers.handover_decline(member=first, reason="full", note="", user=cast.staff_a)
    client.force_login(cast.staff_a)
    accept_all(client, handover, first_session_on="2026-12-02", buddy="Frida")
    assert dict(handover.members.values_list("pk", "status")) == {
        first.pk: "declined",
        handover.members.exclude(pk=first.pk).get().pk: "accepted",
    }


@pytest.mark.parametrize(("role", "status"), [("staff_b", 404), ("coordinator_a", 403)])
def test_only_the_receiving_organisation_accepts_a_group(client, cast, role, status):
    handover = _group(cast, 2)
    client.force_login(cast.user(role))
    response = client.post(
        reverse("bridging:handover_accept_group", args=[handover.pk]),
        {"first_session_on": "2026-12-02", "buddy": "Frida"},
    )
    assert response.status_code == status
    assert set(handover.members.values_list("status", flat=True)) == {"sent"}


# --- A refused answer keeps what was typed (QUALITY.md: bad input) -----------------------------


def _answer(client, member, action, **data):
    return client.post(
        reverse("bridging:handover_transition", args=[member.pk, action]), data, follow=True
    )


def test_a_refused_acceptance_keeps_the_date_and_marks_the_missing_contact(client, cast):
    member = cast.member_a
    client.force_login(cast.staff_a)
    response = _answer(client, member, "accept", first_session_on="2026-12-09", buddy=" ")
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("bridging:inbox")
    assert "Angiv datoen for første gang og en kontaktperson." in page
    assert f'id="first-{member.pk}" value="2026-12-09"' in page
    assert (
        'class="form-control is-invalid" aria-invalid="true" aria-describedby="answer-error"'
        f' type="text" name="buddy" id="buddy-{member.pk}"'
    ) in page
    assert page.count('id="answer-error"') == 1
    assert HandoverParticipant.objects.get(pk=member.pk).status == "sent"
    # Shown once: the next visit proposes the offer's next meeting day again, empty contact.
    again = client.get(reverse("bridging:inbox")).content.decode()
    assert "2026-12-09" not in again
    assert "answer-error" not in again


def test_a_refused_acceptance_says_what_is_wrong_with_the_date_and_keeps_the_contact(client, cast):
    member = cast.member_a
    client.force_login(cast.staff_a)
    page = _answer(
        client, member, "accept", first_session_on="2026-02-30", buddy='Frida "<b>F</b>"'
    ).content.decode()
    assert "Første gang: Indtast en gyldig dato." in page
    assert f'id="buddy-{member.pk}" value="Frida &quot;&lt;b&gt;F&lt;/b&gt;&quot;"' in page
    assert f'id="first-{member.pk}" value="2026-02-30"' in page
    assert "<b>F</b>" not in page
    assert HandoverParticipant.objects.get(pk=member.pk).status == "sent"


def test_a_refused_decline_keeps_the_reason_and_the_note(client, cast):
    member = cast.member_a
    client.force_login(cast.staff_a)
    page = _answer(client, member, "decline", reason="other", note="  ").content.decode()
    assert "Skriv kort hvorfor, når årsagen er »andet«." in page
    assert '<option value="other" selected>' in page
    assert (
        f'aria-describedby="answer-error" type="text" name="note" id="decline-note-{member.pk}"'
        in page
    )
    page = _answer(client, member, "decline", reason="full", note="x" * 301).content.decode()
    assert "Om grunden: Denne værdi må højst have 300 tegn (den har 301)." in page
    assert '<option value="full" selected>' in page
    assert f'value="{"x" * 301}"' in page
    assert HandoverParticipant.objects.get(pk=member.pk).status == "sent"


def test_a_refused_group_acceptance_keeps_what_was_typed_in_the_groups_form(client, cast):
    cast.offer_a.free_places = 1
    cast.offer_a.save(update_fields=["free_places"])
    handover = _group(cast, 2)
    client.force_login(cast.staff_a)
    page = accept_all(
        client, handover, first_session_on="2026-12-16", buddy="Frida"
    ).content.decode()
    assert "Tilbuddet har 1 ledige pladser til 2 personer." in page
    assert f'id="first-group-{handover.pk}" value="2026-12-16"' in page
    assert f'id="buddy-group-{handover.pk}" value="Frida"' in page
    # Only the group's form shows it, not the form of the person waiting alone.
    assert f'id="buddy-{cast.member_a.pk}" value=""' in page
    assert set(handover.members.values_list("status", flat=True)) == {"sent"}


def test_an_answer_on_the_second_page_returns_to_the_second_page(client, cast):
    from bridging.views.handovers import INBOX_GROUPS_PER_PAGE
    from tests.bridging.test_handovers import hand_over_one_more

    for _ in range(INBOX_GROUPS_PER_PAGE):  # the cast's own is the oldest: on page 2
        hand_over_one_more(cast, send=True)
    client.force_login(cast.staff_a)
    second = client.get(reverse("bridging:inbox"), {"page": 2}).content.decode()
    url = reverse("bridging:handover_transition", args=[cast.member_a.pk, "accept"])
    assert f'action="{url}?page=2"' in second
    response = client.post(f"{url}?page=2", {"first_session_on": "2026-12-09"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("bridging:inbox") + "?page=2"
    assert f'id="first-{cast.member_a.pk}" value="2026-12-09"' in response.content.decode()


def test_a_refused_start_keeps_the_date_typed(client, cast):
    member = handovers.handover_accept(
        member=cast.member_a, first_session_on=timezone.localdate(), buddy="F", user=cast.staff_a
    )
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    client.force_login(cast.staff_a)
    page = _answer(client, member, "start", started_on=future).content.decode()
    assert "Startdatoen kan ikke ligge i fremtiden." in page
    assert f'id="started-{member.pk}" value="{future}"' in page
    assert 'aria-describedby="answer-error"' in page
    assert HandoverParticipant.objects.get(pk=member.pk).status == "accepted"


def test_a_refused_follow_up_keeps_the_answer_chosen(client, cast):
    from bridging.models import FollowUp

    follow_up = cast.follow_up_a
    HandoverParticipant.objects.filter(pk=cast.member_a.pk).update(
        status="started", started_on=datetime.date(2026, 8, 1)
    )
    client.force_login(cast.staff_a)
    page = client.post(
        reverse("bridging:follow_up_answer", args=[follow_up.pk]),
        {"answer": "stopped", "stop_reason": " "},
        follow=True,
    ).content.decode()
    assert "Skriv hvorfor deltageren er stoppet." in page
    assert f'id="fu-{follow_up.pk}-stopped" required checked' in page
    assert 'is-invalid" aria-invalid="true" type="text" name="stop_reason"' in page
    assert FollowUp.objects.get(pk=follow_up.pk).answer == ""


def test_a_refused_decline_on_the_handover_page_keeps_the_reason(client, cast):
    client.force_login(cast.coordinator_a)
    page = _answer(client, cast.member_a, "decline", reason="other", note="").content.decode()
    assert '<option value="other" selected>' in page
    assert 'id="answer-error"' in page
    assert HandoverParticipant.objects.get(pk=cast.member_a.pk).status == "sent"
