"""Each enrolment keeps the lowest score of its latest staff assessment
(Enrolment.kept_lowest_score, figures.readiness_refresh), which the exit-ready rule compares with
the programme's minimum. Written through the ORM (the services save through it), the kept score
equals the one worked out by hand from the assessments after every step; the command and the
migration fill it as the refresh does."""

import datetime
import io

import pytest
from django.core.management import call_command

from bridging import figures
from bridging.models import INDICATORS, Assessment, Enrolment
from tests.factories import EnrolmentFactory

FIELDS = [indicator.field for indicator in INDICATORS]
DAY = datetime.date(2026, 11, 2)


def by_hand(enrolment):
    """The lowest score of the latest staff assessment: the newest day, then the newest
    written, then the highest id."""
    staff = [a for a in Assessment.objects.filter(enrolment=enrolment) if a.source == "staff"]
    if not staff:
        return None
    latest = max(staff, key=lambda a: (a.assessed_on, a.created_at, a.pk))
    return min(getattr(latest, field) for field in FIELDS)


def kept(enrolment):
    return Enrolment.objects.get(pk=enrolment.pk).kept_lowest_score


def assess(enrolment, source="staff", day=DAY, **scores):
    values = dict.fromkeys(FIELDS, 3) | scores
    return Assessment.objects.create(
        enrolment=enrolment, source=source, kind="midway", assessed_on=day, **values
    )


@pytest.mark.django_db
def test_the_kept_score_follows_every_write_of_an_assessment():
    enrolment, other = EnrolmentFactory(), EnrolmentFactory()
    assert kept(enrolment) is None
    first = assess(enrolment, belonging=2)
    assert kept(enrolment) == by_hand(enrolment) == 2
    assess(enrolment, source="self", day=DAY + datetime.timedelta(days=3), progress=1)
    assert kept(enrolment) == 2  # the participant's own answers do not count
    newer = assess(enrolment, day=DAY + datetime.timedelta(days=1), knows_offers=4)
    assert kept(enrolment) == by_hand(enrolment) == 3
    assess(enrolment, day=DAY - datetime.timedelta(days=1), progress=1)  # an older one, later
    assert kept(enrolment) == by_hand(enrolment) == 3
    newer.takes_part = 1
    newer.save()
    assert kept(enrolment) == by_hand(enrolment) == 1
    newer.assessed_on = DAY - datetime.timedelta(days=5)  # moved back: the first is latest again
    newer.save()
    assert kept(enrolment) == by_hand(enrolment) == 2
    first.delete()
    assert kept(enrolment) == by_hand(enrolment) == 1  # the older one of a day later
    for assessment in Assessment.objects.filter(enrolment=enrolment):
        assessment.delete()
    assert kept(enrolment) is None
    assert kept(other) is None  # only the assessed enrolment is written


@pytest.mark.django_db
def test_saving_an_enrolment_read_before_an_assessment_keeps_the_score():
    enrolment = EnrolmentFactory()
    stale = Enrolment.objects.get(pk=enrolment.pk)
    assess(enrolment, has_vision=2)
    stale.recruitment = "other"
    stale.save()
    assert kept(enrolment) == 2


@pytest.mark.django_db
def test_the_command_puts_right_what_was_changed_behind_the_services_back():
    enrolment = EnrolmentFactory()
    assess(enrolment, joy_of_movement=2)
    Enrolment.objects.filter(pk=enrolment.pk).update(kept_lowest_score=4)
    out = io.StringIO()
    call_command("refresh_statuses", stdout=out)
    assert kept(enrolment) == 2
    assert "1 enrolment(s)' attendance figures or readiness score corrected" in out.getvalue()


def test_migrating_from_0020_fills_the_kept_score_as_readiness_refresh_does(transactional_db):
    """0021 holds its own copy of the refresh's SQL; on a database of 0020 with assessments it
    fills every enrolment's kept score as figures.readiness_refresh() of today's code does."""
    enrolments = [EnrolmentFactory() for _ in range(3)]
    assess(enrolments[0], belonging=1)
    assess(enrolments[0], day=DAY + datetime.timedelta(days=1), progress=2)
    assess(enrolments[1], source="self", progress=1)
    assess(enrolments[1], belonging=2)
    assess(enrolments[1], takes_part=1)  # the same day, written later: the latest
    figures.readiness_refresh()
    expected = dict(Enrolment.objects.values_list("pk", "kept_lowest_score"))
    assert sorted(expected.values(), key=str) == [1, 2, None]  # 2 of a day later; 1; none
    call_command("migrate", "bridging", "0020", verbosity=0)  # drops the kept column
    call_command("migrate", "bridging", "0021", verbosity=0)
    assert dict(Enrolment.objects.values_list("pk", "kept_lowest_score")) == expected
    call_command("migrate", verbosity=0)
