"""Model 2: saving what the local partnership pages record, one function per thing, so that the
pages and the demo data take the same path. Each takes the page's validated form."""

from django.db import transaction
from django.db.models import Max

from .models import (
    ActionPlanVersion,
    ActivityDescription,
    BoundaryEncounter,
    DevelopmentAssessment,
    LevelChange,
    LocalActivity,
    Registration,
    TrackStep,
)

# Who recorded a dated record of a partnership (nobody in particular for an encounter).
RECORDED_BY = {
    LevelChange: "judged_by",
    TrackStep: "recorded_by",
    DevelopmentAssessment: "assessed_by",
    BoundaryEncounter: None,
}


@transaction.atomic
def partnership_create(*, form):
    """The new local partnership, with its housing areas."""
    return form.save()


@transaction.atomic
def partnership_record(*, form, partnership, user):
    """One dated record on the partnership page (a level, a track step, an assessment of the
    collaboration's development or a boundary encounter), noting who recorded it. A step that
    is already done raises IntegrityError and saves nothing."""
    record = form.save(commit=False)
    record.partnership = partnership
    user_field = RECORDED_BY[type(record)]
    if user_field:
        setattr(record, user_field, user)
    record.save()
    form.save_m2m()
    return record


@transaction.atomic
def action_plan_save(*, form, partnership, user) -> ActionPlanVersion:
    """Every save is a new version of the local action plan, numbered under a lock; earlier
    versions stay."""
    plan = form.save(commit=False)
    plan.partnership = partnership
    plan.created_by = user
    latest = partnership.action_plans.select_for_update().aggregate(v=Max("version"))
    plan.version = (latest["v"] or 0) + 1
    plan.save()
    return plan


@transaction.atomic
def activity_create(*, form, partnership) -> LocalActivity:
    form.instance.partnership = partnership
    return form.save()


@transaction.atomic
def description_create(*, form, activity, user) -> ActivityDescription:
    """A new numbered version of the activity description (or a follow-up on it), numbered
    under the activity's row lock; saved versions are never changed."""
    locked = LocalActivity.objects.select_for_update().get(pk=activity.pk)
    number = (locked.descriptions.aggregate(n=Max("number"))["n"] or 0) + 1
    return ActivityDescription.objects.create(
        activity=activity, number=number, created_by=user, **form.cleaned_data
    )


@transaction.atomic
def registration_create(*, form, activity) -> Registration:
    registration = form.save(commit=False)
    registration.activity = activity
    registration.save()
    return registration
