"""Anonymising a participant blanks the free text written about them everywhere (reasons and
notes can hold health details), keeps what statistics read, and leaves others' texts alone; the
data migrations do the same for those anonymised before the change."""

import datetime
import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from bridging.models import Assessment, Enrolment, FollowUp, Handover, HandoverParticipant
from bridging.models.readiness import INDICATOR_FIELDS
from participants.models import Participant, ProgrammeReturn
from participants.services import participant_anonymise
from tests.factories import CourseFactory, MembershipFactory, OfferFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

TEXT = "Stoppede efter sin knæoperation"
DAY = datetime.date(2026, 3, 2)


def _with_every_text(course, handover, n):
    """A participant with every free text about them filled, and the facts beside them."""
    participant = ParticipantFactory(
        organisation=course.programme.organisation,
        withdrawn_on=DAY,
        withdrawn_reason=f"{TEXT} {n}",
    )
    ProgrammeReturn.objects.create(
        participant=participant, left_on=DAY, left_reason=f"{TEXT} {n}", returned_on=DAY
    )
    enrolment = Enrolment.objects.create(
        participant=participant, course=course, status="withdrawn", withdrawn_reason=TEXT
    )
    member = HandoverParticipant.objects.create(
        handover=handover,
        participant=participant,
        enrolment=enrolment,
        status="declined",
        decline_reason="other",
        decline_note=TEXT,
        overlap_reason=TEXT,
        withdrawn_reason=TEXT,
        started_on=DAY,
        first_session_on=DAY,
        buddy=f"Frida Forening {n}",
    )
    FollowUp.objects.create(member=member, months=3, due_on=DAY, answer="stopped", stop_reason=TEXT)
    Assessment.objects.create(
        enrolment=enrolment,
        kind="end",
        source="self",
        assessed_on=DAY,
        **dict.fromkeys(INDICATOR_FIELDS, 4),
        indicator_notes={"knows_offers": TEXT},
        note=TEXT,
        wishes_after=TEXT,
        known_offers=TEXT,
        continue_with_team="yes",
    )
    return participant


def _texts(participant):
    """Every free text about `participant`, and the facts statistics read, as a dict."""
    participant = Participant.objects.get(pk=participant.pk)
    member = HandoverParticipant.objects.get(participant=participant)
    assessment = Assessment.objects.get(enrolment__participant=participant)
    return {
        "texts": {
            "participant": participant.withdrawn_reason,
            "return": ProgrammeReturn.objects.get(participant=participant).left_reason,
            "enrolment": Enrolment.objects.get(participant=participant).withdrawn_reason,
            "decline_note": member.decline_note,
            "overlap_reason": member.overlap_reason,
            "withdrawn_reason": member.withdrawn_reason,
            "buddy": member.buddy,
            "stop_reason": FollowUp.objects.get(member=member).stop_reason,
            "indicator_notes": assessment.indicator_notes,
            "note": assessment.note,
            "wishes_after": assessment.wishes_after,
            "known_offers": assessment.known_offers,
        },
        "facts": {
            "withdrawn_on": participant.withdrawn_on,
            "left_on": ProgrammeReturn.objects.get(participant=participant).left_on,
            "enrolment": Enrolment.objects.get(participant=participant).status,
            "member": (
                member.status,
                member.decline_reason,
                member.started_on,
                member.first_session_on,
            ),
            "follow_up": FollowUp.objects.get(member=member).answer,
            "assessment": (
                assessment.assessed_on,
                assessment.continue_with_team,
                [getattr(assessment, field) for field in INDICATOR_FIELDS],
            ),
        },
    }


BLANK = {
    "participant": "",
    "return": "",
    # A withdrawal must give a reason (a check constraint): a neutral one instead of theirs.
    "enrolment": "(slettet ved anonymisering)",
    "decline_note": "",
    "overlap_reason": "",
    "withdrawn_reason": "",
    "buddy": "",
    "stop_reason": "",
    "indicator_notes": {},
    "note": "",
    "wishes_after": "",
    "known_offers": "",
}


@pytest.fixture
def two():
    course = CourseFactory(status="completed")
    offer = OfferFactory()
    handover = Handover.objects.create(
        course=course, mode="group", offer=offer, receiver=offer.organisation
    )
    return [_with_every_text(course, handover, n) for n in (1, 2)]


def test_anonymising_blanks_every_text_about_them_and_keeps_the_statistics(client, two):
    alma, other = two
    before, other_before = _texts(alma), _texts(other)
    assert all(before["texts"].values())
    coordinator = MembershipFactory(organisation=alma.organisation).user
    client.force_login(coordinator)
    url = reverse("participants:participant_anonymise", args=[alma.pk])
    name = f"{alma.first_name} {alma.last_name}"
    response = client.post(url, {"understood": "on", "name": name}, follow=True)
    assert "Deltageren er anonymiseret." in response.content.decode()

    after = _texts(alma)
    assert after["texts"] == BLANK
    assert after["facts"] == before["facts"]
    assert _texts(other) == other_before


def test_the_retention_command_path_blanks_them_too(two):
    alma, other = two
    other_before = _texts(other)
    participant_anonymise(participant=alma, membership=None)
    assert _texts(alma)["texts"] == BLANK
    assert _texts(other) == other_before


# What each migration blanks (0020 came before the buddy was blanked).
OWN = {
    "0018_blank_free_text_of_anonymised": {"participant", "return"},
    "0020_blank_free_text_of_anonymised": set(BLANK) - {"participant", "return", "buddy"},
    "0022_blank_buddy_of_anonymised": {"buddy"},
}


def _migration(app, name):
    return importlib.import_module(f"{app}.migrations.{name}")


@pytest.mark.parametrize(
    "app, name",
    [
        ("participants", "0018_blank_free_text_of_anonymised"),
        ("bridging", "0020_blank_free_text_of_anonymised"),
        ("bridging", "0022_blank_buddy_of_anonymised"),
    ],
)
def test_the_data_migrations_blank_those_anonymised_before(two, app, name):
    """Anonymised before the change (the texts still there): each migration blanks its own
    app's texts of them, run on the historical models, and nobody else's."""
    alma, other = two
    Participant.objects.filter(pk=alma.pk).update(anonymised_at=datetime.datetime.now(datetime.UTC))
    before, other_before = _texts(alma), _texts(other)
    apps = MigrationExecutor(connection).loader.project_state((app, name)).apps

    _migration(app, name).blank_free_text(apps, None)

    after = _texts(alma)
    own = OWN[name]
    assert after["texts"] == {
        key: BLANK[key] if key in own else value for key, value in before["texts"].items()
    }
    assert after["facts"] == before["facts"]
    assert _texts(other) == other_before
