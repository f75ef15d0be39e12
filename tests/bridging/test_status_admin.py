"""The Django admin cannot make a participant's kept status stale (participants.hooks
`refresh_status`). The admin is for support only: none of the facts the status is read from
(participants, consents, courses, enrolments, handovers and their members, follow-ups) is
registered in it, and nothing it can delete reaches them by a cascade: a delete that would
(an organisation with participants, programmes or handovers) is refused by PROTECT. These
facts change only through the pages' services, which keep the status.

The tables are read from the status's own SQL, so a fact added to the definition is covered."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.db.models.deletion import CASCADE, SET_DEFAULT, SET_NULL
from django.urls import reverse

from participants.hooks import status_expression
from participants.models import Participant

pytestmark = pytest.mark.django_db


def _status_sql() -> str:
    return str(Participant.objects.annotate(status=status_expression()).values("status").query)


def _status_tables() -> set[str]:
    sql = _status_sql()
    return {
        model._meta.db_table for model in apps.get_models() if f'"{model._meta.db_table}"' in sql
    }


def _reached_by_deleting(model, seen=None) -> set:
    """What deleting a row of `model` may change, following cascades: (model, None) for rows
    deleted (CASCADE), (model, column) for a column set to NULL or its default. PROTECT and
    RESTRICT stop there."""
    seen = set() if seen is None else seen
    for relation in model._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete or relation.many_to_many:
            continue  # not a reverse relation, or only a through table's rows
        on_delete = relation.on_delete
        related = relation.related_model
        if on_delete is CASCADE and (related, None) not in seen:
            seen.add((related, None))
            _reached_by_deleting(related, seen)
        elif on_delete in (SET_NULL, SET_DEFAULT):
            seen.add((related, relation.field.column))
    return seen


def _changes_the_status(reached) -> bool:
    sql = _status_sql()
    model, column = reached
    table = f'"{model._meta.db_table}"'
    return table in sql and (column is None or f'{table}."{column}"' in sql)


def test_the_status_is_read_from_the_journeys_facts():
    tables = _status_tables()
    assert {
        "participants_participant",
        "participants_consent",
        "bridging_enrolment",
        "bridging_course",
        "bridging_handoverparticipant",
        "bridging_followup",
    } <= tables


def test_the_admin_can_neither_change_nor_delete_what_the_status_is_read_from():
    tables = _status_tables()
    problems = []
    for model in admin.site._registry:
        if model._meta.db_table in tables:
            problems.append((model.__name__, "registered"))
        for reached in _reached_by_deleting(model):
            if _changes_the_status(reached):
                problems.append((model.__name__, f"deleting it changes {reached}"))
    assert problems == []


def test_deleting_an_organisation_with_a_journey_in_the_admin_is_refused(client, cast):
    """The organisation a participant is registered in and the one a handover goes to: the
    admin shows why it cannot delete them, and every status is as derived afterwards."""
    from django.contrib.auth import get_user_model

    superuser = get_user_model().objects.create_superuser("support", password="x" * 16)
    client.force_login(superuser)
    before = dict(Participant.objects.with_kept_status().values_list("pk", "status"))
    for organisation in (cast.project_a, cast.association_a):
        url = reverse("admin:partnerships_organisation_delete", args=[organisation.pk])
        response = client.post(url, {"post": "yes"})
        assert response.status_code == 200  # the page that says what protects it
        assert type(organisation).objects.filter(pk=organisation.pk).exists()
    assert dict(Participant.objects.with_kept_status().values_list("pk", "status")) == before
    assert dict(Participant.objects.with_status().values_list("pk", "status")) == before


def test_the_guard_sees_a_cascade_into_the_facts_and_ignores_a_column_the_status_does_not_read():
    """Were programmes or users in the admin: deleting a programme deletes its courses'
    enrolments (a change of status); deleting a user empties who recorded a consent (not)."""
    from django.contrib.auth import get_user_model

    from bridging.models import Enrolment, Programme

    assert (Enrolment, None) in _reached_by_deleting(Programme)
    assert _changes_the_status((Enrolment, None))
    recorded_by = next(
        reached
        for reached in _reached_by_deleting(get_user_model())
        if reached[1] == "recorded_by_id" and reached[0]._meta.model_name == "consent"
    )
    assert not _changes_the_status(recorded_by)
