"""Exit readiness: the assessment form, the participant's questionnaire link, and the team at a
glance on the course."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from common.urls import url_for_each

from .. import figures, readiness
from ..forms import AssessmentForm, QuestionnaireCreateForm, QuestionnaireForm
from ..models import INDICATORS, Assessment, Dimension, Enrolment, Questionnaire
from ..services import JourneyError
from .access import get_course_for_user, project_roles

TOKEN_SESSION_KEY = "questionnaire_links"
ON_DEVICE_SESSION_KEY = "questionnaire_on_staff_device"


def _get_enrolment_for_user(request, pk):
    enrolment = get_object_or_404(
        Enrolment.objects.visible_to(request.user).select_related(
            "participant", "course__programme"
        ),
        pk=pk,
    )
    figures.attach_attendance([enrolment])
    return enrolment


@project_roles
def assessment_create(request, pk):
    enrolment = _get_enrolment_for_user(request, pk)
    kind = request.GET.get("kind")  # the work queue links to the end assessment
    initial = {"kind": kind} if kind in Assessment.Kind.values else None
    form = AssessmentForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        participant=enrolment.participant,
    )
    if form.is_valid():
        try:
            readiness.assessment_create(form=form, enrolment=enrolment, user=request.user)
        except JourneyError as error:
            form.add_error(None, error.args[0])
        else:
            messages.success(request, _("The assessment is saved."))
            return redirect(enrolment.participant)
    return render(
        request,
        "bridging/assessment_form.html",
        {
            "form": form,
            "enrolment": enrolment,
            "attendance_rate": enrolment.figures.rate,
            "guide_indicators": [(Dimension(i.dimension).label, i.observed) for i in INDICATORS],
        },
    )


@require_POST
@project_roles
def questionnaire_create(request, pk):
    enrolment = _get_enrolment_for_user(request, pk)
    form = QuestionnaireCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose which questionnaire."))
        return redirect(enrolment.participant)
    try:
        questionnaire, token = readiness.questionnaire_create(
            enrolment=enrolment, kind=form.cleaned_data["kind"], user=request.user
        )
    except JourneyError as error:
        messages.error(request, error.args[0])
        return redirect(enrolment.participant)
    # The secret is shown once, on the next page, and never stored in clear.
    request.session[TOKEN_SESSION_KEY] = {str(questionnaire.pk): token}
    return redirect("bridging:questionnaire_created", pk=questionnaire.pk)


@never_cache
@project_roles
def questionnaire_created(request, pk):
    questionnaire = get_object_or_404(
        Questionnaire.objects.visible_to(request.user).select_related("enrolment__participant"),
        pk=pk,
    )
    token = request.session.pop(TOKEN_SESSION_KEY, {}).get(str(pk))
    link = (
        request.build_absolute_uri(reverse("bridging:questionnaire_answer", args=[token]))
        if token
        else None
    )
    return render(
        request,
        "bridging/questionnaire_created.html",
        {"questionnaire": questionnaire, "link": link, "token": token},
    )


@require_POST
@project_roles
def questionnaire_open_here(request, pk):
    """Hand this device to the participant: the staff member is signed out first, so whoever
    holds it sees the questionnaire and nothing else; after the answer it shows the login page."""
    questionnaire = get_object_or_404(Questionnaire.objects.visible_to(request.user), pk=pk)
    token = request.POST.get("token", "")
    found = readiness.questionnaire_for_token(token) if token else None
    if found is None or found.pk != questionnaire.pk:
        raise Http404
    logout(request)
    request.session[ON_DEVICE_SESSION_KEY] = True
    return redirect("bridging:questionnaire_answer", token=token)


@login_not_required
@never_cache
def questionnaire_answer(request, token):
    """The participant's own page: no login, the secret link is the key, used once."""
    questionnaire = readiness.questionnaire_for_token(token)
    if questionnaire is None:
        raise Http404
    try:
        readiness.check_open(questionnaire)
    except JourneyError as error:
        return render(
            request, "bridging/questionnaire_closed.html", {"message": error.args[0]}, status=410
        )
    form = QuestionnaireForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            readiness.questionnaire_answer(questionnaire=questionnaire, form=form)
        except JourneyError as error:
            return render(
                request,
                "bridging/questionnaire_closed.html",
                {"message": error.args[0]},
                status=410,
            )
        if request.session.pop(ON_DEVICE_SESSION_KEY, False):
            messages.success(
                request,
                _("Thank you for your answers. Hand the device back; staff sign in again here."),
            )
            return redirect("login")
        return render(request, "bridging/questionnaire_thanks.html")
    return render(
        request,
        "bridging/questionnaire_answer.html",
        {"form": form, "questionnaire": questionnaire},
    )


