"""Export, anonymisation and the retention command."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from participants.export import PARTICIPANT_FIELDS
from participants.models import Consent, Participant, ParticipantAccess
from tests.factories import ConsentFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def test_json_export_holds_every_field_the_consents_and_the_access_log(client, cast):
    client.force_login(cast.instructor_a)
    client.get(cast.participant_a.get_absolute_url())  # a view, to be found in the log
    client.force_login(cast.coordinator_a)
    response = client.get(
        reverse("participants:participant_export_json", args=[cast.participant_a.pk])
    )
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    person = data["participant"]
    for field in PARTICIPANT_FIELDS:
        assert field in person
    assert person["first_name"] == "Alma"
    assert person["health_notes"] == "Ny hofte."
    assert person["organisation"] == "Projekt A"
    assert {c["purpose"] for c in data["consents"]} == {"registration", "share_contact"}
    assert all(c["text"].startswith("Jeg giver samtykke") for c in data["consents"])
    assert data["handovers"][0]["status"] == "sent"
    actions = [(e["action"], e["role"]) for e in data["access_log"]]
    assert ("view", "instructor") in actions
    assert ("export_json", "coordinator") in actions


def test_every_model_field_is_in_the_export():
    model_fields = {
        f.name for f in Participant._meta.get_fields() if f.concrete and not f.many_to_many
    }
    exported = set(PARTICIPANT_FIELDS) | {"organisation", "created_by"}
    assert model_fields <= exported


def test_printable_export_is_a_readable_page_and_is_logged(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.get(
        reverse("participants:participant_export_page", args=[cast.participant_a.pk])
    )
    page = response.content.decode()
    assert "Oplysninger om Alma Andersen" in page
    assert "Ny hofte." in page
    assert "Adgangslog" in page
    assert ParticipantAccess.objects.filter(action="export_page").count() == 1


def _anonymise(client, participant, **data):
    url = reverse("participants:participant_anonymise", args=[participant.pk])
    return client.post(url, data, follow=True)


def test_anonymisation_needs_both_confirmations(client, cast):
    client.force_login(cast.coordinator_a)
    response = _anonymise(client, cast.participant_a, name="Alma Andersen")
    assert "Sæt kryds for at bekræfte." in response.content.decode()
    response = _anonymise(client, cast.participant_a, understood="on", name="Alma Hansen")
    assert "Navnet passer ikke med deltagerens navn." in response.content.decode()
    cast.participant_a.refresh_from_db()
    assert not cast.participant_a.is_anonymised
    assert cast.participant_a.first_name == "Alma"


def test_anonymisation_blanks_every_personal_field_and_keeps_the_statistics(client, cast):
    participant = cast.participant_a
    consents_before = Consent.objects.count()
    participants_before = Participant.objects.count()
    status_before = Participant.objects.with_status().get(pk=participant.pk).status
    client.force_login(cast.coordinator_a)
    response = _anonymise(client, participant, understood="on", name="alma  andersen")
    assert "Deltageren er anonymiseret." in response.content.decode()

    participant.refresh_from_db()
    assert participant.first_name == ""
    assert participant.last_name == ""
    assert participant.phone == ""
    assert participant.email == ""
    assert participant.address == ""
    assert participant.postcode == ""
    assert participant.city == ""
    assert participant.home_area == ""
    assert participant.health_notes == ""
    assert participant.motivation == ""
    assert participant.birth_year == 1950  # 1952 rounded to its decade
    assert participant.municipality == "Køge"
    assert participant.gender == "female"
    assert Participant.objects.with_status().get(pk=participant.pk).status == status_before
    assert participant.is_anonymised
    assert Participant.objects.count() == participants_before
    assert Consent.objects.count() == consents_before
    entry = ParticipantAccess.objects.get(participant=participant, action="anonymise")
    assert entry.user == cast.coordinator_a
    assert "Alma" not in str(participant)


def test_anonymising_twice_is_refused_and_changes_nothing(client, cast):
    client.force_login(cast.coordinator_a)
    _anonymise(client, cast.participant_a, understood="on", name="Alma Andersen")
    cast.participant_a.refresh_from_db()
    anonymised_at = cast.participant_a.anonymised_at
    response = _anonymise(client, cast.participant_a, understood="on", name="")
    assert "Deltageren er allerede anonymiseret." in response.content.decode()
    cast.participant_a.refresh_from_db()
    assert cast.participant_a.anonymised_at == anonymised_at
    assert cast.participant_a.birth_year == 1950
    assert ParticipantAccess.objects.filter(action="anonymise").count() == 1


def test_an_anonymised_participant_can_no_longer_be_edited(client, cast):
    client.force_login(cast.coordinator_a)
    _anonymise(client, cast.participant_a, understood="on", name="Alma Andersen")
    url = reverse("participants:participant_update", args=[cast.participant_a.pk])
    assert client.get(url).status_code == 403


@pytest.fixture
def retention_cases(cast):
    today = timezone.localdate()
    long_ago = today - datetime.timedelta(days=800)
    expired = ParticipantFactory(organisation=cast.project_a, first_name="Udløbet",
                                 ended_on=long_ago)  # fmt: skip
    followed = ParticipantFactory(organisation=cast.project_a, first_name="Opfølgning",
                                  ended_on=long_ago)  # fmt: skip
    ConsentFactory(participant=followed, purpose="follow_up", given_on=long_ago)
    withdrawn = ParticipantFactory(organisation=cast.project_b, first_name="Trukket",
                                   ended_on=long_ago)  # fmt: skip
    ConsentFactory(participant=withdrawn, purpose="follow_up", given_on=long_ago,
                   withdrawn_on=long_ago + datetime.timedelta(days=10))  # fmt: skip
    recent = ParticipantFactory(organisation=cast.project_a, first_name="Nylig",
                                ended_on=today - datetime.timedelta(days=300))  # fmt: skip
    return {"expired": expired, "followed": followed, "withdrawn": withdrawn, "recent": recent}


def test_purge_dry_run_lists_the_expired_and_changes_nothing(retention_cases, capsys):
    call_command("purge_expired_participants", "--dry-run")
    out = capsys.readouterr().out
    assert f"Would anonymise participant {retention_cases['expired'].pk} " in out
    assert f"Would anonymise participant {retention_cases['withdrawn'].pk} " in out
    assert "Would anonymise 2 participant(s)" in out
    assert "Udløbet" not in out  # the cron log holds no names
    assert not Participant.objects.filter(anonymised_at__isnull=False).exists()


def test_purge_anonymises_exactly_the_expired(retention_cases):
    call_command("purge_expired_participants")
    for key, participant in retention_cases.items():
        participant.refresh_from_db()
        assert participant.is_anonymised == (key in {"expired", "withdrawn"}), key
    entry = ParticipantAccess.objects.get(participant=retention_cases["expired"])
    assert (entry.user, entry.role, entry.action) == (None, "", "anonymise")


def test_purge_respects_a_shorter_retention_period(retention_cases):
    call_command("purge_expired_participants", "--months", "6")
    retention_cases["recent"].refresh_from_db()
    assert retention_cases["recent"].is_anonymised


@pytest.mark.django_db
def test_the_access_log_is_indexed_by_participant_and_user_and_by_time_only_as_brin():
    """Each log entry written updates every index of the log: `at`, read by no query but
    a search by period, has a BRIN index (PostgreSQL), not a B-tree (migration 0009). The
    participant's index holds their entries newest first (0010): the participant page reads the
    newest 20 off it."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("BRIN indexes are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s",
            [ParticipantAccess._meta.db_table],
        )
        methods = sorted(row[0].split(" USING ")[1] for row in cursor.fetchall())
    assert methods == [
        "brin (at)",
        "btree (id)",
        "btree (participant_id, at DESC, id DESC)",
        "btree (user_id)",
    ]


@pytest.mark.django_db
def test_a_lists_participants_have_their_primary_key_and_on_postgresql_a_brin_index():
    """A set of a list's participants writes a row per participant in it (2,418 for the first
    export of the handover list at national scale): each row goes into one B-tree,
    (participant, set), which also finds a participant's sets; a set's participants are found
    by a BRIN index (PostgreSQL, participants 0015), which costs the rows written almost
    nothing."""
    from django.db import connection

    from participants.models import ListSetParticipant

    table = ListSetParticipant._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    indexes = {
        name: ("primary key" if c["primary_key"] else c["type"], c["columns"])
        for name, c in constraints.items()
        if c["index"] or c["primary_key"]
    }
    if connection.vendor == "postgresql":
        assert sorted(indexes.values()) == [
            ("brin", ["set_id"]),
            ("primary key", ["participant_id", "set_id"]),
        ]
    else:  # SQLite's introspection does not keep the key's order
        ((kind, columns),) = indexes.values()
        assert kind == "primary key" and sorted(columns) == ["participant_id", "set_id"]
