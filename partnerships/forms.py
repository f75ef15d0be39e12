from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Organisation


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
