import datetime

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from participants.models import Participant
from partnerships.access import active_membership, role_required
from partnerships.models import Membership

from .. import figures
from ..models import Course, Programme, Session

START_PAGES = {
    Membership.Role.COORDINATOR: "bridging:coordinator_overview",
    Membership.Role.INSTRUCTOR: "bridging:instructor_home",
}


def home(request):
    """Send each role to its own start page."""
    membership = active_membership(request)
    if membership is None:
        return render(request, "bridging/no_membership.html")
    if membership.role == Membership.Role.STAFF:
        return redirect(membership.organisation)
    if not membership.organisation.is_project and membership.role == Membership.Role.COORDINATOR:
        return redirect("partnerships:local_overview")  # a housing plan or a municipality
    return redirect(START_PAGES[membership.role])


@role_required(Membership.Role.COORDINATOR)
def coordinator_overview(request):
    organisation = request.membership.organisation
    role_counts = dict(
        Membership.objects.visible_to(request.user)
        .filter(organisation=organisation)
        .values_list("role")
        .annotate(n=Count("pk"))
        .order_by()
    )
    team = [(label, role_counts.get(value, 0)) for value, label in Membership.Role.choices]
    status_counts = dict(
        Participant.objects.visible_to(request.user)
        .filter(organisation=organisation, anonymised_at__isnull=True)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    participants = [
        (value, label, status_counts.get(value, 0)) for value, label in Participant.Status.choices
    ]
    return render(
        request,
        "bridging/coordinator_overview.html",
        {
            "organisation": organisation,
            "team": team,
            "participants": participants,
            "programmes": Programme.objects.visible_to(request.user).filter(
                organisation=organisation
            ),
            "warning_count": figures.dropout_warnings(request.user).count(),
        },
    )


@role_required(Membership.Role.INSTRUCTOR)
def instructor_home(request):
    """Today's and this week's sessions, one tap from their attendance pages; the courses."""
    today = timezone.localdate()
    week_end = today + datetime.timedelta(days=6 - today.weekday())
    courses = Course.objects.visible_to(request.user).filter(instructors=request.user)
    sessions = list(
        Session.objects.visible_to(request.user)
        .filter(course__in=courses, date__range=(today, week_end))
        .select_related("course")
    )
    return render(
        request,
        "bridging/instructor_home.html",
        {
            "organisation": request.membership.organisation,
            "today_sessions": [s for s in sessions if s.date == today],
            "week_sessions": [s for s in sessions if s.date > today],
            "courses": courses.exclude(status=Course.Status.CANCELLED).select_related("programme"),
            "warning_count": figures.dropout_warnings(request.user).count(),
        },
    )


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """For load balancers and monitoring: up, and the database answers. No personal data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
