"""A follow-up after "stopped" is still asked (people come back, and the figures at 6 and 12
months need everyone's answer), with the earlier answer beside the question; a later "active"
counts the member as active again, in the status, the open handovers and the funnel alike
(one definition: FollowUp.stopped)."""

import datetime
import itertools

import pytest
from django.db.models import OuterRef
from django.urls import reverse
from django.utils import timezone

from bridging import handovers
from bridging.funnel import FOLLOW_UP_MONTHS, funnel
from bridging.models import Enrolment, FollowUp, Handover, HandoverParticipant
from participants.hooks import refresh_status
from participants.models import Participant
from tests.factories import CourseFactory, OfferFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

Status = Participant.Status
ANSWERS = ["", "active", "stopped", "unknown"]


def stopped_by_hand(answers) -> bool:
    """The rule in words: the latest definite answer (active or stopped) said stopped."""
    definite = [answer for answer in answers if answer in ("active", "stopped")]
    return bool(definite) and definite[-1] == "stopped"


def stopped_at_by_hand(answers):
    """The months at which the current stop began (None while not stopped)."""
    if not stopped_by_hand(answers):
        return None
    last_active = max((i for i, a in enumerate(answers) if a == "active"), default=-1)
    first = next(i for i, a in enumerate(answers) if a == "stopped" and i > last_active)
    return FOLLOW_UP_MONTHS[first]


def test_every_sequence_of_answers_reads_the_same_in_the_status_the_handovers_and_the_funnel():
    """All 64 sequences of answers at 3, 6 and 12 months, one member each, all due."""
    today = timezone.localdate()
    course = CourseFactory(status="completed")
    offer = OfferFactory()
    handover = Handover.objects.create(course=course, mode="group", offer=offer,
                                       receiver=offer.organisation)  # fmt: skip
    started_on = today - datetime.timedelta(days=400)
    people = {}
    for answers in itertools.product(ANSWERS, repeat=3):
        participant = ParticipantFactory(organisation=course.programme.organisation)
        enrolment = Enrolment.objects.create(course=course, participant=participant,
                                             status="completed")  # fmt: skip
        member = HandoverParticipant.objects.create(
            handover=handover, participant=participant, enrolment=enrolment, status="started",
            started_on=started_on,
        )  # fmt: skip
        for months, answer in zip(FOLLOW_UP_MONTHS, answers, strict=True):
            FollowUp.objects.create(member=member, months=months, answer=answer,
                                    due_on=handovers.add_months(started_on, months))  # fmt: skip
        people[participant.pk] = (answers, member.pk)
    refresh_status(list(people))

    derived = dict(Participant.objects.with_status().values_list("pk", "status"))
    kept = dict(Participant.objects.with_kept_status().values_list("pk", "status"))
    open_members = set(handovers.open_handovers(list(people)).values_list("pk", flat=True))
    stopped_at = dict(
        HandoverParticipant.objects.annotate(
            stopped_at=handovers.stopped_at(OuterRef("pk"))
        ).values_list("pk", "stopped_at")
    )
    for pk, (answers, member) in people.items():
        stopped = stopped_by_hand(answers)
        assert derived[pk] == kept[pk] == (Status.ENDED if stopped else Status.CONTINUED), answers
        assert (member in open_members) is not stopped, answers
        assert stopped_at[member] == stopped_at_by_hand(answers), answers

    # The funnel's "active after N months" is the N-month answer: a comeback counts there.
    stages = {s["key"]: s for s in funnel(Enrolment.objects.filter(course=course))["stages"]}
    for index, months in enumerate(FOLLOW_UP_MONTHS):
        answered_active = sum(answers[index] == "active" for answers, _m in people.values())
        assert stages[f"active_{months}"]["count"] == answered_active == 16
        assert stages[f"active_{months}"]["due"] == len(people)


