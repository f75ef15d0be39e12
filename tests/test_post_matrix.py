"""The POST matrix (issue 12, item 9): every state-changing URL that acts on a tenant's object
or creates something under the user's own organisation, posted by every role of both tenants
(and the outsider, the Model 2 coordinators and someone signed out), with data that would change
something if it were let through. Whoever may not use it gets a 404 (or a 403 where the page is
closed to their role, or they may see the object), the signed-out visitor the login page, and
the database is re-read unchanged.

The cast is built once for the module; each test runs in its own transaction inside it, rolled
back afterwards, so the 400-odd posts stay fast on PostgreSQL and SQLite alike.
"""

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.test_access_matrix import MATRIX

ROLES = [
    "anonymous",
    "coordinator_a",
    "instructor_a",
    "staff_a",
    "coordinator_b",
    "instructor_b",
    "staff_b",
    "outsider",
    "plan_coordinator",
]
A_SIDE = {"coordinator_a": "coordinator", "instructor_a": "instructor", "staff_a": "staff"}
MODEL_2 = {"plan_coordinator"}


def kwargs_of(name):
    return MATRIX[name][1]


def offer_form(cast):
    return {"name": "Overtaget", "activity_type": cast.offer_a.activity_type_id, "venue": "Hal",
            "municipality": "Roskilde", "weekdays": ["1"], "start_time": "10:00",
            "end_time": "11:00", "season": "all_year", "level": "gentle", "fee": "1",
            "fee_period": "month", "payment": "cash", "free_places": "0", "is_active": "",
            "version": str(cast.offer_a.free_places)}  # fmt: skip


def course_form(cast):
    return {"name": "Overtaget", "venue": "Hal", "weekday": "2", "start_time": "10:00",
            "end_time": "11:00", "start_date": "2026-09-02", "weeks": "1", "capacity": "1",
            "status": "cancelled", "instructors": [cast.instructor_b.pk]}  # fmt: skip


