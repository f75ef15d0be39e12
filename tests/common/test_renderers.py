"""The form renderer writes every widget it writes itself exactly as Django's templates do."""

import datetime

import pytest
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from common import forms
from common.renderers import FastWidgetRenderer


class Tricky(str):
    """Stands for any value a form may hold."""


CHOICES = [
    ("", "---------"),
    ("a", "A & <b>"),
    (1, gettext_lazy("Yes")),
    ("ø", mark_safe("<i>Ø</i>")),
]
GROUPED = [("Gruppe <1>", [("x", "X"), ("y", "Y")]), ("z", "Z")]
WIDGETS = [
    (forms.TextInput(), "navn", None),
    (forms.TextInput(attrs={"class": "form-control", "maxlength": 20}), "navn", 'a "b" <c> & d'),
    (forms.TextInput(attrs={"required": True, "disabled": False}), "navn", ""),
    (forms.NumberInput(attrs={"min": 0, "step": "any"}), "antal", 12),
    (forms.EmailInput(), "email", "a@b.dk"),
    (forms.URLInput(), "url", "https://x.dk/?a=1&b=2"),
    (forms.PasswordInput(render_value=True), "kode", "hemmelig"),
    (forms.HiddenInput(), "skjult", 7),
    (forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), "dato", datetime.date(2026, 1, 2)),
    (forms.DateInput(), "dato", None),
    (forms.TimeInput(attrs={"type": "time"}), "tid", datetime.time(9, 30)),
    (forms.CheckboxInput(), "enig", True),
    (forms.CheckboxInput(attrs={"class": "form-check-input"}), "enig", False),
    (forms.Textarea(attrs={"rows": 2}), "note", "linje 1\nlinje <2> & 3"),
    (forms.Textarea(), "note", None),
    (forms.Textarea(), "note", mark_safe("<b>sikker</b>")),
    (forms.Select(choices=CHOICES), "slags", "a"),
    (
        forms.Select(choices=CHOICES, attrs={"class": "form-select", "aria-describedby": "x"}),
        "s",
        "",
    ),
    (forms.Select(choices=CHOICES), "slags", 1),
    (forms.Select(choices=GROUPED), "gruppe", "y"),
    (forms.Select(choices=[]), "tom", None),
    (forms.SelectMultiple(choices=CHOICES), "flere", ["a", "ø"]),
    (forms.NullBooleanSelect(), "ja_nej", True),
    (forms.Select(choices=[(Tricky("t"), Tricky("T <t>"))]), "tricky", "t"),
    (forms.Select(choices=[(2, 3)]), "tal", 2),  # a number as a label: left to the templates
    (forms.RadioSelect(choices=CHOICES), "radio", "a"),  # not one of its own: the templates
    (forms.CheckboxSelectMultiple(choices=CHOICES), "bokse", ["a"]),
    (forms.ClearableFileInput(), "fil", None),
    (forms.SelectDateWidget(years=[2026]), "dag", datetime.date(2026, 3, 4)),
]


@pytest.mark.parametrize(("widget", "name", "value"), WIDGETS)
@pytest.mark.parametrize("extra", [None, {"id": "id_x", "aria-invalid": "true", "data-a": "<&>"}])
def test_every_widget_is_written_as_djangos_templates_write_it(widget, name, value, extra):
    django = widget.render(name, value, attrs=extra, renderer=DjangoTemplates())
    fast = widget.render(name, value, attrs=extra, renderer=FastWidgetRenderer())
    assert fast == django


def test_forms_use_it():
    class AForm(forms.Form):
        kind = forms.ChoiceField(choices=CHOICES)

    assert isinstance(AForm().renderer, FastWidgetRenderer)
    assert AForm()["kind"].as_widget() == AForm(renderer=DjangoTemplates())["kind"].as_widget()


@pytest.mark.parametrize(
    "widget", [forms.Select(choices=CHOICES[:2]), forms.TextInput(), forms.Textarea()]
)
def test_the_commonest_widgets_skip_the_templates(widget, monkeypatch):
    def no_template(*args, **kwargs):
        raise AssertionError("rendered by a template")

    monkeypatch.setattr(DjangoTemplates, "render", no_template)
    assert widget.render("x", "a", renderer=FastWidgetRenderer()).startswith("<")
