"""The reporting API: token authentication, the same scope as the pages across two tenants,
counts and the funnel (aggregates only), filters, paging, throttling per token and query counts
at two data sizes."""

import datetime
import hashlib

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bridging import funnel as funnel_module
from bridging.models import Enrolment
from partnerships.api_auth import ApiTokenThrottle
from partnerships.models import ApiToken, LevelChange, Membership, Registration
from partnerships.services import api_token_create, api_token_revoke
from tests.factories import CourseFactory, EnrolmentFactory, ParticipantFactory, ProgrammeFactory


@pytest.fixture(autouse=True)
def no_throttle_history():
    cache.clear()
    yield
    cache.clear()


def api(client, secret, name, query=None, **kwargs):
    return client.get(
        reverse(f"api:{name}", kwargs=kwargs or None),
        query or {},
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )


@pytest.fixture
def token_b(cast):
    return api_token_create(organisation=cast.project_b, name="B", user=cast.coordinator_b)[1]


def test_programmes_with_their_counts(client, cast):
    course = CourseFactory(programme=cast.programme_a, name="Hold A2", capacity=1)
    EnrolmentFactory(course=course)
    EnrolmentFactory(course=course, status=Enrolment.Status.WAITLISTED)
    response = api(client, cast.api_secret_a, "programme_list")
    assert response.status_code == 200
    [programme] = response.json()["results"]
    assert programme["id"] == cast.programme_a.pk
    assert programme["courses"] == 2
    assert programme["enrolments"] == {
        "enrolled": 2,
        "waitlisted": 1,
        "completed": 0,
        "withdrawn": 0,
    }


def test_courses_with_their_counts(client, cast):
    response = api(client, cast.api_secret_a, "course_list")
    [course] = response.json()["results"]
    assert course["id"] == cast.course_a.pk
    assert course["programme"] == cast.programme_a.pk
    assert course["enrolments"]["enrolled"] == 1
    assert course["sessions_planned"] == 1


def test_the_funnel_is_the_funnel_pages_definition(client, cast):
    response = api(client, cast.api_secret_a, "programme_funnel", pk=cast.programme_a.pk)
    assert response.status_code == 200
    body = response.json()
    expected = funnel_module.funnel(Enrolment.objects.filter(course__programme=cast.programme_a))
    assert [(s["key"], s["count"]) for s in body["stages"]] == [
        (s["key"], s["count"]) for s in expected["stages"]
    ]
    assert [(s["key"], s["count"]) for s in body["aside"]] == [
        (s["key"], s["count"]) for s in expected["aside"]
    ]
    assert body["stages"][0] == {
        "key": "enrolled",
        "label": "Tilmeldt",
        "count": 1,
        "base": None,
        "of_enrolled": 100,
        "of_previous": None,
    }
    # Participant A was handed over without completing the course: beside the funnel.
    aside = {s["key"]: s["count"] for s in body["aside"]}
    assert aside["handed_over_not_completed"] == 1
    active = next(s for s in body["stages"] if s["key"] == "active_3")
    assert {"due", "not_due"} <= set(active)
    assert body["by_receiving_organisation"][0]["label"] == "Forening A"
    assert body["by_receiving_organisation"][0]["handed_over"] == 1
    course = api(client, cast.api_secret_a, "course_funnel", pk=cast.course_a.pk).json()
    assert (course["programme"], course["course"]) == (cast.programme_a.pk, cast.course_a.pk)
    assert course["stages"] == body["stages"]


def test_no_personal_data_of_participants(client, cast):
    text = " ".join(
        api(client, cast.api_secret_a, name, **kwargs).content.decode()
        for name, kwargs in [
            ("programme_list", {}),
            ("course_list", {}),
            ("programme_funnel", {"pk": cast.programme_a.pk}),
            ("course_funnel", {"pk": cast.course_a.pk}),
        ]
    )
    participant = cast.participant_a
    for value in [participant.first_name, participant.last_name, participant.email, "hofte"]:
        assert value not in text


# --- Scope: the token's organisation, by the pages' visible_to rules -------------------------


def test_a_token_sees_only_its_own_organisation(client, cast, token_b):
    a = api(client, cast.api_secret_a, "course_list").json()["results"]
    b = api(client, token_b, "course_list").json()["results"]
    assert [c["id"] for c in a] == [cast.course_a.pk]
    assert [c["id"] for c in b] == [cast.course_b.pk]


def test_another_tenants_objects_are_404(client, cast, token_b):
    assert api(client, token_b, "programme_funnel", pk=cast.programme_a.pk).status_code == 404
    assert api(client, token_b, "course_funnel", pk=cast.course_a.pk).status_code == 404
    programme_b = cast.course_b.programme
    assert api(client, cast.api_secret_a, "programme_funnel", pk=programme_b.pk).status_code == 404


