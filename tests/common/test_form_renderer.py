"""The form renderer writes the common widgets in Python (common/form_renderer.py): byte for byte
what Django's own widget templates write, for every kind of value and attribute."""

import datetime
import decimal
from pathlib import Path

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe

from common.form_renderer import WRITERS, FormRenderer

ATTRS = [
    {},
    {"class": "form-control is-invalid", "required": True, "disabled": False},
    {"placeholder": 'Navn "og" <efternavn> & co', "maxlength": 20, "data-x": mark_safe("<b>")},
    {"min": 0, "step": decimal.Decimal("0.5"), "aria-describedby": "a b", "tuple": (1, 2)},
]
VALUES = [None, "", "Åse & <Bo>", mark_safe("<i>sikker</i>"), 0, 1234567, 2.5,
          decimal.Decimal("1.50"), datetime.date(2026, 11, 27), True]  # fmt: skip
CHOICES = [
    ("", "---------"),
    ("a", "Å & B"),
    (1, 12345),
    (2, 2.5),
    ("Gruppe <1>", [("g1", "En"), ("g2", mark_safe("<b>To</b>"))]),
    (None, "Ingen"),
]


def _widgets():
    for attrs in ATTRS:
        for cls in (forms.TextInput, forms.NumberInput, forms.EmailInput, forms.URLInput,
                    forms.PasswordInput, forms.HiddenInput, forms.DateInput, forms.DateTimeInput,
                    forms.TimeInput, forms.SearchInput, forms.TelInput, forms.ColorInput,
                    forms.CheckboxInput, forms.Textarea):  # fmt: skip
            for value in VALUES:
                yield cls(attrs=attrs), value
        for cls in (forms.Select, forms.SelectMultiple, forms.NullBooleanSelect):
            for value in (None, "a", ["a", "g2"], 1, "2", "unknown", True):
                if cls is forms.NullBooleanSelect and isinstance(value, list):
                    continue
                widget = cls(attrs=attrs)
                if cls is not forms.NullBooleanSelect:
                    widget.choices = CHOICES
                yield widget, value


@pytest.mark.parametrize("language", ["da", "en"])
def test_every_widget_is_written_as_djangos_templates_write_it(language):
    ours, djangos = FormRenderer(), DjangoTemplates()
    seen = set()
    with translation.override(language):
        for widget, value in _widgets():
            seen.add(widget.template_name)
            for name in ("felt", 'a"b'):
                expected = widget.render(name, value, renderer=djangos)
                assert widget.render(name, value, renderer=ours) == expected, (widget, value)
    assert seen == set(WRITERS) - {"django/forms/widgets/input.html"}
    assert all(ours._writer(name) is WRITERS[name] for name in seen)  # not the templates


def test_a_widget_template_the_project_overrides_goes_to_the_template(settings, tmp_path):
    overridden = tmp_path / "django" / "forms" / "widgets"
    overridden.mkdir(parents=True)
    (overridden / "attrs.html").write_text("{% for name in widget.attrs %} data-own{% endfor %}")

    class Renderer(FormRenderer):
        @property
        def engine(self):
            djangos = Path(forms.__file__).parent / "templates"
            return self.backend(
                {"APP_DIRS": True, "DIRS": [tmp_path, djangos], "NAME": "test", "OPTIONS": {}}
            )

    html = forms.TextInput(attrs={"class": "x"}).render("felt", "v", renderer=Renderer())
    assert html == '<input type="text" name="felt" value="v" data-own>'
    html = forms.Textarea(attrs={"class": "x"}).render("felt", "v", renderer=Renderer())
    assert "data-own" in html


def test_radio_lists_and_the_projects_own_widgets_go_to_their_templates():
    widget = forms.RadioSelect(choices=[("a", "A")])
    assert widget.render("felt", "a", renderer=FormRenderer()) == widget.render(
        "felt", "a", renderer=DjangoTemplates()
    )
