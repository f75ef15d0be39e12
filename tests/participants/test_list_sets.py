"""The access log's lists: each entry refers to the set of its participants, stored once."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.db.models import F

from participants.models import (
    ListAccess,
    ListSet,
    ListSetParticipant,
    Participant,
    ParticipantAccess,
    access_history,
)
from participants.services import log_list_access, log_list_access_for, set_digest
from tests.factories import MembershipFactory, OrganisationFactory, ParticipantFactory


def _world(size=3):
    project = OrganisationFactory(kind="project")
    people = [ParticipantFactory(organisation=project) for _ in range(size)]
    return MembershipFactory(organisation=project), people


def _history(person):
    return access_history(
        ParticipantAccess.objects.filter(participant=person),
        ListAccess.objects.including(person),
        person,
    )


def _export_in_another_thread(ids, membership):
    """A thread (not started) that logs an export of `ids` on a connection of its own, an
    event set when it is done, and the errors it raised."""
    done = threading.Event()
    errors = []

    def export():
        try:
            log_list_access(ids, membership=membership, action="export_list")
        except Exception as error:  # noqa: BLE001 (collected for the test to assert)
            errors.append(error)
        finally:
            done.set()
            connections.close_all()

    return threading.Thread(target=export), done, errors


@pytest.mark.django_db
def test_a_list_logged_again_with_the_same_people_refers_to_the_set_written_the_first_time():
    membership, (alma, bodil, carl) = _world()
    log_list_access([bodil.pk, alma.pk, alma.pk], membership=membership, action="inbox")
    log_list_access([alma.pk, bodil.pk], membership=membership, action="inbox")
    log_list_access_for(
        Participant.objects.filter(pk__in=[alma.pk, bodil.pk]).values(participant_id=F("pk")),
        membership=membership,
        action="export_list",
    )
    first, second, third = ListAccess.objects.order_by("pk")
    (people,) = ListSet.objects.all()
    assert first.set == second.set == third.set == people
    assert people.digest == set_digest([alma.pk, bodil.pk])
    assert sorted(people.entries.values_list("participant_id", flat=True)) == sorted(
        [alma.pk, bodil.pk]
    )
    # Each list is an entry of each person's log, with who, when and what.
    for person in (alma, bodil):
        assert [entry.action for entry in _history(person)] == ["export_list", "inbox", "inbox"]
        assert {entry.user for entry in _history(person)} == {membership.user}
    assert _history(carl) == []


@pytest.mark.django_db
def test_a_list_of_other_people_gets_a_set_of_its_own_and_an_empty_list_none():
    membership, (alma, bodil, carl) = _world()
    log_list_access([alma.pk, bodil.pk], membership=membership, action="inbox")
    log_list_access([alma.pk, bodil.pk, carl.pk], membership=membership, action="inbox")
    log_list_access([], membership=membership, action="inbox")
    log_list_access_for(
        Participant.objects.filter(pk=-1).values(participant_id=F("pk")),
        membership=membership,
        action="export_list",
    )
    assert ListAccess.objects.count() == ListSet.objects.count() == 2
    assert ListSetParticipant.objects.count() == 5
    assert len(_history(alma)) == 2 and len(_history(carl)) == 1


@pytest.mark.django_db
def test_deleting_a_participant_keeps_the_lists_of_the_others():
    membership, (alma, bodil, _carl) = _world()
    log_list_access([alma.pk, bodil.pk], membership=membership, action="inbox")
    alma.delete()
    (entry,) = ListAccess.objects.all()
    assert list(entry.entries.values_list("participant_id", flat=True)) == [bodil.pk]
    log_list_access([bodil.pk], membership=membership, action="inbox")  # a set of its own
    assert [entry.action for entry in _history(bodil)] == ["inbox", "inbox"]
    assert ListSet.objects.count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_lists_of_the_same_new_people_logged_at_once_are_both_logged():
    """The second waits for the first to commit the set (its unique digest) and then refers to
    that set: both entries are written, the set once, with all its people."""
    membership, people = _world(size=4)
    ids = [person.pk for person in people]
    second, done, errors = _export_in_another_thread(ids, membership)
    with transaction.atomic():
        log_list_access(ids, membership=membership, action="inbox")
        second.start()
        assert not done.wait(0.5)  # it waits for this transaction's set
    second.join()
    assert errors == []
    (people_set,) = ListSet.objects.all()
    assert sorted(ListAccess.objects.values_list("action", "set")) == [
        ("export_list", people_set.pk),
        ("inbox", people_set.pk),
    ]
    assert sorted(people_set.entries.values_list("participant_id", flat=True)) == sorted(ids)
    for person in people:
        assert sorted(entry.action for entry in _history(person)) == ["export_list", "inbox"]


def _set_version(people_set):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT xmin::text FROM {ListSet._meta.db_table} WHERE id = %s", [people_set.pk]
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row versions are PostgreSQL's")
def test_a_list_of_people_logged_before_neither_rewrites_nor_waits_for_their_set():
    """A set logged before is found by a plain read: logging it again writes only the entry
    (no new version of the set's row, which an upsert wrote) and takes no lock that another
    open transaction logging the same people would hold against it."""
    membership, people = _world(size=3)
    ids = [person.pk for person in people]
    log_list_access(ids, membership=membership, action="inbox")
    (people_set,) = ListSet.objects.all()
    version = _set_version(people_set)
    second, done, errors = _export_in_another_thread(ids, membership)
    with transaction.atomic():
        log_list_access(list(reversed(ids)), membership=membership, action="inbox")
        second.start()
        assert done.wait(10)  # not held up by this open transaction
    second.join()
    assert errors == []
    assert _set_version(people_set) == version
    assert ListSet.objects.count() == 1 and ListSetParticipant.objects.count() == 3
    assert sorted(ListAccess.objects.values_list("action", "set")) == [
        ("export_list", people_set.pk),
        ("inbox", people_set.pk),
        ("inbox", people_set.pk),
    ]
