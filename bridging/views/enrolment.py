"""Enrolment: from the course page (the participant found by searching) and from the
participant's page ("Enrol on a course"). A rejected form comes back with what was chosen and
each error at its field; a participant who already goes to a running course is enrolled on a
second one only after a tick to confirm."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from common.search import suggestions_response
from participants.models import Participant

from .. import services
from ..forms import EnrolmentForm, ParticipantEnrolmentForm
from ..models import Course, Enrolment
from .access import coordinators, get_rw_course_for_user


def enrolment_form(request, course, data=None):
    return EnrolmentForm(
        data, course=course, participants=Participant.objects.visible_to(request.user)
    )


def _enrol(request, form, course, participant):
    """Enrol through the service; its refusal becomes a form error. The enrolment, or None."""
    try:
        enrolment = services.enrolment_create(
            course=course,
            participant=participant,
            recruitment=form.cleaned_data["recruitment"],
            exit_goal_explained=form.cleaned_data["exit_goal_explained"],
        )
    except services.JourneyError as error:
        form.add_error(None, error.args[0])
        return None
    if enrolment.status == Enrolment.Status.WAITLISTED:
        messages.warning(request, _("The course is full; the participant is on the waitlist."))
    else:
        messages.success(
            request,
            _("%(name)s is enrolled on %(course)s.") % {"name": participant, "course": course.name},
        )
    return enrolment


@coordinators
def enrolment_create(request, pk):
    course = get_rw_course_for_user(request, pk)
    form = enrolment_form(request, course, request.POST if request.method == "POST" else None)
    valid = form.is_valid()
    if valid and _enrol(request, form, course, form.cleaned_data["participant"]):
        return redirect(course)
    return render(
        request,
        "bridging/enrolment_form.html",
        {"form": form, "course": course, "back": course.get_absolute_url()},
    )


@require_GET
@coordinators
def enrolment_suggestions(request, pk):
    """A page of the project's participants matching the search, not already on the course."""
    course = get_rw_course_for_user(request, pk)
    return suggestions_response(request, enrolment_form(request, course)["participant"])


@coordinators
def participant_enrol(request, pk):
    participant = get_object_or_404(
        Participant.objects.visible_to(request.user).filter(
            organisation=request.membership.organisation, anonymised_at__isnull=True
        ),
        pk=pk,
    )
    form = ParticipantEnrolmentForm(
        request.POST if request.method == "POST" else None,
        participant=participant,
        courses=Course.objects.visible_to(request.user),
    )
    valid = form.is_valid()
    if valid and _enrol(request, form, form.cleaned_data["course"], participant):
        return redirect(participant)
    return render(
        request,
        "bridging/enrolment_form.html",
        {"form": form, "participant": participant, "back": participant.get_absolute_url()},
    )
