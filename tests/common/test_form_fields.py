"""`as_field` writes a field in the same markup as crispy's `as_crispy_field`, with and without
errors, for each kind of widget the pages use it for."""

import re

import pytest
from django.template import engines

from common import forms


class EveryKindForm(forms.Form):
    name = forms.CharField(label="Navn", max_length=20, help_text="Som i <b>pas</b>.")
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(label="Slags", choices=[("a", "A"), ("b", "B")])
    agree = forms.BooleanField(label="Enig", required=True)
    optional = forms.BooleanField(label="Måske", required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    styled = forms.CharField(
        label="Med klasse", required=False, widget=forms.TextInput(attrs={"class": "w-50"})
    )


def _normalised(html: str) -> str:
    html = re.sub(r"\s+", " ", html)
    return re.sub(r"\s*([<>])\s*", r"\1", html).strip()


def _rendered(filter_library, filter_name, bound_field):
    template = engines["django"].from_string(
        f"{{% load {filter_library} %}}{{{{ field|{filter_name} }}}}"
    )
    return _normalised(template.render({"field": bound_field}))


@pytest.mark.parametrize(
    "data", [None, {"name": "x" * 30, "note": "y" * 5000, "kind": "zz", "styled": "s"}]
)
def test_every_field_is_written_as_crispy_writes_it(data):
    for name in EveryKindForm.base_fields:
        # A fresh form each time: crispy adds its classes to the widget it renders.
        ours = _rendered("form_fields", "as_field", EveryKindForm(data)[name])
        crispys = _rendered("crispy_forms_tags", "as_crispy_field", EveryKindForm(data)[name])
        assert ours == crispys, name


def test_an_error_is_shown_at_the_field_in_danish():
    html = _rendered("form_fields", "as_field", EveryKindForm({"name": ""})["name"])
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert '<p id="error_1_id_name"><strong>Dette felt er påkrævet.</strong></p>' in html


class WholeForm(EveryKindForm):
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("styled") == "both":
            raise forms.ValidationError("Vælg kun den ene.")
        return cleaned


@pytest.mark.parametrize("data", [None, {"name": "x" * 30, "styled": "both"}, {"styled": "s"}])
def test_a_whole_form_is_written_as_crispy_writes_it(data):
    ours = _rendered("form_fields", "as_fields", WholeForm(data))
    crispys = _rendered("crispy_forms_tags", "crispy", WholeForm(data))
    assert ours == crispys
    # The error that belongs to no field is shown above the fields.
    assert ("Vælg kun den ene." in ours) == (data is not None and data["styled"] == "both")
