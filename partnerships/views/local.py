"""Model 2: local partnerships between a housing plan and a municipality. Only the
coordinators of the two organisations in a partnership see it (404 for everyone else)."""

import difflib

from django.contrib import messages
from django.db import IntegrityError
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from common.charts import bars
from common.exports import table_response
from common.search import suggestions_response
from common.urls import url_for_each

from .. import services_local
from ..access import role_required
from ..forms_local import (
    ActionPlanForm,
    BoundaryEncounterForm,
    DescriptionForm,
    DevelopmentAssessmentForm,
    LevelChangeForm,
    LocalActivityForm,
    LocalPartnershipForm,
    RegistrationForm,
    TrackStepForm,
)
from ..models import (
    DevelopmentAssessment,
    HousingArea,
    LevelChange,
    LocalActivity,
    LocalPartnership,
    Membership,
    Organisation,
    Registration,
)
from ..models.local import DOGMAS, TRACK_STEPS

coordinators = role_required(Membership.Role.COORDINATOR, hidden=True)


def _get_partnership_for_user(request, pk):
    return get_object_or_404(
        LocalPartnership.objects.visible_to(request.user).select_related(
            "housing_plan", "municipality"
        ),
        pk=pk,
    )


def _get_activity_for_user(request, pk):
    return get_object_or_404(
        LocalActivity.objects.visible_to(request.user).select_related("partnership"), pk=pk
    )


def _latest(model, field):
    newest = model.objects.filter(partnership=OuterRef("pk")).order_by("-pk")
    ordering = {"LevelChange": "-changed_on", "DevelopmentAssessment": "-assessed_on"}
    newest = newest.order_by(ordering[model.__name__], "-pk")
    return Subquery(newest.values(field)[:1])


