import re

from django.db.models import Q
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from common import forms  # Django's forms, held to common limits (common/forms.py)
from common.forms import OneTimeTokenMixin
from common.search import SearchModelMultipleChoiceField
from partnerships.models import ActivityType, Organisation
from partnerships.models.offers import TimeOfDay, Weekday

from .models import Consent, Participant


def normalise_phone(value: str) -> str:
    """'+4512345678', '12345678' and '12 34 56 78' all become '12 34 56 78'."""
    digits = re.sub(r"\D", "", value)
    if len(digits) == 10 and digits.startswith("45"):
        digits = digits[2:]
    return " ".join(digits[i : i + 2] for i in range(0, 8, 2)) if len(digits) == 8 else value


class ParticipantForm(OneTimeTokenMixin, forms.ModelForm):
    preferred_activities = forms.ModelMultipleChoiceField(
        label=_("Preferred activities"),
        queryset=ActivityType.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    preferred_weekdays = forms.TypedMultipleChoiceField(
        label=_("Preferred days"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    preferred_times = forms.MultipleChoiceField(
        label=_("Preferred times of day"),
        choices=TimeOfDay.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Participant
        fields = [
            "first_name",
            "last_name",
            "phone",
            "email",
            "address",
            "postcode",
            "city",
            "birth_year",
            "gender",
            "municipality",
            "home_area",
            "recruitment",
            "health_notes",
            "preferred_activities",
            "preferred_weekdays",
            "preferred_times",
            "max_travel_km",
            "max_monthly_fee",
            "continue_with_team",
            "motivation",
        ]
        widgets = {
            "health_notes": forms.Textarea(attrs={"rows": 3}),
            "motivation": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        if not self.instance.pk:
            self.initial.setdefault("municipality", organisation.municipality)

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"])

    def clean_birth_year(self):
        year = self.cleaned_data["birth_year"]
        if year > timezone.localdate().year:
            raise forms.ValidationError(_("Enter a birth year that has passed."))
        return year

    def clean(self):
        cleaned = super().clean()
        duplicate = self._duplicate(cleaned)
        if duplicate is not None:
            raise self.duplicate_error(duplicate)
        return cleaned

    def add_duplicate_error(self):
        """After the database refused a duplicate saved a moment earlier by someone else."""
        self.add_error(None, self.duplicate_error(self._duplicate(self.cleaned_data)))

    @staticmethod
    def duplicate_error(duplicate):
        message = _("A participant with the same name, birth year and phone is already registered.")
        if duplicate is None:
            return forms.ValidationError(message, code="duplicate")
        return forms.ValidationError(
            format_html(
                '{} <a href="{}">{}</a>',
                message,
                reverse("participants:participant_detail", args=[duplicate.pk]),
                _("Go to the existing participant"),
            ),
            code="duplicate",
        )

    def _duplicate(self, cleaned):
        if not all(cleaned.get(f) for f in ["first_name", "last_name", "birth_year", "phone"]):
            return None
        return (
            Participant.objects.filter(
                organisation=self.organisation,
                first_name__iexact=cleaned["first_name"],
                last_name__iexact=cleaned["last_name"],
                birth_year=cleaned["birth_year"],
                phone=cleaned["phone"],
                anonymised_at__isnull=True,
            )
            .exclude(pk=self.instance.pk)
            .first()
        )


class ParticipantSearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    area = forms.CharField(label=_("Area or municipality"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Participant.Status.choices],
    )

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        for word in data["q"].split():
            queryset = queryset.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
        if data["area"]:
            queryset = queryset.filter(
                Q(home_area__icontains=data["area"]) | Q(municipality__icontains=data["area"])
            )
        if data["status"]:
            queryset = queryset.of_status(data["status"])  # derived, the journey part kept
        return queryset


class ConsentForm(forms.Form):
    """The paper consent form: one box per purpose and one per receiving organisation, all
    given on the same day in the same way and recorded together."""

    purposes = forms.MultipleChoiceField(
        label=_("The participant agrees to"),
        choices=[
            (purpose, purpose.label)
            for purpose in Consent.Purpose
            if purpose != Consent.Purpose.SHARE_CONTACT
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    organisations = SearchModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        search_fields=("name", "municipality"),
        suggest_url=reverse_lazy("participants:consent_organisation_suggestions"),
        label=_("Share name and contact details with"),
        required=False,
    )
    given_on = forms.DateField(
        label=capfirst(_("given on")),
        widget=forms.DATE,
    )
    method = forms.ChoiceField(label=capfirst(_("how")), choices=Consent.Method.choices)
    # The text version is not on the form: the server records each purpose's newest wording.

    def __init__(self, *args, participant=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.participant = participant
        self.fields["organisations"].queryset = Organisation.objects.exclude(
            kind__in=[Organisation.Kind.PROJECT, Organisation.Kind.MUNICIPALITY]
        ).order_by("name", "pk")
        self.fields["organisations"].label_from_instance = lambda o: (
            f"{o.name} ({o.municipality})" if o.municipality else o.name
        )
        self.initial.setdefault("given_on", timezone.localdate())

    def clean_given_on(self):
        given_on = self.cleaned_data["given_on"]
        if given_on > timezone.localdate():
            raise forms.ValidationError(_("A consent cannot be given in the future."))
        return given_on

    def clean(self):
        cleaned = super().clean()
        purposes = cleaned.get("purposes") or []
        organisations = cleaned.get("organisations") or []
        if not purposes and not organisations and "organisations" not in self.errors:
            self.add_error(
                "purposes", _("Tick at least one box, or choose an organisation to share with.")
            )
        if self.participant is None:
            return cleaned
        active = self.participant.consents.active()
        given = set(active.filter(purpose__in=purposes).values_list("purpose", flat=True))
        if given:
            labels = ", ".join(str(Consent.Purpose(p).label).lower() for p in sorted(given))
            self.add_error(
                "purposes", _("Already given and not withdrawn: %(what)s.") % {"what": labels}
            )
        shared = active.filter(
            purpose=Consent.Purpose.SHARE_CONTACT, organisation__in=organisations
        ).select_related("organisation")
        if shared:
            names = ", ".join(sorted(c.organisation.name for c in shared))
            self.add_error(
                "organisations",
                _("Already given and not withdrawn: %(what)s.") % {"what": names},
            )
        return cleaned


class WithdrawConsentForm(forms.Form):
    withdrawn_on = forms.DateField(
        label=_("Withdrawn on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_withdrawn_on(self):
        day = self.cleaned_data["withdrawn_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A withdrawal cannot be dated in the future."))
        return day


class WithdrawParticipantForm(forms.Form):
    withdrawn_on = forms.DateField(
        label=_("Left the programme on"),
        widget=forms.DATE,
    )
    reason = forms.CharField(label=_("Reason for leaving"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("withdrawn_on", timezone.localdate())

    def clean_withdrawn_on(self):
        day = self.cleaned_data["withdrawn_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


class ReturnParticipantForm(forms.Form):
    returned_on = forms.DateField(
        label=_("Back in the programme on"),
        widget=forms.DATE,
    )

    def __init__(self, *args, left_on, **kwargs):
        super().__init__(*args, **kwargs)
        self.left_on = left_on
        self.initial.setdefault("returned_on", timezone.localdate())

    def clean_returned_on(self):
        day = self.cleaned_data["returned_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        if day < self.left_on:
            raise forms.ValidationError(
                _("The date cannot be before the participant left the programme.")
            )
        return day


class AnonymiseForm(forms.Form):
    understood = forms.BooleanField(
        label=_("I understand that this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm.")},
    )
    name = forms.CharField(label=_("Type the participant's full name to confirm"), max_length=201)

    def __init__(self, *args, participant, **kwargs):
        super().__init__(*args, **kwargs)
        self.participant = participant

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        expected = f"{self.participant.first_name} {self.participant.last_name}"
        if name.casefold() != " ".join(expected.split()).casefold():
            raise forms.ValidationError(_("The name does not match the participant's name."))
        return name