def started_long_ago(cast, days_ago=200):
    """Alma started at Forening A `days_ago` days ago (her 3- and 6-month follow-ups due)."""
    cast.follow_up_a.delete()
    Enrolment.objects.filter(pk=cast.enrolment_a.pk).update(status="completed")
    handovers.handover_accept(member=cast.member_a, first_session_on=timezone.localdate(),
                              buddy="Frida", user=cast.staff_a)  # fmt: skip
    started_on = timezone.localdate() - datetime.timedelta(days=days_ago)
    HandoverParticipant.objects.filter(pk=cast.member_a.pk).update(
        answered_at=timezone.now() - datetime.timedelta(days=days_ago + 1)
    )
    member = HandoverParticipant.objects.get(pk=cast.member_a.pk)
    return handovers.handover_start(member=member, started_on=started_on)


def status_of(participant):
    return Participant.objects.with_status().get(pk=participant.pk).status


def test_after_stopped_the_next_follow_up_is_asked_with_the_stop_beside_it(client, cast):
    member = started_long_ago(cast)
    three, six = (FollowUp.objects.get(member=member, months=m) for m in (3, 6))
    handovers.follow_up_answer(follow_up=three, answer="stopped", stop_reason="Knæet",
                               user=cast.staff_a)  # fmt: skip
    assert status_of(cast.participant_a) == Status.ENDED

    # The association's inbox asks the 6-month follow-up, saying she stopped at 3 months
    # (not why: the reason stays with the handover's page).
    client.force_login(cast.staff_a)
    page = client.get(reverse("bridging:inbox")).content.decode()
    assert "Efter 6 måneder: er Alma Andersen stadig aktiv?" in page
    assert "Stoppede ved 3 måneder" in page
    assert "Er Alma Andersen kommet igen, så svar Aktiv." in page
    assert f'aria-describedby="fu-{six.pk}-earlier"' in page

    # The coordinator's handover page says so beside the same question.
    client.force_login(cast.coordinator_a)
    page = client.get(member.handover.get_absolute_url()).content.decode()
    assert "Efter 3 måneder: Stoppet (Knæet)" in page
    assert "Stoppede ved 3 måneder" in page

    # She came back: answered active at 6 months, she is at the offer again everywhere.
    client.force_login(cast.staff_a)
    client.post(reverse("bridging:follow_up_answer", args=[six.pk]), {"answer": "active"})
    six.refresh_from_db()
    assert six.answer == "active"
    assert status_of(cast.participant_a) == Status.CONTINUED
    kept = Participant.objects.with_kept_status().get(pk=cast.participant_a.pk)
    assert kept.status == Status.CONTINUED
    assert list(handovers.open_handovers([cast.participant_a.pk])) == [member]
    stages = {s["key"]: s for s in funnel(Enrolment.objects.filter(pk=cast.enrolment_a.pk))[
        "stages"]}  # fmt: skip
    assert (stages["active_3"]["count"], stages["active_6"]["count"]) == (0, 1)


def test_unknown_after_stopped_keeps_the_stop_and_the_12_month_question_says_so(client, cast):
    member = started_long_ago(cast, days_ago=400)
    answers = {3: "stopped", 6: "unknown"}
    for months, answer in answers.items():
        handovers.follow_up_answer(
            follow_up=FollowUp.objects.get(member=member, months=months), answer=answer,
            stop_reason="Flyttet" if answer == "stopped" else "", user=cast.staff_a,
        )  # fmt: skip
    assert status_of(cast.participant_a) == Status.ENDED
    client.force_login(cast.staff_a)
    page = client.get(reverse("bridging:inbox")).content.decode()
    assert "Efter 12 måneder: er Alma Andersen stadig aktiv?" in page
    assert "Stoppede ved 3 måneder" in page
    assert "Flyttet" not in page


def test_no_note_beside_the_question_of_someone_still_active(client, cast):
    member = started_long_ago(cast)
    handovers.follow_up_answer(follow_up=FollowUp.objects.get(member=member, months=3),
                               answer="active", stop_reason="", user=cast.staff_a)  # fmt: skip
    client.force_login(cast.staff_a)
    page = client.get(reverse("bridging:inbox")).content.decode()
    assert "Efter 6 måneder: er Alma Andersen stadig aktiv?" in page
    assert "Stoppede ved" not in page