@coordinators
def local_overview(request):
    """Across the partnerships the user is in: levels, stages, activities, dogmas and the
    attendances registered over time. A fixed number of queries."""
    partnerships = list(
        LocalPartnership.objects.visible_to(request.user)
        .select_related("housing_plan", "municipality")
        .annotate(
            level=_latest(LevelChange, "level"),
            stage=_latest(DevelopmentAssessment, "stage"),
            practice=_latest(DevelopmentAssessment, "practice"),
            activity_count=Coalesce(
                Subquery(
                    LocalActivity.objects.filter(partnership=OuterRef("pk"))
                    .order_by()
                    .values("partnership")
                    .annotate(n=Count("pk"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
        )
        .order_by("municipality__name", "name")
    )
    # The activities of the partnerships just read (what LocalActivity.objects.visible_to
    # allows): by their ids, which the planner counts right (the visibility rule's OR of two
    # subqueries it guesses at 3 in 4 partnerships, and then scans every registration).
    activities = LocalActivity.objects.filter(partnership__in=[p.pk for p in partnerships])
    dogma_counts = activities.aggregate(
        all_activities=Count("pk"),
        **{key: Count("pk", filter=~Q(**{key: ""})) for key, _label in DOGMAS},
    )
    areas = (
        HousingArea.objects.filter(localactivity__in=activities)
        .annotate(
            activities=Count("localactivity", distinct=True),
            participants=Coalesce(Sum("localactivity__registrations__participants"), 0),
        )
        .order_by("municipality", "name")
    )
    monthly = list(
        Registration.objects.filter(activity__in=activities)
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(participants=Sum("participants"), new=Sum("new"))
        .order_by("month")
    )
    practices = dict(DevelopmentAssessment.Practice.choices)
    partnership_url = url_for_each("partnerships:local_partnership_detail")
    for partnership in partnerships:
        partnership.url = partnership_url(partnership.pk)
        partnership.practice_label = practices.get(partnership.practice, "")
        if partnership.level is not None:
            partnership.level_label = _("Level %(level)s") % {"level": partnership.level}
    return render(
        request,
        "partnerships/local_overview.html",
        {
            "partnerships": partnerships,
            "dogmas": [(label, dogma_counts[key]) for key, label in DOGMAS],
            "dogma_chart": bars(
                [(str(label), dogma_counts[key]) for key, label in DOGMAS],
                title=_("Activities per dogma"),
                chart_id="dogma-chart",
            ),
            "areas": areas,
            # Each activity once: the rows per housing area count an activity in each of its
            # areas, so they can add up to more (the page says so under them).
            "totals": {
                "activities": dogma_counts["all_activities"],
                "participants": sum(m["participants"] or 0 for m in monthly),
            },
            "monthly": monthly,
            "monthly_chart": bars(
                [(m["month"].strftime("%m.%Y"), m["participants"]) for m in monthly],
                title=_("Attendances registered per month"),
                chart_id="monthly-chart",
            ),
            "can_create": request.membership.organisation.kind
            in (Organisation.Kind.HOUSING_PLAN, Organisation.Kind.MUNICIPALITY),
        },
    )


@coordinators
def local_overview_export(request):
    partnerships = (
        LocalPartnership.objects.visible_to(request.user)
        .annotate(
            level=_latest(LevelChange, "level"),
            stage=_latest(DevelopmentAssessment, "stage"),
            activity_count=Count("activities", distinct=True),
            participants=Coalesce(Sum("activities__registrations__participants"), 0),
        )
        .select_related("municipality", "housing_plan")
    )
    return table_response(
        fmt="csv",
        filename="lokale-partnerskaber",
        headers=[
            _("Municipality"),
            _("Housing plan"),
            _("Local partnership"),
            _("Collaboration level"),
            _("Development stage"),
            _("Activities"),
            _("Attendances registered"),
        ],
        rows=[
            (
                p.municipality.name,
                p.housing_plan.name,
                p.name,
                p.level,
                p.stage,
                p.activity_count,
                p.participants,
            )
            for p in partnerships
        ],
    )


@coordinators
def local_partnership_create(request):
    organisation = request.membership.organisation
    if organisation.kind not in (Organisation.Kind.HOUSING_PLAN, Organisation.Kind.MUNICIPALITY):
        return redirect("partnerships:local_overview")
    form = LocalPartnershipForm(
        request.POST if request.method == "POST" else None, organisation=organisation
    )
    if form.is_valid():
        partnership = services_local.partnership_create(form=form)
        messages.success(request, _("The local partnership is created."))
        return redirect(partnership)
    return render(request, "partnerships/local_partnership_form.html", {"form": form})


@coordinators
def local_partnership_detail(request, pk):
    partnership = _get_partnership_for_user(request, pk)
    return _render_partnership(request, partnership)


def _render_partnership(request, partnership, **bound):
    """The partnership page. A rejected form comes back in `bound` (e.g. level_form=...), so
    it is shown open, with what was typed and each error at its field."""
    levels = list(partnership.level_changes.select_related("judged_by"))
    plans = list(partnership.action_plans.all())
    done = {(s.track, s.step): s for s in partnership.track_steps.all()}
    step_form = bound.get("step_form")
    failed_step = (step_form.data.get("track"), step_form.data.get("step")) if step_form else None
    tracks = [
        (
            label,
            [
                (
                    key,
                    step_label,
                    done.get((track, key)),
                    step_form if failed_step == (track, key) else None,
                )
                for key, step_label in TRACK_STEPS[track]
            ],
            track,
        )
        for track, label in [
            ("partnership", _("Partnership and activity track")),
            ("documentation", _("Documentation track")),
        ]
    ]
    activities = list(
        partnership.activities.annotate(registered=Coalesce(Sum("registrations__participants"), 0))
    )
    activity_url = url_for_each("partnerships:local_activity_detail")
    for activity in activities:
        activity.url = activity_url(activity.pk)
        activity.registered_text = ngettext(
            "%(count)s attendance registered",
            "%(count)s attendances registered",
            activity.registered,
        ) % {"count": activity.registered}
    assessments = list(partnership.assessments.select_related("assessed_by")[:10])
    return render(
        request,
        "partnerships/local_partnership_detail.html",
        {
            "partnership": partnership,
            "areas": list(partnership.areas.all()),
            "levels": levels,
            "current_level": levels[0] if levels else None,
            "current_assessment": assessments[0] if assessments else None,
            "level_descriptions": LocalPartnership.Level.choices,
            "tracks": tracks,
            "steps_done": len(done),
            "steps_total": sum(len(steps) for steps in TRACK_STEPS.values()),
            "assessments": assessments,
            "encounters": list(partnership.encounters.prefetch_related("organisations")[:20]),
            "plans": plans,
            "activities": activities,
            "registered": sum(a.registered for a in activities),
            "level_form": bound.get("level_form") or LevelChangeForm(partnership=partnership),
            "assessment_form": bound.get("assessment_form")
            or DevelopmentAssessmentForm(partnership=partnership),
            "encounter_form": bound.get("encounter_form")
            or BoundaryEncounterForm(partnership=partnership),
            "plan_form": bound.get("plan_form")
            or ActionPlanForm(instance=plans[0] if plans else None),
        },
    )


FORMS = {
    "level": (LevelChangeForm, gettext_lazy("The collaboration level is recorded.")),
    "step": (TrackStepForm, gettext_lazy("The step is recorded.")),
    "assessment": (DevelopmentAssessmentForm, gettext_lazy("The assessment is recorded.")),
    "encounter": (BoundaryEncounterForm, gettext_lazy("The boundary encounter is recorded.")),
}


@require_POST
@coordinators
def local_partnership_record(request, pk, what):
    """One dated record on the partnership page: a level, a track step, an assessment of the
    collaboration's development, or a boundary encounter. A rejected form is shown again on
    the page with what was typed."""
    partnership = _get_partnership_for_user(request, pk)
    if what not in FORMS:
        raise Http404
    form_class, message = FORMS[what]
    form = form_class(request.POST, partnership=partnership)
    if form.is_valid():
        try:
            services_local.partnership_record(form=form, partnership=partnership, user=request.user)
        except IntegrityError:  # a second submit of a step already done: harmless
            messages.info(request, _("That step is already recorded."))
        else:
            messages.success(request, message)
        return redirect(partnership)
    return _render_partnership(request, partnership, **{f"{what}_form": form})


@require_GET
@coordinators
def encounter_organisation_suggestions(request, pk):
    """A page of organisations matching the name typed in the boundary encounter form."""
    partnership = _get_partnership_for_user(request, pk)
    form = BoundaryEncounterForm(partnership=partnership)
    return suggestions_response(request, form["organisations"])


@require_POST
@coordinators
def action_plan_save(request, pk):
    """Every save is a new version of the local action plan; earlier versions stay."""
    partnership = _get_partnership_for_user(request, pk)
    form = ActionPlanForm(request.POST)
    if not form.is_valid():
        return _render_partnership(request, partnership, plan_form=form)
    plan = services_local.action_plan_save(form=form, partnership=partnership, user=request.user)
    messages.success(
        request,
        _("Version %(version)s of the action plan is saved.") % {"version": plan.version},
    )
    return redirect(partnership)


@coordinators
def local_activity_create(request, pk):
    partnership = _get_partnership_for_user(request, pk)
    form = LocalActivityForm(
        request.POST if request.method == "POST" else None, partnership=partnership
    )
    if form.is_valid():
        activity = services_local.activity_create(form=form, partnership=partnership)
        messages.success(request, _("The activity is created."))
        return redirect(activity)
    return render(
        request,
        "partnerships/local_activity_form.html",
        {"form": form, "partnership": partnership, "activity": None},
    )


@coordinators
def local_activity_update(request, pk):
    activity = _get_activity_for_user(request, pk)
    form = LocalActivityForm(
        request.POST if request.method == "POST" else None,
        instance=activity,
        partnership=activity.partnership,
    )
    if form.is_valid():
        form.save()
        messages.success(request, _("The changes are saved."))
        return redirect(activity)
    return render(
        request,
        "partnerships/local_activity_form.html",
        {"form": form, "partnership": activity.partnership, "activity": activity},
    )


@coordinators
def local_activity_detail(request, pk):
    activity = _get_activity_for_user(request, pk)
    return _render_activity(request, activity)


def _render_activity(request, activity, **bound):
    """The activity page; a rejected form comes back in `bound`, shown with what was typed."""
    descriptions = list(activity.descriptions.select_related("created_by"))
    versions = [d for d in descriptions if d.kind == "description"]
    changes = [
        (old, new, _diff(old.text, new.text))
        for old, new in zip(versions, versions[1:], strict=False)
    ]
    return render(
        request,
        "partnerships/local_activity_detail.html",
        {
            "activity": activity,
            "areas": list(activity.areas.all()),
            "descriptions": descriptions,
            "changes": changes,
            "registrations": list(activity.registrations.all()[:24]),
            "description_form": bound.get("description_form") or DescriptionForm(),
            "registration_form": bound.get("registration_form") or RegistrationForm(),
        },
    )


def _diff(old: str, new: str) -> list[tuple[str, str]]:
    """Line by line: ("added" | "removed" | "same", text)."""
    kinds = {"+": "added", "-": "removed", " ": "same"}
    return [
        (kinds[line[0]], line[2:])
        for line in difflib.ndiff(old.splitlines(), new.splitlines())
        if line[0] in kinds
    ]


@require_POST
@coordinators
def description_create(request, pk):
    """A new numbered version; saved versions are never changed."""
    activity = _get_activity_for_user(request, pk)
    form = DescriptionForm(request.POST)
    if not form.is_valid():
        return _render_activity(request, activity, description_form=form)
    description = services_local.description_create(form=form, activity=activity, user=request.user)
    messages.success(request, _("Version %(number)s is saved.") % {"number": description.number})
    return redirect(activity)


@require_POST
@coordinators
def registration_create(request, pk):
    activity = _get_activity_for_user(request, pk)
    form = RegistrationForm(request.POST)
    if not form.is_valid():
        return _render_activity(request, activity, registration_form=form)
    services_local.registration_create(form=form, activity=activity)
    messages.success(request, _("The registration is saved."))
    return redirect(activity)
