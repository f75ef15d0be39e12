"""The pages `make bench` times: a list of named URLs per demo user of `seed_scale`.

To add a page, add a `Page` to `PAGES`: who asks (a username, or None for a visitor who is not
signed in), a label for the table, the URL name, and how to find its arguments in the data
(`targets()` below finds the objects once).
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from bridging.models import Course, Fair, Programme, Session
from bridging.services import attendance_is_open
from participants.models import Participant
from partnerships import hsds
from partnerships.models import LocalActivity, LocalPartnership, Membership, Offer, Organisation
from partnerships.services import api_token_create


@dataclass
class Page:
    user: str | None
    label: str
    url_name: str
    kwargs: object = None  # a function of the targets returning the URL's kwargs
    query: str = ""
    method: str = "get"
    data: object = None  # a function of (targets, round number) returning the POST data
    htmx: bool = False
    load: bool = False  # also measured for requests/s under gunicorn
    headers: object = None  # a function of the targets returning request headers

    def url(self, targets) -> str:
        url = reverse(self.url_name, kwargs=self.kwargs(targets) if self.kwargs else None)
        return f"{url}?{self.query.format(**targets)}" if self.query else url


def _pk(name):
    return lambda targets: {"pk": targets[name]}


def _id(name):
    return lambda targets: {"id": targets[name]}


def _key(key):
    return lambda targets: {"key": key}


def _token_of(username):
    return lambda targets: {"Authorization": f"Bearer {targets['tokens'][username]}"}


def _mark(targets, number):
    """Alternate the status, so every mark after the first is a correction (the dearest)."""
    status = ("present", "absent")[number % 2]
    return {"enrolment": targets["enrolment"], "status": status}


PAGES = [
    # The coordinator of the largest project (5,000 participants).
    Page("koordinator", "coordinator start", "bridging:coordinator_overview"),
    Page("koordinator", "participant list", "participants:participant_list", load=True),
    Page("koordinator", "participant search", "participants:participant_list", query="q=Jens"),
    Page(
        "koordinator",
        "participant list by status",
        "participants:participant_list",
        query="status=in_course",
    ),
    Page("koordinator", "participant page", "participants:participant_detail", _pk("participant")),
    Page("koordinator", "matching offers", "participants:matching_offers", _pk("participant")),
    Page("koordinator", "programme list", "bridging:programme_list"),
    Page("koordinator", "programme page", "bridging:programme_detail", _pk("programme")),
    Page("koordinator", "funnel", "bridging:programme_funnel", _pk("programme")),
    Page("koordinator", "course page", "bridging:course_detail", _pk("course")),
    Page("koordinator", "course readiness", "bridging:course_readiness", _pk("course")),
    Page("koordinator", "drop-out warnings", "bridging:dropout_warnings"),
    Page("koordinator", "work queue (handovers)", "bridging:work_queue", _key("handovers")),
    Page("koordinator", "work queue (drifting)", "bridging:work_queue", _key("drifting")),
    Page("koordinator", "handover proposal", "bridging:handover_create", _pk("completed_course")),
    Page("koordinator", "handover list", "bridging:handover_list"),
    Page(
        "koordinator",
        "handover export",
        "bridging:handover_export",
        lambda targets: {"fmt": "csv"},
    ),
    Page(
        "koordinator",
        "handover export (Excel)",
        "bridging:handover_export",
        lambda targets: {"fmt": "xlsx"},
    ),
    Page("koordinator", "fair page", "bridging:fair_detail", _pk("fair")),
    Page(
        "koordinator",
        "fair visitor search",
        "bridging:fair_visitor_suggestions",
        _pk("fair"),
        query="participant_q=jens",
    ),
    Page("koordinator", "offer directory", "partnerships:offer_list"),
    Page("koordinator", "offer directory, page 500", "partnerships:offer_list", query="page=500"),
    Page("koordinator", "organisation list", "partnerships:organisation_list"),
    Page("koordinator", "agreement list", "partnerships:agreement_list"),
    # The instructor: courses of 30, today's session not yet marked.
    Page("instruktor", "instructor start", "bridging:instructor_home"),
    Page("instruktor", "attendance page", "bridging:session_detail", _pk("session"), load=True),
    Page(
        "instruktor",
        "marking one attendance",
        "bridging:attendance_mark",
        _pk("session"),
        method="post",
        data=_mark,
        htmx=True,
    ),
    Page("instruktor", "course page (instructor)", "bridging:course_detail", _pk("course")),
    Page("instruktor", "participant list (instructor)", "participants:participant_list"),
    Page("instruktor", "drop-out warnings (instructor)", "bridging:dropout_warnings"),
    # The association with hundreds of open handovers.
    Page("forening", "association page", "partnerships:organisation_detail", _pk("association")),
    Page("forening", "inbox", "bridging:inbox"),
    # The housing plans in 40 local partnerships.
    Page("boligsocial", "local partnerships", "partnerships:local_overview"),
    Page(
        "boligsocial",
        "local partnership page",
        "partnerships:local_partnership_detail",
        _pk("partnership"),
    ),
    Page(
        "boligsocial",
        "encounter organisation search",
        "partnerships:encounter_organisation_suggestions",
        _pk("partnership"),
        query="organisations_q=12",
    ),
    Page(
        "boligsocial", "local activity page", "partnerships:local_activity_detail", _pk("activity")
    ),
    Page("boligsocial", "local partnerships export", "partnerships:local_overview_export"),
]

# The open offer directory (HSDS 3.0): public, asked by a visitor who is not signed in.
PAGES += [
    Page(None, "hsds metadata", "hsds:root"),
    Page(None, "hsds services", "hsds:service_list"),
    Page(None, "hsds services, full", "hsds:service_list", query="full=true"),
    Page(None, "hsds services, page 100", "hsds:service_list", query="page=100"),
    Page(None, "hsds services search", "hsds:service_list", query="search=dans"),
    Page(None, "hsds services search, 2 words", "hsds:service_list", query="search=yoga+k%C3%B8ge"),
    # A word in nearly every offer, and one in a few hundred whose names sort late.
    Page(None, "hsds services search, common word", "hsds:service_list", query="search=seniorer"),
    Page(None, "hsds services search, late word", "hsds:service_list", query="search=stavgang"),
    Page(None, "hsds services by term", "hsds:service_list", query="taxonomy_term_id={term}"),
    Page(None, "hsds services by trait", "hsds:service_list", query="taxonomy_term_id={trait}"),
    Page(None, "hsds services modified", "hsds:service_list", query="modified_after={week_ago}"),
    Page(None, "hsds service", "hsds:service_detail", _id("service")),
    Page(None, "hsds organizations", "hsds:organization_list"),
    Page(None, "hsds organizations search", "hsds:organization_list", query="search=k%C3%B8ge"),
    Page(None, "hsds organization", "hsds:organization_detail", _id("organization")),
    Page(None, "hsds service_at_locations", "hsds:service_at_location_list"),
    Page(None, "hsds service_at_location", "hsds:service_at_location_detail", _id("site")),
    Page(None, "hsds taxonomy_terms", "hsds:taxonomy_term_list"),
]

# The reporting API, with a token of the user's organisation (made for the run).
PAGES += [
    Page("koordinator", "api programmes", "api:programme_list", headers=_token_of("koordinator")),
    Page("koordinator", "api courses", "api:course_list", headers=_token_of("koordinator")),
    Page(
        "koordinator",
        "api programme funnel",
        "api:programme_funnel",
        _pk("programme"),
        headers=_token_of("koordinator"),
    ),
    Page(
        "koordinator",
        "api course funnel",
        "api:course_funnel",
        _pk("course"),
        headers=_token_of("koordinator"),
    ),
    Page(
        "boligsocial",
        "api local partnerships",
        "api:local_partnership_list",
        headers=_token_of("boligsocial"),
    ),
    Page(
        "boligsocial",
        "api local partnership",
        "api:local_partnership_detail",
        _pk("partnership"),
        headers=_token_of("boligsocial"),
    ),
]


def targets() -> dict:
    """The objects the pages are about, found in the `seed_scale` data by its demo users."""
    users = {u.username: u for u in get_user_model().objects.filter(username__in=USERNAMES)}
    missing = set(USERNAMES) - set(users)
    if missing:
        raise SystemExit(
            f"No {', '.join(sorted(missing))} in this database: run "
            "`python manage.py seed_scale` first (see README, Benchmark)."
        )
    koordinator, instruktor = users["koordinator"], users["instruktor"]
    project = Membership.objects.get(user=koordinator).organisation
    programme = Programme.objects.filter(organisation=project).order_by("-starts_on").first()
    today = timezone.localdate()
    # Today's session once its attendance is open (an hour before it starts), before that the
    # latest earlier one: either way the page shows the roster and a mark is saved, whatever
    # the time of day the benchmark runs.
    session = next(
        session
        for session in Session.objects.filter(course__instructors=instruktor, date__lte=today)
        .select_related("course")
        .order_by("-date", "-start_time")[:10]
        if attendance_is_open(session) and not session.is_cancelled
    )
    course = session.course
    enrolment = course.enrolments.on_roster().order_by("pk").first()
    completed = Course.objects.filter(
        programme__organisation=project, status=Course.Status.COMPLETED
    ).first()
    boligsocial = users["boligsocial"]
    partnership = LocalPartnership.objects.visible_to(boligsocial).order_by("pk").first()
    offer = Offer.objects.published().select_related("organisation", "activity_type").first()
    return {
        "programme": programme.pk,
        "course": course.pk,
        "completed_course": completed.pk,
        "session": session.pk,
        "enrolment": enrolment.pk,
        "participant": enrolment.participant_id,
        "fair": Fair.objects.filter(programme=programme).first().pk,
        "association": Organisation.objects.get(memberships__user=users["forening"]).pk,
        "partnership": partnership.pk,
        "activity": LocalActivity.objects.filter(partnership=partnership).first().pk,
        "participants": Participant.objects.filter(organisation=project).count(),
        "service": offer.uuid,
        "site": offer.site_uuid,
        "organization": offer.organisation.uuid,
        "term": offer.activity_type.uuid,
        "trait": hsds.derived_id(hsds.NAMESPACE, "term:suits_newcomers"),
        "week_ago": (timezone.localdate() - datetime.timedelta(days=7)).isoformat(),
        "tokens": {
            "koordinator": _token(koordinator, project),
            "boligsocial": _token(boligsocial, partnership.housing_plan),
        },
    }


def _token(user, organisation) -> str:
    """A new API token of the organisation for this run, made as a coordinator makes one."""
    _made, secret = api_token_create(organisation=organisation, name="make bench", user=user)
    return secret


USERNAMES = ["koordinator", "instruktor", "forening", "boligsocial"]
