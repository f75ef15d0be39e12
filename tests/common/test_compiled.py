"""Expressions compiled once per process (common.compiled) read as the expressions themselves."""

import datetime

import pytest
from django.db.models import BooleanField, Count, IntegerField, Q

from bridging import handovers
from bridging.models import Attendance, Enrolment, FollowUp, HandoverParticipant
from bridging.participant_hooks import _MARKS, _enrolments, _is_open
from common.compiled import compiled
from tests.factories import EnrolmentFactory, SessionFactory


def test_the_marks_counted_once_compiled_are_the_marks_of_each_kind(cast):
    other = EnrolmentFactory(course=cast.course_a)
    marks = {cast.enrolment_a: ["present", "present", "absent", "excused"], other: ["absent"]}
    for enrolment, statuses in marks.items():
        for day, status in enumerate(statuses):
            session = SessionFactory(course=cast.course_a, date=datetime.date(2026, 9, 2 + 7 * day))
            Attendance.objects.create(session=session, enrolment=enrolment, status=status)
    counted = Enrolment.objects.annotate(
        **{
            kind: Count("attendances", filter=Q(attendances__status=kind))
            for kind in ("present", "absent", "excused")
        }
    )
    for participant in (cast.participant_a, other.participant):
        expected = {
            e.pk: (e.present, e.absent, e.excused) for e in counted.filter(participant=participant)
        }
        read = {e.pk: (e.present, e.absent, e.excused) for e in _enrolments(participant)}
        assert read == expected
    assert read[other.pk] == (0, 1, 0)
    assert {e.pk: e.present for e in _enrolments(cast.participant_a)}[cast.enrolment_a.pk] == 2


def test_the_open_condition_compiled_once_is_the_condition_itself(cast):
    member = cast.member_a
    member.status = HandoverParticipant.Status.STARTED
    member.save(update_fields=["status"])
    members = HandoverParticipant.objects.all()

    def read():
        with_sql = members.annotate(
            is_open=compiled(HandoverParticipant, _is_open, "default", BooleanField())
        )
        built = set(members.filter(handovers.open_condition()).values_list("pk", flat=True))
        return {m.pk: m.is_open for m in with_sql}, built

    compiled_open, built = read()
    assert compiled_open[member.pk] is True and built == {
        pk for pk, is_open in compiled_open.items() if is_open
    }
    FollowUp.objects.create(
        member=member, months=99, due_on=datetime.date(2026, 12, 1), answer="stopped"
    )
    compiled_open, built = read()  # the rows are read afresh: nothing of them is kept
    assert compiled_open[member.pk] is False and member.pk not in built


def test_a_compiled_expression_refuses_to_be_put_inside_another_query(cast):
    counted = Enrolment.objects.annotate(
        n=compiled(Enrolment, _MARKS["present"], "default", IntegerField())
    )
    with pytest.raises(TypeError, match="subquery"):
        list(Enrolment.objects.filter(pk__in=counted.filter(n=0).values("pk")))
