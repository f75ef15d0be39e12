"""The explicit dates the services take for a record of the past (the demo's history): given,
they are kept; in the future or out of order, they are refused and nothing is saved; not given,
the services stamp "now" as the pages always did."""

import datetime

import pytest
from django.utils import timezone

from bridging import handovers, readiness
from bridging.forms import QuestionnaireForm
from bridging.models import INDICATORS
from bridging.services import JourneyError
from tests.factories import ConsentFactory


def _at(days_ago):
    return timezone.now() - datetime.timedelta(days=days_ago)


def _fresh_member(cast):
    member = handovers.handover_propose(course=cast.course_a, mode="individual",
                                        enrolments=[cast.enrolment_a], offer=cast.offer_a,
                                        user=cast.coordinator_a).members.get()  # fmt: skip
    return member


def test_a_handover_sent_and_answered_in_the_past_keeps_its_moments(cast):
    ConsentFactory(participant=cast.participant_a, purpose="share_contact",
                   organisation=cast.association_a)  # fmt: skip
    cast.member_a.handover.delete()
    member = _fresh_member(cast)
    sent, answered = _at(10), _at(8)
    member = handovers.handover_send(member=member, at=sent)
    member = handovers.handover_accept(member=member, first_session_on=timezone.localdate(),
                                       buddy="", user=cast.staff_a, at=answered)  # fmt: skip
    member.refresh_from_db()
    assert (member.sent_at, member.answered_at) == (sent, answered)


def test_without_a_moment_the_services_stamp_now(cast):
    before = timezone.now()
    member = handovers.handover_decline(member=cast.member_a, reason="full", note="",
                                        user=cast.staff_a)  # fmt: skip
    assert before <= member.answered_at <= timezone.now()


@pytest.mark.parametrize("days_ago", [-1, 400])
def test_a_moment_in_the_future_or_before_sending_is_refused_and_nothing_saved(cast, days_ago):
    # cast.member_a was sent just now: 400 days ago is before that.
    with pytest.raises(JourneyError):
        handovers.handover_decline(member=cast.member_a, reason="full", note="",
                                   user=cast.staff_a, at=_at(days_ago))  # fmt: skip
    cast.member_a.refresh_from_db()
    assert cast.member_a.status == "sent" and cast.member_a.answered_at is None


def test_a_questionnaire_answered_on_paper_keeps_its_date(cast):
    questionnaire, _token = readiness.questionnaire_create(
        enrolment=cast.enrolment_a, kind="end", user=cast.instructor_a
    )
    form = QuestionnaireForm({i.field: 3 for i in INDICATORS} | {"continue_with_team": "yes"})
    assert form.is_valid(), form.errors
    on = timezone.localdate() - datetime.timedelta(days=5)
    answer = readiness.questionnaire_answer(questionnaire=questionnaire, form=form, on=on)
    assert answer.assessed_on == on
