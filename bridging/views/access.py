"""The scoped getters of the journey's views (one per object, STYLE.md habit 1)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from common.prepared import Prepared
from partnerships.access import role_required
from partnerships.models import Membership
from partnerships.models.organisations import LOADED_MEMBERSHIPS

from .. import work_queue
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


def get_course_for_user(request, pk, shown_status=False):
    """The course, with its `shown_status` (Course.shown_status_expression) when asked."""
    courses = Course.objects.visible_to(request.user).select_related("programme__organisation")
    if shown_status:
        courses = courses.with_shown_status()
    return get_object_or_404(courses, pk=pk)


def get_rw_course_for_user(request, pk):
    """Course settings and enrolment are the coordinator's."""
    course = get_course_for_user(request, pk)
    _require_coordinator_of(request, course.programme.organisation_id)
    return course


def get_session_for_user(request, pk, marks=False):
    """Anyone who sees the course may log its sessions: its coordinators and instructors.
    With its course, or with `marks`, the marks counted for the attendance bar
    (`work_queue.with_marks`) instead. On every tap in the sports hall, so the query is the
    one `Session.objects.visible_to` writes, built once per process and shape (`Prepared`)."""
    user = request.user
    if (
        user.is_authenticated
        and user.is_active
        and not user.is_superuser
        and getattr(user, LOADED_MEMBERSHIPS, None) is not None
    ):
        # What `visible_to` reads of the user (see `course_scope`): their id and the projects
        # where they coordinate or teach, from the memberships this request has read.
        coordinated = Membership.objects.organisation_ids_of(user, Role.COORDINATOR)
        teaching = Membership.objects.organisation_ids_of(user, Role.INSTRUCTOR)
        if not coordinated and not teaching:
            raise Http404
        session = _SESSION_LOOKUPS[marks].get_or_none(
            user=user.pk, pk=pk, coordinated=coordinated, teaching=teaching
        )
        if session is None:
            raise Http404
        return session
    sessions = Session.objects.visible_to(user)
    sessions = work_queue.with_marks(sessions) if marks else sessions.select_related("course")
    return get_object_or_404(sessions, pk=pk)


def _session_lookup(marks):
    def build(user, pk, coordinated, teaching):
        # A user with the same memberships, by id: `visible_to` reads nothing else of them.
        stand_in = get_user_model()(pk=user, is_active=True, is_superuser=False)
        memberships = [
            Membership(organisation_id=id_, role=Role.COORDINATOR) for id_ in coordinated
        ]
        memberships += [Membership(organisation_id=id_, role=Role.INSTRUCTOR) for id_ in teaching]
        setattr(stand_in, LOADED_MEMBERSHIPS, memberships)
        sessions = Session.objects.visible_to(stand_in)
        sessions = work_queue.with_marks(sessions) if marks else sessions.select_related("course")
        return sessions.filter(pk=pk)

    return Prepared(build)


_SESSION_LOOKUPS = {marks: _session_lookup(marks) for marks in (False, True)}


def _require_coordinator_of(request, organisation_id):
    membership = request.membership
    if membership.role != Role.COORDINATOR or membership.organisation_id != organisation_id:
        raise PermissionDenied