SORT_KEYS = ["name", *Dimension.values, "attendance", "ready"]


@project_roles
def course_readiness(request, pk):
    """The team at a glance: each participant's four dimensions, sortable."""
    course = get_course_for_user(request, pk)
    rows = readiness_rows(request.user, course)
    sort = request.GET.get("sort", "name")
    if sort not in SORT_KEYS:
        sort = "name"
    rows.sort(key=lambda row: _sort_value(row, sort))
    participant_url = url_for_each("participants:participant_detail")
    # A score is one of a few values (whole and half steps): each is formatted once for the
    # team, as the template's filters wrote it for every cell: for the meter (".2f") and as
    # shown (floatformat:1, with the language's decimal mark).
    formatted = {}
    for row in rows:
        row["url"] = participant_url(row["enrolment"].participant_id)
        row["cells"] = [
            (label, *formatted.setdefault(score, _score_texts(score)))
            for label, score in row["cells"]
        ]
    return render(
        request,
        "bridging/course_readiness.html",
        {
            "course": course,
            "rows": rows,
            "sort": sort,
            "dimensions": Dimension.choices,
            "ready_count": sum(1 for row in rows if row["verdict"].exit_ready),
        },
    )


def _score_texts(score) -> tuple[str, str] | tuple[None, None]:
    if score is None:
        return None, None
    return f"{score:.2f}", floatformat(score, 1)


def _sort_value(row, sort):
    if sort == "name":
        return (str(row["enrolment"].participant).casefold(),)
    if sort == "attendance":
        return (row["verdict"].attendance_rate is None, row["verdict"].attendance_rate or 0)
    if sort == "ready":
        return (not row["verdict"].exit_ready,)
    # Lowest first: who needs what, before the last weeks.
    score = row["verdict"].scores.get(sort)
    return (score is None, score or 0)


def readiness_rows(user, course=None, programme=None, order=None):
    """Per enrolment on the roster: its latest staff and own assessments and the verdict, in
    `order` (field names; the enrolments' own order without). Three queries whatever the
    number of participants and assessments."""
    if course is not None:
        # `course` comes from get_course_for_user, so it is one the user sees, and its
        # enrolments are what Enrolment.objects.visible_to allows of it: read them by the
        # course's index, without planning the visibility rule again.
        enrolments = Enrolment.objects.on_roster().filter(course=course)
    else:
        enrolments = Enrolment.objects.visible_to(user).on_roster()
    enrolments = enrolments.filter(course__programme=programme) if programme else enrolments
    # One course: it and its programme are the caller's (read once), not thirty copies.
    enrolments = enrolments.select_related(
        "participant", *([] if course else ["course__programme"])
    )
    enrolments = list(enrolments.order_by(*order) if order else enrolments)
    if course is not None:
        for enrolment in enrolments:
            enrolment.course = course
    figures.attach_attendance(enrolments)
    assessments = Assessment.objects.filter(enrolment__in=[e.pk for e in enrolments]).order_by(
        "assessed_on", "created_at", "pk"
    )
    staff = readiness.latest_by_enrolment(a for a in assessments if a.source == "staff")
    own = readiness.latest_by_enrolment(a for a in assessments if a.source == "self")
    dimensions = [(value, str(label)) for value, label in Dimension.choices]  # translated once
    rows = []
    for enrolment in enrolments:
        verdict = readiness.evaluate(
            assessment=staff.get(enrolment.pk),
            figures=enrolment.figures,
            programme=enrolment.course.programme,
        )
        rows.append(
            {
                "enrolment": enrolment,
                "verdict": verdict,
                "cells": [(label, verdict.scores.get(value)) for value, label in dimensions],
                "own": own.get(enrolment.pk),
                "disagreements": readiness.disagreements(
                    staff.get(enrolment.pk), own.get(enrolment.pk)
                ),
            }
        )
    return rows
