from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common import forms  # Django's forms, held to common limits (common/forms.py)

from .models import ActivityType, ApiToken, Offer, Organisation, PartnershipAgreement
from .models.offers import TimeOfDay, Weekday


class OrganisationSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *Organisation.Kind.choices],
    )
    municipality = forms.CharField(label=_("Municipality"), required=False, max_length=100)

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            queryset = queryset.filter(name__icontains=data["q"])
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["municipality"]:
            queryset = queryset.filter(municipality__icontains=data["municipality"])
        return queryset


class SwitchOrganisationForm(forms.Form):
    membership = forms.IntegerField(widget=forms.HiddenInput)


class _FreePlacesSeen(forms.Form):
    """The number of free places shown when the form was opened, so a save can tell whether
    the user changed it and whether it changed underneath (see `offer_save_places`)."""

    free_places_seen = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("free_places_seen", self.instance.free_places)


class OfferForm(_FreePlacesSeen, forms.ModelForm):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one weekday.")},
    )

    class Meta:
        model = Offer
        fields = [
            "name",
            "description",
            "activity_type",
            "venue",
            "address",
            "municipality",
            "area",
            "start_time",
            "end_time",
            "season",
            "level",
            "suits_newcomers",
            "target_group",
            "min_age",
            "max_age",
            "fee",
            "fee_period",
            "adapted_fee",
            "adapted_fee_months",
            "payment",
            "trial_sessions",
            "free_places",
            "contact_name",
            "contact_email",
            "contact_phone",
            "accessibility",
            "is_active",
            "is_listed",
            "contact_public",
        ]
        widgets = {
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "description": forms.Textarea(attrs={"rows": 3}),
            "accessibility": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("weekdays", self.instance.weekdays)
        for name in ["fee", "adapted_fee", "free_places", "trial_sessions"]:
            self.fields[name].widget.attrs["min"] = 0
            self.fields[name].error_messages["min_value"] = _("The number cannot be negative.")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The end time must be after the start time."))
        low, high = cleaned.get("min_age"), cleaned.get("max_age")
        if low is not None and high is not None and high < low:
            self.add_error("max_age", _("The upper age cannot be below the lower age."))
        return cleaned

    def save(self, commit=True):
        self.instance.weekdays = self.cleaned_data["weekdays"]
        return super().save(commit)


class FreePlacesForm(_FreePlacesSeen, forms.ModelForm):
    class Meta:
        model = Offer
        fields = ["free_places"]


class OfferSearchForm(forms.Form):
    activity_type = forms.ListedModelChoiceField(
        label=_("Activity"),
        queryset=ActivityType.objects.all(),
        required=False,
        empty_label=_("All activities"),
    )
    weekday = forms.TypedChoiceField(
        label=_("Day"),
        choices=[("", _("Any day")), *Weekday.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    time_of_day = forms.ChoiceField(
        label=_("Time of day"), choices=[("", _("Any time")), *TimeOfDay.choices], required=False
    )
    area = forms.CharField(label=_("Area or municipality"), required=False, max_length=100)
    max_fee = forms.IntegerField(
        label=_("At most per month (kr.)"), required=False, min_value=0, max_value=100_000
    )
    newcomers = forms.BooleanField(label=_("Suits people new to exercise"), required=False)
    free_places = forms.BooleanField(label=_("Has places for new members"), required=False)

    def filter(self, offers):
        if not self.is_valid():
            return offers
        data = self.cleaned_data
        if data["activity_type"]:
            offers = offers.filter(activity_type=data["activity_type"])
        if data["weekday"] is not None:
            offers = offers.with_weekday(data["weekday"])
        if data["time_of_day"]:
            offers = offers.filter(time_of_day=data["time_of_day"])
        if data["area"]:
            offers = offers.filter(
                Q(municipality__icontains=data["area"]) | Q(area__icontains=data["area"])
            )
        if data["max_fee"] is not None:
            offers = offers.filter(monthly_fee__lte=data["max_fee"])
        if data["newcomers"]:
            offers = offers.filter(suits_newcomers=True)
        if data["free_places"]:
            offers = offers.filter(free_places__gt=0)
        return offers


class AgreementForm(forms.ModelForm):
    class Meta:
        model = PartnershipAgreement
        fields = [
            "receiver",
            "programmes",
            "offers",
            "starts_on",
            "ends_on",
            "adapted_fee",
            "adapted_fee_months",
            "payment_method",
            "same_place_time_content",
            "intake_at_once",
            "project_contact",
            "receiver_contact",
            "facilitation",
            "terms",
        ]
        widgets = {
            "starts_on": forms.DATE,
            "ends_on": forms.DATE,
            "programmes": forms.CheckboxSelectMultiple,
            "offers": forms.CheckboxSelectMultiple,
            "facilitation": forms.Textarea(attrs={"rows": 3}),
            "terms": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiver"].queryset = Organisation.objects.exclude(
            kind__in=[Organisation.Kind.PROJECT, Organisation.Kind.MUNICIPALITY]
        )
        # The project's own programmes (the relation points up to bridging by name only).
        self.fields["programmes"].queryset = self.fields["programmes"].queryset.filter(
            organisation=project
        )
        receiver = self.instance.receiver_id or self._posted_receiver()
        offers = Offer.objects.filter(is_active=True)
        self.fields["offers"].queryset = (
            offers.filter(organisation=receiver) if receiver else offers.none()
        )
        self.fields["offers"].help_text = _("Save once with the receiver chosen to pick offers.")
        self.fields["adapted_fee"].widget.attrs["min"] = 0
        self.fields["adapted_fee"].error_messages["min_value"] = _("The fee cannot be negative.")
        if self.instance.pk:
            self.fields["receiver"].disabled = True

    def _posted_receiver(self):
        """The receiver as posted, if it is one of the choices (its offers can then be picked);
        anything else is left for the field's own validation to answer."""
        try:
            return self.fields["receiver"].clean(self.data.get("receiver"))
        except forms.ValidationError:
            return None

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The agreement cannot end before it starts."))
        return cleaned


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name"]