# url name: (URL kwargs from the cast, POST data from the cast, the roles allowed to use it)
COORDINATOR = {"coordinator_a"}
PROJECT = {"coordinator_a", "instructor_a"}
POSTS = {
    "participants:participant_update": (
        lambda cast: {"first_name": "Overtaget", "last_name": "X", "birth_year": "1950"},
        COORDINATOR,
    ),
    "participants:consent_create": (
        lambda cast: {"purpose": "follow_up", "given_on": "2026-03-01", "method": "paper"},
        COORDINATOR,
    ),
    "participants:consent_withdraw": (lambda cast: {"withdrawn_on": "2026-02-01"}, COORDINATOR),
    "participants:participant_withdraw": (
        lambda cast: {"withdrawn_on": "2026-02-01", "reason": "Flyttet"},
        COORDINATOR,
    ),
    "participants:participant_return": (lambda cast: {}, COORDINATOR),
    "participants:participant_anonymise": (
        lambda cast: {"confirm": "on", "name": str(cast.participant_a)},
        COORDINATOR,
    ),
    "bridging:programme_update": (
        lambda cast: {"name": "Overtaget", "starts_on": "2026-01-01", "ends_on": "2026-12-31"},
        COORDINATOR,
    ),
    "bridging:course_create": (course_form, COORDINATOR),
    "bridging:course_update": (course_form, COORDINATOR),
    "bridging:enrolment_create": (
        lambda cast: {"participant": cast.participant_a.pk},
        COORDINATOR,
    ),
    "bridging:course_complete": (lambda cast: {}, COORDINATOR),
    "bridging:course_complete_undo": (lambda cast: {"confirm": "on"}, COORDINATOR),
    "bridging:enrolment_withdraw": (lambda cast: {"reason": "Flyttet"}, COORDINATOR),
    "bridging:session_create": (
        lambda cast: {"date": "2026-11-26", "start_time": "10:00", "end_time": "11:00"},
        PROJECT,
    ),
    "bridging:session_update": (
        lambda cast: {"date": "2026-11-27", "start_time": "12:00", "end_time": "13:00"},
        PROJECT,
    ),
    "bridging:session_cancel": (lambda cast: {"reason": "Hallen er lukket"}, PROJECT),
    "bridging:session_log": (lambda cast: {"content": "Overtaget"}, PROJECT),
    "bridging:attendance_mark": (
        lambda cast: {"enrolment": cast.enrolment_a.pk, "status": "absent"},
        PROJECT,
    ),
    "bridging:attendance_mark_all": (lambda cast: {}, PROJECT),
    "bridging:assessment_create": (
        lambda cast: {
            "kind": "ad_hoc",
            **dict.fromkeys(
                [
                    "knows_offers",
                    "knows_purpose",
                    "takes_part",
                    "has_vision",
                    "joy",
                    "progress",
                    "manages",
                    "belonging",
                ],
                "1",
            ),
        },
        PROJECT,
    ),  # fmt: skip
    "bridging:questionnaire_create": (lambda cast: {"kind": "end"}, PROJECT),
    "bridging:questionnaire_open_here": (
        lambda cast: {"token": cast.questionnaire_token_a},
        PROJECT,
    ),
    "bridging:fair_create": (
        lambda cast: {"name": "Overtaget", "date": "2026-12-01", "place": "Hal"},
        COORDINATOR,
    ),
    "bridging:fair_update": (
        lambda cast: {"name": "Overtaget", "date": "2026-12-01", "place": "Hal"},
        COORDINATOR,
    ),
    "bridging:fair_interest": (
        lambda cast: {"offer": cast.offer_a.pk, "level": "trial"},
        PROJECT,
    ),
    "bridging:handover_create": (
        lambda cast: {
            "mode": "individual",
            "offer": cast.offer_a.pk,
            "enrolments": [cast.enrolment_a.pk],
            "send_now": "on",
        },
        COORDINATOR,
    ),  # fmt: skip
    "bridging:continuing_offer_create": (
        lambda cast: {
            "organisation": cast.association_b.pk,
            "activity_type": cast.offer_a.activity_type_id,
        },
        COORDINATOR,
    ),  # fmt: skip
    "bridging:handover_transition": (lambda cast: {}, {"coordinator_a", "staff_a"}),
    "bridging:handover_accept_group": (
        lambda cast: {"first_session_on": "2026-12-02", "buddy": "Frida"},
        {"staff_a"},
    ),
    "bridging:follow_up_answer": (lambda cast: {"answer": "active"}, {"coordinator_a", "staff_a"}),
    "partnerships:offer_create": (offer_form, {"staff_a"}),
    "partnerships:offer_update": (offer_form, {"staff_a"}),
    "partnerships:offer_free_places": (lambda cast: {"free_places": "0"}, {"staff_a"}),
    "partnerships:agreement_update": (
        lambda cast: {
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "project_contact": "Overtaget",
            "receiver_contact": "Overtaget",
        },
        COORDINATOR,
    ),  # fmt: skip
    "partnerships:agreement_transition": (lambda cast: {}, COORDINATOR),
    "partnerships:readiness_checklist": (
        lambda cast: {"p_ready-answer": "no", "r_admin-answer": "no"},
        {"coordinator_a", "staff_a"},
    ),
    "partnerships:local_partnership_record": (
        lambda cast: {"level": "3", "changed_on": "2026-01-01", "reason": "Overtaget"},
        MODEL_2,
    ),
    "partnerships:action_plan_save": (lambda cast: {"text": "Overtaget"}, MODEL_2),
    "partnerships:local_activity_create": (lambda cast: {"title": "Overtaget"}, MODEL_2),
    "partnerships:local_activity_update": (lambda cast: {"title": "Overtaget"}, MODEL_2),
    "partnerships:description_create": (
        lambda cast: {"kind": "description", "text": "Overtaget"},
        MODEL_2,
    ),
    "partnerships:registration_create": (
        lambda cast: {"date": "2026-01-01", "participants": "5", "new": "1"},
        MODEL_2,
    ),
    "partnerships:api_token_revoke": (lambda cast: {}, COORDINATOR),
}

