"""Handover mail is marked sent only when the mail server accepted it, refused mail is tried
again on the next run and reported, and each address gets one mail per run (issue 12, item 13);
a whole-team handover sent at once is one transaction (item 12)."""

import datetime
import logging
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from bridging import handovers
from bridging.models import FollowUp, Handover, HandoverParticipant

from .test_handovers import enrol_with_consent, fresh

pytestmark = pytest.mark.django_db


class RefusingBackend(EmailBackend):
    """A mail server that is down."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


REFUSING = "tests.bridging.test_mail_delivery.RefusingBackend"


def _due(cast, *members):
    HandoverParticipant.objects.filter(pk__in=[m.pk for m in members]).update(
        sent_at=timezone.now() - datetime.timedelta(days=15), notified_at=timezone.now()
    )


def test_a_refused_reminder_is_not_marked_and_is_sent_on_the_next_run(cast, settings, caplog):
    FollowUp.objects.all().delete()
    _due(cast, cast.member_a)
    settings.EMAIL_BACKEND = REFUSING
    with caplog.at_level(logging.ERROR), pytest.raises(CommandError, match="not accepted"):
        call_command("send_reminders")
    assert fresh(cast.member_a).reminded_at is None
    assert any("tried again" in record.getMessage() for record in caplog.records)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    call_command("send_reminders")
    assert [m.subject for m in mail.outbox] == ["Påmindelse: deltagere venter på jeres svar"]
    assert fresh(cast.member_a).reminded_at is not None


def test_a_refused_notification_is_retried_by_send_reminders(
    cast, settings, django_capture_on_commit_callbacks
):
    enrolment = enrol_with_consent(cast, cast.association_a)
    handover = handovers.handover_propose(
        course=cast.course_a, mode="individual", offer=cast.offer_a, enrolments=[enrolment],
        user=cast.coordinator_a,
    )  # fmt: skip
    settings.EMAIL_BACKEND = REFUSING
    with django_capture_on_commit_callbacks(execute=True):
        member = handovers.handover_send(member=handover.members.get())
    assert fresh(member).status == "sent"
    assert fresh(member).notified_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    call_command("send_reminders")
    assert any("Nye deltagere er på vej til jer" in m.subject + m.body for m in mail.outbox)
    assert fresh(member).notified_at is not None


def test_each_address_gets_one_mail_per_run_however_many_participants_wait(cast, mailoutbox):
    FollowUp.objects.all().delete()
    members = [cast.member_a]
    for _ in range(3):
        enrolment = enrol_with_consent(cast, cast.association_a)
        handover = handovers.handover_propose(
            course=cast.course_a, mode="individual", offer=cast.offer_a,
            enrolments=[enrolment], user=cast.coordinator_a, send_now=True,
        )  # fmt: skip
        members.append(handover.members.get())
    _due(cast, *members)
    mailoutbox.clear()
    call_command("send_reminders")
    recipients = [address for m in mailoutbox for address in m.to]
    assert sorted(recipients) == sorted(set(recipients))
    assert cast.staff_a.email in recipients
    assert all(fresh(m).reminded_at is not None for m in members)


def test_a_whole_team_sent_at_once_is_all_or_nothing(client, cast):
    """A failure while sending the third of four members leaves no handover behind."""
    enrolments = [enrol_with_consent(cast, cast.association_a) for _ in range(3)]
    before = (Handover.objects.count(), HandoverParticipant.objects.count())
    real_send, calls = handovers.handover_send, []

    def send_failing_on_the_third(*, member):
        calls.append(member)
        if len(calls) == 3:
            raise RuntimeError("worker killed")
        return real_send(member=member)

    client.force_login(cast.coordinator_a)
    client.raise_request_exception = False
    data = {
        "mode": "team",
        "offer": cast.offer_a.pk,
        "enrolments": [e.pk for e in [cast.enrolment_a, *enrolments]],
        "send_now": "on",
        "overlap_reason": "Hele holdet fortsætter sammen.",  # Alma is already on her way
    }
    with mock.patch.object(handovers, "handover_send", send_failing_on_the_third):
        response = client.post(reverse("bridging:handover_create", args=[cast.course_a.pk]), data)
    assert response.status_code == 500
    assert len(calls) == 3
    assert (Handover.objects.count(), HandoverParticipant.objects.count()) == before
    # Without the failure the whole team is proposed and sent in one go.
    response = client.post(reverse("bridging:handover_create", args=[cast.course_a.pk]), data)
    assert response.status_code == 302
    handover = Handover.objects.latest("pk")
    assert sorted(handover.members.values_list("status", flat=True)) == ["sent"] * 4
