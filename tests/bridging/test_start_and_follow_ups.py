"""Starting at the offer on a real date, follow-ups that fall due from it, the decline note and
the whole-team offer on the agreement's terms."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bridging import handovers
from bridging.models import FollowUp, HandoverParticipant
from partnerships.models import PartnershipAgreement
from tests.factories import ActivityTypeFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def step(client, member, action, **data):
    url = reverse("bridging:handover_transition", args=[member.pk, action])
    return client.post(url, data, follow=True).content.decode()


def accepted(cast, days_ago=10):
    handovers.handover_accept(member=cast.member_a, first_session_on=TODAY(), buddy="Frida",
                              user=cast.staff_a)  # fmt: skip
    answered = timezone.now() - datetime.timedelta(days=days_ago)
    HandoverParticipant.objects.filter(pk=cast.member_a.pk).update(answered_at=answered)
    return HandoverParticipant.objects.get(pk=cast.member_a.pk)


def test_staff_confirm_the_start_with_the_date_of_the_first_session(client, cast):
    cast.follow_up_a.delete()
    member = accepted(cast)
    client.force_login(cast.staff_a)
    page = client.get(reverse("bridging:inbox")).content.decode()
    assert f'value="{TODAY():%Y-%m-%d}"' in page  # the agreed first session, proposed
    started = TODAY() - datetime.timedelta(days=7)
    step(client, member, "start", started_on=started.isoformat())
    member.refresh_from_db()
    assert (member.status, member.started_on) == ("started", started)
    due = dict(FollowUp.objects.filter(member=member).values_list("months", "due_on"))
    assert due[3] == handovers.add_months(started, 3)


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (1, "Startdatoen kan ikke ligge i fremtiden."),
        (-30, "Startdatoen kan ikke ligge før"),
    ],
)
def test_a_start_date_in_the_future_or_before_the_acceptance_is_refused(
    client, cast, days, message
):
    member = accepted(cast, days_ago=10)
    client.force_login(cast.staff_a)
    day = TODAY() + datetime.timedelta(days=days)
    page = step(client, member, "start", started_on=day.isoformat())
    assert message in page
    member.refresh_from_db()
    assert (member.status, member.started_on) == ("accepted", None)
    assert not FollowUp.objects.filter(member=member).exclude(pk=cast.follow_up_a.pk).exists()


def started(cast, days_ago):
    cast.follow_up_a.delete()
    member = accepted(cast, days_ago=days_ago + 1)
    handovers.handover_start(member=member, started_on=TODAY() - datetime.timedelta(days_ago))
    return member


def test_a_follow_up_opens_a_few_weeks_before_it_falls_due_and_is_answered_once(client, cast):
    member = started(cast, days_ago=60)  # the 3-month follow-up is due in about a month
    three = FollowUp.objects.get(member=member, months=3)
    client.force_login(cast.staff_a)
    url = reverse("bridging:follow_up_answer", args=[three.pk])
    page = client.post(url, {"answer": "active"}, follow=True).content.decode()
    assert "Opfølgningen kan besvares fra" in page
    three.refresh_from_db()
    assert three.answer == ""
    FollowUp.objects.filter(pk=three.pk).update(due_on=TODAY() + datetime.timedelta(days=20))
    client.post(url, {"answer": "active"})
    three.refresh_from_db()
    assert three.answer == "active"
    page = client.post(url, {"answer": "stopped", "stop_reason": "Flyttet"}, follow=True)
    assert "Denne opfølgning er allerede besvaret." in page.content.decode()
    three.refresh_from_db()
    assert three.answer == "active"


def test_the_coordinator_cannot_answer_the_12_month_follow_up_on_day_one(client, cast):
    member = started(cast, days_ago=0)
    twelve = FollowUp.objects.get(member=member, months=12)
    client.force_login(cast.coordinator_a)
    page = client.get(member.handover.get_absolute_url()).content.decode()
    assert "Efter 12 måneder: kan besvares fra" in page
    client.post(reverse("bridging:follow_up_answer", args=[twelve.pk]), {"answer": "active"})
    twelve.refresh_from_db()
    assert twelve.answer == ""


def test_stopped_needs_a_reason(client, cast):
    member = started(cast, days_ago=100)
    three = FollowUp.objects.get(member=member, months=3)
    client.force_login(cast.staff_a)
    url = reverse("bridging:follow_up_answer", args=[three.pk])
    page = client.post(url, {"answer": "stopped", "stop_reason": " "}, follow=True)
    assert "Skriv hvorfor deltageren er stoppet." in page.content.decode()
    three.refresh_from_db()
    assert three.answer == ""


def test_declining_with_other_needs_a_note_and_keeps_it(client, cast):
    client.force_login(cast.staff_a)
    page = step(client, cast.member_a, "decline", reason="other", note="")
    assert "Skriv kort hvorfor, når årsagen er »andet«." in page
    assert HandoverParticipant.objects.get(pk=cast.member_a.pk).status == "sent"
    step(client, cast.member_a, "decline", reason="other", note="Holdet flytter til aftenen")
    member = HandoverParticipant.objects.get(pk=cast.member_a.pk)
    assert (member.status, member.decline_note) == ("declined", "Holdet flytter til aftenen")


def test_the_whole_teams_offer_takes_the_fee_and_terms_of_the_agreement_in_force(cast):
    now = timezone.now()
    PartnershipAgreement.objects.filter(pk=cast.agreement_a.pk).update(
        status="active", adapted_fee=75, adapted_fee_months=6, payment_method="MobilePay",
        project_signed_by=cast.coordinator_a, project_signed_at=now,
        receiver_signed_by=cast.staff_a, receiver_signed_at=now,
    )  # fmt: skip
    offer = handovers.continuing_offer_create(
        course=cast.course_a, organisation=cast.association_a, activity_type=ActivityTypeFactory()
    )
    assert (offer.fee, offer.adapted_fee, offer.adapted_fee_months) == (75, 75, 6)
    assert "MobilePay" in offer.description
    without = handovers.continuing_offer_create(
        course=cast.course_a, organisation=cast.association_b, activity_type=ActivityTypeFactory()
    )
    assert without.fee == 0
