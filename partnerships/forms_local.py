"""Forms for Model 2, the local partnerships."""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from common import forms  # Django's forms, held to common limits (common/forms.py)
from common.search import SearchModelMultipleChoiceField

from .models import (
    ActionPlanVersion,
    BoundaryEncounter,
    DevelopmentAssessment,
    HousingArea,
    LevelChange,
    LocalActivity,
    LocalPartnership,
    Organisation,
    Registration,
    TrackStep,
)

DATE = forms.DATE


class _NotBeforeStart:
    """A dated record of a partnership cannot be dated before the partnership began."""

    date_field = "date"

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get(self.date_field)
        if day and day < self.partnership.started_on:
            self.add_error(
                self.date_field,
                _("The date is before the partnership began (%(date)s).")
                % {"date": date_format(self.partnership.started_on, "SHORT_DATE_FORMAT")},
            )
        if day and day > timezone.localdate():
            self.add_error(self.date_field, _("The date cannot be in the future."))
        return cleaned


class LocalPartnershipForm(forms.ModelForm):
    class Meta:
        model = LocalPartnership
        fields = [
            "name",
            "housing_plan",
            "municipality",
            "areas",
            "housing_plan_contact",
            "municipality_contact",
            "started_on",
            "common_goals",
            "common_focus",
        ]
        widgets = {
            "started_on": DATE,
            "areas": forms.CheckboxSelectMultiple,
            "common_goals": forms.Textarea(attrs={"rows": 3}),
            "common_focus": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        # The user's own organisation is one of the two sides.
        side = "housing_plan" if organisation.kind == "housing_plan" else "municipality"
        self.fields[side].queryset = Organisation.objects.filter(pk=organisation.pk)
        self.fields[side].initial = organisation.pk
        self.fields["areas"].queryset = HousingArea.objects.all()


class LevelChangeForm(_NotBeforeStart, forms.ModelForm):
    date_field = "changed_on"

    class Meta:
        model = LevelChange
        fields = ["level", "changed_on", "reason"]
        widgets = {"changed_on": DATE, "reason": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"level": {"invalid_choice": _("Choose a level from 0 to 3.")}}


class TrackStepForm(_NotBeforeStart, forms.ModelForm):
    date_field = "done_on"

    class Meta:
        model = TrackStep
        fields = ["track", "step", "done_on", "note"]
        widgets = {"done_on": DATE, "track": forms.HiddenInput, "step": forms.HiddenInput}


class DevelopmentAssessmentForm(_NotBeforeStart, forms.ModelForm):
    date_field = "assessed_on"

    class Meta:
        model = DevelopmentAssessment
        fields = ["assessed_on", "stage", "practice", "connection_form", "evidence"]
        widgets = {"assessed_on": DATE, "evidence": forms.Textarea(attrs={"rows": 2})}


class BoundaryEncounterForm(_NotBeforeStart, forms.ModelForm):
    # Any of thousands of associations and evening schools: found by name. The partnership's
    # own housing plan and municipality are ticked to begin with.
    organisations = SearchModelMultipleChoiceField(
        label=_("Organisations taking part"),
        queryset=Organisation.objects.none(),
        search_fields=("name", "municipality"),
        suggest_url="",
    )

    class Meta:
        model = BoundaryEncounter
        fields = ["date", "kind", "organisations", "participants", "note"]
        widgets = {"date": DATE, "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parties = [self.partnership.housing_plan_id, self.partnership.municipality_id]
        field = self.fields["organisations"]
        field.queryset = (
            Organisation.objects.filter(pk__in=parties)
            | Organisation.objects.filter(kind__in=["association", "evening_school"])
        ).order_by("name", "pk")
        field.suggest_url = reverse(
            "partnerships:encounter_organisation_suggestions", args=[self.partnership.pk]
        )
        field.label_from_instance = lambda o: f"{o.name} ({o.municipality})"
        self.initial.setdefault("organisations", parties)


class ActionPlanForm(forms.ModelForm):
    class Meta:
        model = ActionPlanVersion
        fields = ["goals", "focus", "starts_on", "ends_on", "planned_activities"]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "goals": forms.Textarea(attrs={"rows": 2}),
            "focus": forms.Textarea(attrs={"rows": 2}),
            "planned_activities": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The plan cannot end before it starts."))
        return cleaned


class LocalActivityForm(forms.ModelForm):
    class Meta:
        model = LocalActivity
        fields = [
            "title",
            "areas",
            "run_by_housing_plan",
            "run_by_municipality",
            "run_by_residents",
            "run_by_creative_forces",
            "wellbeing",
            "movement",
            "participation",
            "relationships",
            "novelty",
            "bonding",
            "bridging",
            "linking",
            "municipal_service",
        ]
        widgets = {
            "areas": forms.CheckboxSelectMultiple,
            **{
                name: forms.Textarea(attrs={"rows": 2})
                for name in ["wellbeing", "movement", "participation", "relationships", "novelty"]
            },
        }

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = partnership.areas.all()


class DescriptionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            ("description", _("Activity description")),
            ("follow_up", _("Follow-up on the activity description")),
        ],
    )
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write the description.")},
    )


class RegistrationForm(forms.ModelForm):
    class Meta:
        model = Registration
        fields = [
            "date",
            "participants",
            "new",
            "age_under_18",
            "age_18_64",
            "age_65_plus",
            "women",
            "men",
        ]
        widgets = {"date": DATE}

    def clean(self):
        cleaned = super().clean()
        total, new = cleaned.get("participants"), cleaned.get("new")
        if total is not None and new is not None and new > total:
            self.add_error("new", _("There cannot be more new participants than participants."))
        for group in (["age_under_18", "age_18_64", "age_65_plus"], ["women", "men"]):
            counted = [cleaned.get(name) for name in group if cleaned.get(name) is not None]
            if total is not None and counted and sum(counted) > total:
                self.add_error(group[0], _("The breakdown adds up to more than the participants."))
        return cleaned
