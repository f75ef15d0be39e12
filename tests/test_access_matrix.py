"""The URL x role matrix (QUALITY.md, Access): every URL name, every role, the expected status.

A view added without a row here fails `test_every_url_name_is_in_the_matrix`. Object URLs point
at project A's objects, so the B-side roles and the outsider show what another tenant gets: a 404,
never the page. Django's admin keeps its own staff check; only its index is listed.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from partnerships import hsds
from partnerships.models import Membership

ROLES = ["anonymous", "coordinator_a", "instructor_a", "staff_a", "coordinator_b", "outsider"]


def statuses(*codes):
    assert len(codes) == len(ROLES)
    return dict(zip(ROLES, codes, strict=True))


def participant_a(cast):
    return {"pk": cast.participant_a.pk}


def programme_a(cast):
    return {"pk": cast.programme_a.pk}


def course_a(cast):
    return {"pk": cast.course_a.pk}


def session_a(cast):
    return {"pk": cast.session_a.pk}


def offer_a(cast):
    return {"pk": cast.offer_a.pk}


def agreement_a(cast):
    return {"pk": cast.agreement_a.pk}


def fair_a(cast):
    return {"pk": cast.fair_a.pk}


def local_partnership(cast):
    return {"pk": cast.local_partnership.pk}


def local_activity(cast):
    return {"pk": cast.local_activity.pk}


def own_membership(cast, user):
    membership = Membership.objects.filter(user=cast.coordinator_a).first()
    return {"membership": membership.pk}


# url name: (method, kwargs from the cast, POST data from the cast and user, expected statuses)
#                                     anon coord_a instr_a staff_a coord_b outsider
MATRIX = {
    "home": ("get", None, None, statuses(302, 302, 302, 302, 302, 200)),
    "healthz": ("get", None, None, statuses(200, 200, 200, 200, 200, 200)),
    "login": ("get", None, None, statuses(200, 200, 200, 200, 200, 200)),
    "logout": ("post", None, None, statuses(302, 302, 302, 302, 302, 302)),
    "password_change": ("get", None, None, statuses(302, 200, 200, 200, 200, 200)),
    "password_change_done": ("get", None, None, statuses(302, 200, 200, 200, 200, 200)),
    "password_reset": ("get", None, None, statuses(200, 200, 200, 200, 200, 200)),
    "password_reset_done": ("get", None, None, statuses(200, 200, 200, 200, 200, 200)),
    "password_reset_confirm": (
        "get",
        lambda cast: {"uidb64": "MQ", "token": "wrong-token"},
        None,
        statuses(200, 200, 200, 200, 200, 200),
    ),
    "password_reset_complete": ("get", None, None, statuses(200, 200, 200, 200, 200, 200)),
    "set_language": (
        "post",
        None,
        lambda cast, user: {"language": "en", "next": "/"},
        statuses(302, 302, 302, 302, 302, 302),
    ),
    "admin:index": ("get", None, None, statuses(302, 302, 302, 302, 302, 302)),
    "bridging:coordinator_overview": ("get", None, None, statuses(302, 200, 403, 403, 200, 403)),
    "bridging:work_queue": (
        "get",
        lambda cast: {"key": "handovers"},
        None,
        statuses(302, 200, 403, 403, 200, 403),
    ),
    "bridging:instructor_home": ("get", None, None, statuses(302, 403, 200, 403, 403, 403)),
    "partnerships:organisation_list": ("get", None, None, statuses(302, 200, 200, 200, 200, 200)),
    "partnerships:organisation_detail": (
        "get",
        lambda cast: {"pk": cast.project_a.pk},
        None,
        statuses(302, 200, 200, 200, 200, 404),
    ),
    "partnerships:organisation_members": (
        "get",
        lambda cast: {"pk": cast.project_a.pk},
        None,
        statuses(302, 200, 200, 404, 404, 404),
    ),
    "partnerships:switch_organisation": (
        "post",
        None,
        own_membership,
        statuses(302, 302, 404, 404, 404, 404),
    ),
    # Participants: coordinators read and write, instructors read (when the project allows it),
    # association staff and outsiders never learn the pages exist.
    "participants:participant_list": ("get", None, None, statuses(302, 200, 200, 404, 200, 404)),
    "participants:participant_create": (
        "get",
        None,
        None,
        statuses(302, 200, 403, 404, 200, 404),
    ),
    "participants:participant_detail": (
        "get",
        participant_a,
        None,
        statuses(302, 200, 200, 404, 404, 404),
    ),
    "participants:participant_update": (
        "get",
        participant_a,
        None,
        statuses(302, 200, 403, 404, 404, 404),
    ),
    "participants:consent_create": (
        "get",
        participant_a,
        None,
        statuses(302, 200, 403, 404, 404, 404),
    ),
    "participants:consent_organisation_suggestions": (
        "get",
        None,
        None,
        statuses(302, 200, 403, 404, 200, 404),
    ),
    "participants:consent_withdraw": (
        "post",
        lambda cast: {"pk": cast.participant_a.pk, "consent_pk": cast.consent_a.pk},
        lambda cast, user: {"withdrawn_on": "2026-02-01"},
        statuses(302, 302, 403, 404, 404, 404),
    ),
    "participants:participant_export_json": (
        "get",
        participant_a,
        None,
        statuses(302, 200, 403, 404, 404, 404),
    ),
    "participants:participant_export_page": (
        "get",
        participant_a,
        None,
        statuses(302, 200, 403, 404, 404, 404),
    ),
    "participants:participant_withdraw": (
        "get",
        participant_a,
        None,
        statuses(302, 200, 403, 404, 404, 404),
    ),
    # participant_a has not left: the coordinator is sent back to her page (tests of the page
    # itself: tests/bridging/test_leaving_withdraws_handovers.py).
    "participants:participant_return": (
        "get",
        participant_a,
        None,
        statuses(302, 302, 403, 404, 404, 404),
    ),
    "participants:participant_anonymise": (
        "get",
        participant_a,
        None,
        statuses(302, 200, 403, 404, 404, 404),
    ),
    "participants:instructor_access": (
        "post",
        None,
        lambda cast, user: {"allow": "0", "confirm": "on"},
        statuses(302, 302, 403, 404, 302, 404),
    ),
    # The journey: programmes are the coordinator's; courses and sessions are shared with the
    # course's instructors; association staff never see them.
    "bridging:dropout_warnings": ("get", None, None, statuses(302, 200, 200, 404, 200, 404)),
    "bridging:programme_list": ("get", None, None, statuses(302, 200, 403, 403, 200, 403)),
    "bridging:programme_create": ("get", None, None, statuses(302, 200, 403, 403, 200, 403)),
    "bridging:programme_detail": ("get", programme_a, None, statuses(302, 200, 403, 403, 404, 403)),
    "bridging:programme_update": ("get", programme_a, None, statuses(302, 200, 403, 403, 404, 403)),
    "bridging:course_create": ("get", programme_a, None, statuses(302, 200, 403, 403, 404, 403)),
    "bridging:course_detail": ("get", course_a, None, statuses(302, 200, 200, 404, 404, 404)),
    "bridging:course_update": ("get", course_a, None, statuses(302, 200, 403, 403, 404, 403)),
    "bridging:enrolment_create": ("get", course_a, None, statuses(302, 200, 403, 403, 404, 403)),
    "bridging:enrolment_suggestions": (
        "get",
        course_a,
        lambda cast, user: {"participant_q": "a"},
        statuses(302, 200, 403, 403, 404, 403),
    ),
    "bridging:participant_enrol": (
        "get",
        participant_a,
        None,
        statuses(302, 200, 403, 403, 404, 403),
    ),
    "bridging:course_complete": ("post", course_a, None, statuses(302, 302, 403, 403, 404, 403)),
    "bridging:course_complete_undo": (
        "post",
        course_a,
        lambda cast, user: {"confirm": "on"},
        statuses(302, 302, 403, 403, 404, 403),
    ),
    "bridging:enrolment_withdraw": (
        "post",
        lambda cast: {"pk": cast.course_a.pk, "enrolment_pk": cast.enrolment_a.pk},
        lambda cast, user: {"reason": "Flyttet"},
        statuses(302, 302, 403, 403, 404, 403),
    ),
    "bridging:session_create": ("get", course_a, None, statuses(302, 200, 200, 404, 404, 404)),
    "bridging:session_detail": ("get", session_a, None, statuses(302, 200, 200, 404, 404, 404)),
    "bridging:session_update": ("get", session_a, None, statuses(302, 200, 200, 404, 404, 404)),
    "bridging:session_cancel": (
        "post",
        session_a,
        lambda cast, user: {"reason": "Hallen er lukket"},
        statuses(302, 302, 302, 404, 404, 404),
    ),
    "bridging:session_log": (
        "post",
        session_a,
        lambda cast, user: {"content": "Stolegymnastik"},
        statuses(302, 302, 302, 404, 404, 404),
    ),
    "bridging:attendance_mark": (
        "post",
        session_a,
        lambda cast, user: {"enrolment": cast.enrolment_a.pk, "status": "present"},
        statuses(302, 302, 302, 404, 404, 404),
    ),
    "bridging:attendance_mark_all": (
        "post",
        session_a,
        None,
        statuses(302, 302, 302, 404, 404, 404),
    ),
    "bridging:course_readiness": ("get", course_a, None, statuses(302, 200, 200, 404, 404, 404)),
    "bridging:assessment_create": (
        "get",
        lambda cast: {"pk": cast.enrolment_a.pk},
        None,
        statuses(302, 200, 200, 404, 404, 404),
    ),
    "bridging:questionnaire_create": (
        "post",
        lambda cast: {"pk": cast.enrolment_a.pk},
        lambda cast, user: {"kind": "end"},
        statuses(302, 302, 302, 404, 404, 404),
    ),
    "bridging:questionnaire_created": (
        "get",
        lambda cast: {"pk": cast.questionnaire_a.pk},
        None,
        statuses(302, 200, 200, 404, 404, 404),
    ),
    "bridging:questionnaire_open_here": (
        "post",
        lambda cast: {"pk": cast.questionnaire_a.pk},
        lambda cast, user: {"token": cast.questionnaire_token_a},
        statuses(302, 302, 302, 404, 404, 404),
    ),
    # The participant's own link: no login, the secret is the key.
    "bridging:questionnaire_answer": (
        "get",
        lambda cast: {"token": cast.questionnaire_token_a},
        None,
        statuses(200, 200, 200, 200, 200, 200),
    ),
    "bridging:course_offers": ("get", course_a, None, statuses(302, 200, 200, 404, 404, 404)),
    "bridging:attendance_sheet": ("get", course_a, None, statuses(302, 200, 200, 404, 404, 404)),
    "bridging:fair_create": ("get", programme_a, None, statuses(302, 200, 403, 403, 404, 403)),
    "bridging:fair_detail": ("get", fair_a, None, statuses(302, 200, 200, 404, 404, 404)),
    "bridging:fair_update": ("get", fair_a, None, statuses(302, 200, 403, 403, 404, 403)),
    "bridging:fair_visitor": (
        "get",
        fair_a,
        lambda cast, user: {"participant": cast.participant_a.pk},
        statuses(302, 200, 200, 404, 404, 404),
    ),
    "bridging:fair_visitor_suggestions": (
        "get",
        fair_a,
        None,
        statuses(302, 200, 200, 404, 404, 404),
    ),
    "bridging:handover_offer_suggestions": (
        "get",
        None,
        None,
        statuses(302, 200, 403, 403, 200, 403),
    ),
    "bridging:continuing_offer_organisation_suggestions": (
        "get",
        None,
        None,
        statuses(302, 200, 403, 403, 200, 403),
    ),
    "bridging:fair_organisation_suggestions": (
        "get",
        None,
        None,
        statuses(302, 200, 403, 403, 200, 403),
    ),
    "bridging:fair_interest": (
        "post",
        lambda cast: {"pk": cast.fair_a.pk, "participant_pk": cast.participant_a.pk},
        lambda cast, user: {"offer": cast.offer_a.pk, "level": "trial"},
        statuses(302, 302, 302, 404, 404, 404),
    ),
    "participants:matching_offers": (
        "get",
        participant_a,
        None,
        statuses(302, 200, 200, 404, 404, 404),
    ),
    # Offers: a shared directory; kept by the organisation's own staff (coordinators keep them
    # only for unstaffed organisations their project works with: tests/partnerships/test_offers.py).
    "partnerships:offer_list": ("get", None, None, statuses(302, 200, 200, 200, 200, 200)),
    "partnerships:offer_detail": ("get", offer_a, None, statuses(302, 200, 200, 200, 200, 404)),
    "partnerships:offer_create": (
        "get",
        lambda cast: {"pk": cast.association_a.pk},
        None,
        statuses(302, 404, 404, 200, 404, 404),
    ),
    "partnerships:offer_update": ("get", offer_a, None, statuses(302, 404, 404, 200, 404, 404)),
    "partnerships:offer_free_places": (
        "post",
        offer_a,
        lambda cast, user: {"free_places": "4"},
        statuses(302, 404, 404, 302, 404, 404),
    ),
    # Agreements: the two parties only.
    "partnerships:agreement_list": ("get", None, None, statuses(302, 200, 404, 200, 200, 404)),
    "partnerships:agreement_create": ("get", None, None, statuses(302, 200, 403, 403, 200, 403)),
    "partnerships:agreement_detail": (
        "get",
        agreement_a,
        None,
        statuses(302, 200, 404, 200, 404, 404),
    ),
    "partnerships:agreement_update": (
        "get",
        agreement_a,
        None,
        statuses(302, 200, 403, 403, 404, 403),
    ),
    "partnerships:agreement_print": (
        "get",
        agreement_a,
        None,
        statuses(302, 200, 404, 200, 404, 404),
    ),
    "partnerships:agreement_transition": (
        "post",
        lambda cast: {"pk": cast.agreement_a.pk, "action": "send"},
        None,
        statuses(302, 302, 404, 403, 404, 404),
    ),
    "partnerships:readiness_checklist": (
        "get",
        lambda cast: {"project_pk": cast.project_a.pk, "receiver_pk": cast.association_a.pk},
        None,
        statuses(302, 200, 404, 200, 404, 404),
    ),
    # The bridge: coordinators of the project; the receiving organisation's staff in the inbox.
    "bridging:handover_create": ("get", course_a, None, statuses(302, 200, 403, 403, 404, 403)),
    "bridging:continuing_offer_create": (
        "post",
        course_a,
        lambda cast, user: {
            "organisation": cast.association_a.pk,
            "activity_type": cast.offer_a.activity_type_id,
        },
        statuses(302, 302, 403, 403, 404, 403),
    ),  # fmt: skip
    "bridging:handover_list": ("get", None, None, statuses(302, 200, 403, 403, 200, 403)),
    "bridging:handover_export": (
        "get",
        lambda cast: {"fmt": "csv"},
        None,
        statuses(302, 200, 403, 403, 200, 403),
    ),
    "bridging:handover_detail": (
        "get",
        lambda cast: {"pk": cast.member_a.handover_id},
        None,
        statuses(302, 200, 403, 403, 404, 403),
    ),
    "bridging:handover_transition": (
        "post",
        lambda cast: {"pk": cast.member_a.pk, "action": "start"},
        None,
        statuses(302, 302, 404, 302, 404, 404),
    ),
    "bridging:handover_accept_group": (
        "post",
        lambda cast: {"pk": cast.member_a.handover_id},
        lambda cast, user: {"first_session_on": "2026-12-02", "buddy": "Frida"},
        statuses(302, 403, 404, 302, 404, 404),
    ),
    "bridging:follow_up_answer": (
        "post",
        lambda cast: {"pk": cast.follow_up_a.pk},
        lambda cast, user: {"answer": "active"},
        statuses(302, 302, 404, 302, 404, 404),
    ),
    "bridging:inbox": ("get", None, None, statuses(302, 404, 404, 200, 404, 404)),
    "bridging:programme_funnel": ("get", programme_a, None, statuses(302, 200, 403, 403, 404, 403)),
    "bridging:funnel_course_suggestions": (
        "get",
        programme_a,
        lambda cast, user: {"course_q": "hold"},
        statuses(302, 200, 403, 403, 404, 403),
    ),
    "bridging:funnel_export": (
        "get",
        lambda cast: {"pk": cast.programme_a.pk, "fmt": "xlsx"},
        None,
        statuses(302, 200, 403, 403, 404, 403),
    ),
    # Model 2: only the coordinators of the partnership's housing plan and municipality (not in
    # this cast's roles: see tests/partnerships/test_local_partnerships.py) see a partnership.
    "partnerships:local_overview": ("get", None, None, statuses(302, 200, 404, 404, 200, 404)),
    "partnerships:local_overview_export": (
        "get",
        None,
        None,
        statuses(302, 200, 404, 404, 200, 404),
    ),
    "partnerships:local_partnership_create": (
        "get",
        None,
        None,
        statuses(302, 302, 404, 404, 302, 404),
    ),
    "partnerships:local_partnership_detail": (
        "get",
        local_partnership,
        None,
        statuses(302, 404, 404, 404, 404, 404),
    ),
    "partnerships:encounter_organisation_suggestions": (
        "get",
        local_partnership,
        None,
        statuses(302, 404, 404, 404, 404, 404),
    ),
    "partnerships:local_partnership_record": (
        "post",
        lambda cast: {"pk": cast.local_partnership.pk, "what": "level"},
        lambda cast, user: {"level": "1", "changed_on": "2026-01-01", "reason": "x"},
        statuses(302, 404, 404, 404, 404, 404),
    ),
    "partnerships:action_plan_save": (
        "post",
        local_partnership,
        None,
        statuses(302, 404, 404, 404, 404, 404),
    ),
    "partnerships:local_activity_create": (
        "get",
        local_partnership,
        None,
        statuses(302, 404, 404, 404, 404, 404),
    ),
    "partnerships:local_activity_detail": (
        "get",
        local_activity,
        None,
        statuses(302, 404, 404, 404, 404, 404),
    ),
    "partnerships:local_activity_update": (
        "get",
        local_activity,
        None,
        statuses(302, 404, 404, 404, 404, 404),
    ),
    "partnerships:description_create": (
        "post",
        local_activity,
        lambda cast, user: {"kind": "description", "text": "x"},
        statuses(302, 404, 404, 404, 404, 404),
    ),
    "partnerships:registration_create": (
        "post",
        local_activity,
        lambda cast, user: {"date": "2026-01-01", "participants": "5", "new": "1"},
        statuses(302, 404, 404, 404, 404, 404),
    ),
    # API tokens: coordinators, for the organisation they act for.
    "partnerships:api_token_list": ("get", None, None, statuses(302, 200, 403, 403, 200, 403)),
    "partnerships:api_token_revoke": (
        "post",
        lambda cast: {"pk": cast.api_token_a.pk},
        None,
        statuses(302, 302, 403, 403, 404, 403),
    ),
    # The open offer directory (HSDS): public, no login.
    **{
        f"hsds:{name}": ("get", kwargs, None, statuses(200, 200, 200, 200, 200, 200))
        for name, kwargs in [
            ("root", None),
            ("service_list", None),
            ("service_detail", lambda cast: {"id": cast.offer_a.uuid}),
            ("organization_list", None),
            ("organization_detail", lambda cast: {"id": cast.association_a.uuid}),
            ("service_at_location_list", None),
            ("service_at_location_detail", lambda cast: {"id": cast.offer_a.site_uuid}),
            ("taxonomy_list", None),
            ("taxonomy_detail", lambda cast: {"id": hsds.ACTIVITY_TYPES}),
            ("taxonomy_term_list", None),
            ("taxonomy_term_detail", lambda cast: {"id": cast.offer_a.activity_type.uuid}),
        ]
    },
    # The reporting API: a token, never the session (tests/bridging/test_reporting_api.py).
    "api_schema": ("get", None, None, statuses(200, 200, 200, 200, 200, 200)),
    "api_docs": ("get", None, None, statuses(200, 200, 200, 200, 200, 200)),
    **{
        f"api:{name}": ("get", kwargs, None, statuses(401, 401, 401, 401, 401, 401))
        for name, kwargs in [
            ("programme_list", None),
            ("programme_funnel", programme_a),
            ("course_list", None),
            ("course_funnel", course_a),
            ("local_partnership_list", None),
            ("local_partnership_detail", local_partnership),
        ]
    },
    "bridging:calendar_settings": ("get", None, None, statuses(302, 200, 200, 404, 200, 404)),
    # The secret address is the credential (calendar apps cannot log in).
    "bridging:calendar_feed": (
        "get",
        lambda cast: {"token": cast.feed_token_a},
        None,
        statuses(200, 200, 200, 200, 200, 200),
    ),
}

# URLs that change state: a GET must be refused (405) for a signed-in user.
POST_ONLY = [
    "logout",
    ("bridging:questionnaire_open_here", lambda cast: {"pk": cast.questionnaire_a.pk}),
    "partnerships:switch_organisation",
    "participants:instructor_access",
    ("bridging:handover_accept_group", lambda cast: {"pk": cast.member_a.handover_id}),
    ("partnerships:api_token_revoke", lambda cast: {"pk": cast.api_token_a.pk}),
    (
        "participants:consent_withdraw",
        lambda cast: {"pk": cast.participant_a.pk, "consent_pk": cast.consent_a.pk},
    ),
]


def _url_names(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            if namespace == "admin:":
                continue
            yield from _url_names(pattern, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{prefix}{pattern.name}"


def test_every_url_name_is_in_the_matrix():
    missing = sorted(set(_url_names()) - set(MATRIX))
    assert missing == [], f"Add these URL names to MATRIX: {missing}"


CASES = [(name, role) for name in MATRIX for role in ROLES]


@pytest.mark.parametrize(("url_name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_url_role_matrix(client, module_cast, db, url_name, role):
    cast = module_cast
    method, kwargs, data, expected = MATRIX[url_name]
    user = None if role == "anonymous" else cast.user(role)
    if user is not None:
        client.force_login(user)
    url = reverse(url_name, kwargs=kwargs(cast) if kwargs else None)
    payload = data(cast, user) if data else {}
    response = getattr(client, method)(url, payload)
    assert response.status_code == expected[role]


@pytest.mark.parametrize("entry", POST_ONLY, ids=lambda e: e if isinstance(e, str) else e[0])
def test_get_on_a_state_changing_url_is_405(client, module_cast, db, entry):
    cast = module_cast
    url_name, kwargs = entry if isinstance(entry, tuple) else (entry, None)
    client.force_login(cast.coordinator_a)
    assert client.get(reverse(url_name, kwargs=kwargs(cast) if kwargs else None)).status_code == 405
