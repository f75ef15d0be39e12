"""The scoped getters of the journey's views (one per object, STYLE.md habit 1)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from partnerships.access import role_required
from partnerships.models import Membership

from ..models import Course, Programme, Session

Role = Membership.Role

project_roles = role_required(Role.COORDINATOR, Role.INSTRUCTOR, hidden=True)
coordinators = role_required(Role.COORDINATOR)


def get_programme_for_user(request, pk):
    return get_object_or_404(
        Programme.objects.visible_to(request.user).select_related("organisation"), pk=pk
    )


def get_rw_programme_for_user(request, pk):
    programme = get_programme_for_user(request, pk)
    _require_coordinator_of(request, programme.organisation_id)
    return programme


def get_course_for_user(request, pk):
    return get_object_or_404(
        Course.objects.visible_to(request.user).select_related("programme__organisation"), pk=pk
    )


def get_rw_course_for_user(request, pk):
    """Course settings and enrolment are the coordinator's."""
    course = get_course_for_user(request, pk)
    _require_coordinator_of(request, course.programme.organisation_id)
    return course


def get_session_for_user(request, pk):
    """Anyone who sees the course may log its sessions: its coordinators and instructors."""
    return get_object_or_404(
        Session.objects.visible_to(request.user).select_related("course"), pk=pk
    )


def _require_coordinator_of(request, organisation_id):
    membership = request.membership
    if membership.role != Role.COORDINATOR or membership.organisation_id != organisation_id:
        raise PermissionDenied
