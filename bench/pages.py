"""The pages `make bench` times: a list of named URLs per demo user of `seed_scale`.

To add a page, add a `Page` to `PAGES`: who asks (a username, or None for a visitor who is not
signed in), a label for the table, the URL name, and how to find its arguments in the data
(`targets()` below finds the objects once).
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from bridging.models import Course, Fair, Programme, Session
from participants.models import Participant
from partnerships.models import LocalActivity, LocalPartnership, Membership, Organisation


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
    headers: dict = field(default_factory=dict)

    def url(self, targets) -> str:
        url = reverse(self.url_name, kwargs=self.kwargs(targets) if self.kwargs else None)
        return f"{url}?{self.query}" if self.query else url


def _pk(name):
    return lambda targets: {"pk": targets[name]}


def _mark(targets, number):
    """Alternate the status, so every mark after the first is a correction (the dearest)."""
    status = ("present", "absent")[number % 2]
    return {"enrolment": targets["enrolment"], "status": status}


PAGES = [
    # The coordinator of the largest project (5,000 participants).
    Page("koordinator", "coordinator start", "bridging:coordinator_overview"),
    Page("koordinator", "participant list", "participants:participant_list", load=True),
    Page("koordinator", "participant search", "participants:participant_list", query="q=Jens"),
    Page("koordinator", "participant page", "participants:participant_detail", _pk("participant")),
    Page("koordinator", "matching offers", "participants:matching_offers", _pk("participant")),
    Page("koordinator", "programme list", "bridging:programme_list"),
    Page("koordinator", "programme page", "bridging:programme_detail", _pk("programme")),
    Page("koordinator", "funnel", "bridging:programme_funnel", _pk("programme")),
    Page("koordinator", "course page", "bridging:course_detail", _pk("course")),
    Page("koordinator", "course readiness", "bridging:course_readiness", _pk("course")),
    Page("koordinator", "drop-out warnings", "bridging:dropout_warnings"),
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
    session = (
        Session.objects.filter(course__instructors=instruktor, date=today)
        .select_related("course")
        .first()
    ) or Session.objects.filter(course__instructors=instruktor).order_by("-date").first()
    course = session.course
    enrolment = course.enrolments.on_roster().order_by("pk").first()
    completed = Course.objects.filter(
        programme__organisation=project, status=Course.Status.COMPLETED
    ).first()
    boligsocial = users["boligsocial"]
    partnership = LocalPartnership.objects.visible_to(boligsocial).order_by("pk").first()
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
    }


USERNAMES = ["koordinator", "instruktor", "forening", "boligsocial"]