def test_a_coordinator_in_two_projects_gets_only_the_tokens_organisation(client, cast):
    Membership.objects.create(
        user=cast.coordinator_a, organisation=cast.project_b, role=Membership.Role.COORDINATOR
    )
    courses = api(client, cast.api_secret_a, "course_list").json()["results"]
    assert [c["id"] for c in courses] == [cast.course_a.pk]


def test_a_revoked_token_is_401(client, cast):
    api_token_revoke(token=cast.api_token_a, user=cast.coordinator_a)
    response = api(client, cast.api_secret_a, "programme_list")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", [None, "Bearer brb_wrong", "Bearer", "Basic abc"])
def test_without_a_valid_token_401(client, cast, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get(reverse("api:programme_list"), **extra)
    assert response.status_code == 401


def test_a_signed_in_session_is_not_a_token(client, cast):
    client.force_login(cast.coordinator_a)
    assert client.get(reverse("api:programme_list")).status_code == 401


def test_the_token_stops_when_its_maker_is_no_longer_coordinator_there(client, cast):
    Membership.objects.filter(user=cast.coordinator_a, organisation=cast.project_a).update(
        role=Membership.Role.INSTRUCTOR
    )
    assert api(client, cast.api_secret_a, "programme_list").status_code == 401


def test_only_the_hash_is_stored_and_the_last_use_is_recorded(client, cast):
    token = ApiToken.objects.get(pk=cast.api_token_a.pk)
    assert token.key_hash == hashlib.sha256(cast.api_secret_a.encode()).hexdigest()
    assert cast.api_secret_a not in {token.name, token.key_prefix, token.key_hash}
    assert token.last_used_at is None
    api(client, cast.api_secret_a, "programme_list")
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's commit setting")
def test_the_last_use_is_written_without_waiting_for_the_disk_and_only_that_write(client, cast):
    """Outside a transaction (as a request runs) the last-used time is committed without waiting
    for the log to reach disk (bookkeeping); the setting ends with that write's transaction.
    Inside a transaction it is an ordinary write, which leaves the caller's commit durable."""
    # The connection's own setting on, whatever the server's (CI's throwaway server runs with
    # synchronous_commit=off), so that the setting after the request shows whether it leaked.
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO on")
    try:
        with CaptureQueriesContext(connection) as queries:
            api(client, cast.api_secret_a, "programme_list")
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")
    writes = [q["sql"] for q in queries if "last_used_at" in q["sql"] and "UPDATE" in q["sql"]]
    assert len(writes) == 1
    assert writes[0].startswith("SET LOCAL synchronous_commit TO OFF;")
    assert ApiToken.objects.get(pk=cast.api_token_a.pk).last_used_at is not None

    ApiToken.objects.update(last_used_at=None)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        api(client, cast.api_secret_a, "programme_list")
    writes = [q["sql"] for q in queries if "last_used_at" in q["sql"] and "UPDATE" in q["sql"]]
    assert len(writes) == 1
    assert "synchronous_commit" not in writes[0]


def test_answers_are_not_cached(client, cast):
    response = api(client, cast.api_secret_a, "programme_list")
    assert "no-store" in response["Cache-Control"]


# --- Filters, paging, throttling --------------------------------------------------------------


def test_filters(client, cast):
    later = ProgrammeFactory(
        organisation=cast.project_a,
        name="Efterår",
        starts_on=datetime.date(2027, 8, 1),
        ends_on=datetime.date(2027, 12, 1),
    )
    CourseFactory(programme=later, name="Efterårshold", status="planned")

    def ids(name, query):
        return [row["id"] for row in api(client, cast.api_secret_a, name, query).json()["results"]]

    assert ids("programme_list", {"name": "efter"}) == [later.pk]
    assert ids("programme_list", {"starts_from": "2027-01-01"}) == [later.pk]
    assert ids("programme_list", {"running_on": "2027-09-01"}) == [later.pk]
    assert ids("course_list", {"programme": later.pk}) == [later.courses.get().pk]
    assert ids("course_list", {"status": "cancelled"}) == []
    bad = api(client, cast.api_secret_a, "course_list", {"status": "nonsense"})
    assert bad.status_code == 400


def test_paging(client, cast):
    for number in range(55):
        ProgrammeFactory(organisation=cast.project_a, name=f"Forløb {number:02d}")
    first = api(client, cast.api_secret_a, "programme_list").json()
    assert first["count"] == 56 and len(first["results"]) == 50 and first["next"]
    second = api(client, cast.api_secret_a, "programme_list", {"page": 2}).json()
    assert len(second["results"]) == 6 and second["next"] is None


def test_throttled_per_token(client, cast, token_b, monkeypatch):
    monkeypatch.setattr(ApiTokenThrottle, "THROTTLE_RATES", {"api_token": "2/minute"})
    statuses = [api(client, cast.api_secret_a, "programme_list").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert api(client, token_b, "programme_list").status_code == 200


# --- Model 2 --------------------------------------------------------------------------------


@pytest.fixture
def plan_token(cast):
    housing_plan = cast.local_partnership.housing_plan
    return api_token_create(organisation=housing_plan, name="Plan", user=cast.plan_coordinator)[1]


def test_local_partnerships_with_levels_stages_and_counts(client, cast, plan_token):
    partnership, activity = cast.local_partnership, cast.local_activity
    LevelChange.objects.create(
        partnership=partnership, level=1, changed_on=datetime.date(2025, 2, 1), reason="Start"
    )
    LevelChange.objects.create(
        partnership=partnership, level=2, changed_on=datetime.date(2025, 6, 1), reason="Mere"
    )
    partnership.assessments.create(
        assessed_on=datetime.date(2025, 6, 1), stage=2, practice="connections", evidence="x"
    )
    for day, participants, new in [(1, 10, 4), (8, 12, 2)]:
        Registration.objects.create(
            activity=activity, date=datetime.date(2025, 7, day), participants=participants, new=new
        )
    [row] = api(client, plan_token, "local_partnership_list").json()["results"]
    assert row["level"] == 2 and row["stage"] == 2
    assert row["community_of_practice"] == "connections"
    assert row["activities"] == 1
    assert row["registrations"] == {"registrations": 2, "participants": 22, "new": 6}
    detail = api(client, plan_token, "local_partnership_detail", pk=partnership.pk).json()
    assert [level["level"] for level in detail["level_history"]] == [2, 1]
    assert "reason" not in detail["level_history"][0]
    assert detail["activity_list"][0]["title"] == "Gåklub"
    assert detail["activity_list"][0]["registrations"]["participants"] == 22


def test_local_partnerships_of_other_organisations_are_404(client, cast):
    partnership = cast.local_partnership
    assert api(client, cast.api_secret_a, "local_partnership_list").json()["results"] == []
    detail = api(client, cast.api_secret_a, "local_partnership_detail", pk=partnership.pk)
    assert detail.status_code == 404


# --- Query counts at two sizes ----------------------------------------------------------------


def _grow(cast, extra):
    for number in range(extra):
        programme = ProgrammeFactory(organisation=cast.project_a, name=f"Forløb {number}")
        course = CourseFactory(programme=programme, name=f"Hold {number}")
        for _ in range(2):
            EnrolmentFactory(course=course, participant=ParticipantFactory())
        activity = cast.local_partnership.activities.create(title=f"Aktivitet {number}")
        Registration.objects.create(
            activity=activity, date=datetime.date(2025, 1, 1), participants=3
        )
        LevelChange.objects.create(
            partnership=cast.local_partnership,
            level=number % 4,
            changed_on=datetime.date(2025, 1, 1 + number),
            reason="x",
        )


# (url name, kwargs, queries: each named)
ENDPOINTS = [
    # token (with organisation, maker, membership check); last used; the maker's memberships
    # (the scopes use their ids); count; page
    ("programme_list", {}, 5, "secret"),
    ("course_list", {}, 5, "secret"),
    # token; last used; memberships; programme; the funnel's one query; the breakdowns' one
    ("programme_funnel", {"pk": "programme"}, 6, "secret"),
    # token; last used; memberships; course; the funnel's one query; the breakdowns' one
    ("course_funnel", {"pk": "course"}, 6, "secret"),
    # token; last used; count; page; housing areas
    ("local_partnership_list", {}, 5, "plan"),
    # token; last used; partnership; areas; levels; stages; activities with their counts
    ("local_partnership_detail", {"pk": "partnership"}, 7, "plan"),
]


@pytest.mark.parametrize("extra", [0, 8])
@pytest.mark.parametrize(("name", "kwargs", "queries", "who"), ENDPOINTS)
def test_query_counts_do_not_grow(
    client, cast, plan_token, django_assert_num_queries, extra, name, kwargs, queries, who
):
    _grow(cast, extra)
    objects = {
        "programme": cast.programme_a.pk,
        "course": cast.course_a.pk,
        "partnership": cast.local_partnership.pk,
    }
    secret = cast.api_secret_a if who == "secret" else plan_token
    with django_assert_num_queries(queries):
        response = api(client, secret, name, **{k: objects[v] for k, v in kwargs.items()})
    assert response.status_code == 200