# URLs that create or change something under the user's own organisation: every coordinator may
# use them for their own (a housing plan's too: an estate can run a programme of its own), so they
# are posted by the roles that may not use them at all.
COORDINATORS = {"coordinator_a", "coordinator_b", *MODEL_2}
POSTS |= {
    "participants:participant_create": (
        lambda cast: {
            "first_name": "Overtaget",
            "last_name": "X",
            "birth_year": "1950",
            "gender": "female",
            "municipality": "Køge",
        },  # fmt: skip
        COORDINATORS,
    ),
    "participants:instructor_access": (lambda cast: {"allow": "1"}, COORDINATORS),
    "bridging:programme_create": (
        lambda cast: {"name": "Overtaget", "starts_on": "2026-01-01", "ends_on": "2026-12-31"},
        COORDINATORS,
    ),
    "partnerships:agreement_create": (
        lambda cast: {"receiver": cast.association_a.pk, "starts_on": "2026-01-01"},
        COORDINATORS,
    ),
    "partnerships:local_partnership_create": (
        lambda cast: {"name": "Overtaget", "started_on": "2026-01-01"},
        COORDINATORS | MODEL_2,
    ),
    "partnerships:api_token_list": (lambda cast: {"name": "Overtaget"}, COORDINATORS),
    "bridging:calendar_settings": (
        lambda cast: {"action": "renew", "confirm": "on"},
        COORDINATORS | {"instructor_a", "instructor_b"},
    ),
}

# The tables a refused post must leave as they were: every table of the three apps and the users.
WATCHED = [
    *apps.get_app_config("partnerships").get_models(),
    *apps.get_app_config("participants").get_models(),
    *apps.get_app_config("bridging").get_models(),
    apps.get_model("auth", "User"),
]


def database_state(models):
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in models
    }


def writes(queries):
    """The statements that changed a table other than the session store."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "django_session" not in q["sql"]
    ]


@pytest.fixture(scope="module")
def shared_cast(module_cast, django_db_blocker):
    """Tables holding the cast's rows are re-read in full; a write to any table is caught as it
    happens (see `writes`)."""
    with django_db_blocker.unblock():
        module_cast.filled = [model for model in WATCHED if model._base_manager.exists()]
    return module_cast


def test_every_state_changing_object_url_is_in_the_post_matrix():
    """Object URLs that change state (a POST row in the GET matrix, or a form on a tenant's
    object) must be here."""
    posted_in_matrix = {
        name
        for name, (method, kwargs, _data, _expected) in MATRIX.items()
        if method == "post" and kwargs is not None
    }
    missing = sorted(posted_in_matrix - set(POSTS) - {"partnerships:switch_organisation"})
    assert missing == [], f"Add these URL names to POSTS: {missing}"


CASES = [
    (name, role)
    for name, (_data, allowed) in POSTS.items()
    for role in ROLES
    if role not in allowed
]


@pytest.mark.parametrize(("url_name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_refused_posts_change_nothing(client, shared_cast, db, url_name, role):
    cast = shared_cast
    data, _allowed = POSTS[url_name]
    kwargs = kwargs_of(url_name)
    url = reverse(url_name, kwargs=kwargs(cast) if kwargs else None)
    if role != "anonymous":
        client.force_login(cast.user(role))
    before = database_state(cast.filled)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data(cast))
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    else:
        assert response.status_code in (403, 404), response.status_code
        if role.endswith("_b") or role in ("outsider", "plan_coordinator"):
            # Another tenant learns nothing: a 404, or the 403 their role gets on every such page.
            get_status = MATRIX[url_name][3].get("coordinator_b")
            if role == "coordinator_b" and get_status in (403, 404):
                assert response.status_code == get_status
    assert writes(queries.captured_queries) == []
    assert database_state(cast.filled) == before
