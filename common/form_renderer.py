"""The form renderer (settings.FORM_RENDERER): Django's own, with the widgets nearly every form
shows written in Python instead of through Django's widget templates.

Django draws a text box through three templates and a select through one template per option,
a few hundred Python calls per widget and about 150 per option. Here the `<input>` of the text,
number, e-mail, date... boxes and the checkbox, the `<select>` with its options and the
`<textarea>` are written from the same context the templates get (`Widget.get_context`), in
the same markup, byte for byte (tests/common/test_form_renderer.py holds them equal for every
kind of value). Every other template (radio lists, file inputs, the project's own widgets,
error lists) goes to the templates as before, and so does a widget template the project or an
app overrides: the Python is used only where the template found is Django's own.
"""

from pathlib import Path

import django.forms
from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.html import escape
from django.utils.safestring import SafeData

_DJANGO_WIDGETS = Path(django.forms.__file__).parent / "templates" / "django" / "forms" / "widgets"
_CONTEXT = Context(autoescape=True)  # only read: use_l10n and use_tz as a template sees them


def _stringformat(value) -> str:
    """`{{ value|stringformat:'s' }}` with autoescaping, as the widget templates write values."""
    text = str(value)  # what "%s" % value gives (a tuple too, as the filter turns it to str)
    return text if isinstance(value, SafeData) else escape(text)


def _shown(value) -> str:
    """`{{ value }}`: localised, then escaped."""
    return render_value_in_context(value, _CONTEXT)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html"""
    html = ""
    for name, value in attrs.items():
        if value is not False:
            html += " " + _shown(name)
            if value is not True:
                html += '="' + _stringformat(value) + '"'
    return html


def _input(widget: dict) -> str:
    """django/forms/widgets/input.html (and the input types that include it)"""
    value = widget["value"]
    return "".join(
        (
            '<input type="',
            _shown(widget["type"]),
            '" name="',
            _shown(widget["name"]),
            '"',
            "" if value is None else ' value="' + _stringformat(value) + '"',
            _attrs(widget["attrs"]),
            ">",
        )
    )


def _option(option: dict) -> str:
    """django/forms/widgets/select_option.html"""
    return "".join(
        (
            '<option value="',
            _stringformat(option["value"]),
            '"',
            _attrs(option["attrs"]),
            ">",
            _shown(option["label"]),
            "</option>",
        )
    )


_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _select(widget: dict) -> str | None:
    """django/forms/widgets/select.html, when every option uses Django's option template."""
    parts = ['<select name="', _shown(widget["name"]), '"', _attrs(widget["attrs"]), ">"]
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts += ('\n  <optgroup label="', _shown(group_name), '">')
        for option in group_choices:
            if option["template_name"] != _OPTION_TEMPLATE:
                return None
            parts += ("\n  ", _option(option), "\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(widget: dict) -> str:
    """django/forms/widgets/textarea.html"""
    value = widget["value"]
    return "".join(
        (
            '<textarea name="',
            _shown(widget["name"]),
            '"',
            _attrs(widget["attrs"]),
            ">\n",
            _shown(value) if value else "",
            "</textarea>",
        )
    )


_INPUTS = "checkbox color date datetime email hidden input number password search tel text time url"
WRITERS = {
    **{f"django/forms/widgets/{name}.html": _input for name in _INPUTS.split()},
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/textarea.html": _textarea,
}
"""Each widget template written in Python, with what writes it."""


class FormRenderer(DjangoTemplates):
    def __init__(self):
        super().__init__()
        self._writers = {}

    def _writer(self, template_name):
        """The Python for a template, if the template this renderer finds for it, and the
        templates it includes, are Django's own."""
        if template_name not in self._writers:
            writer = WRITERS.get(template_name)
            if writer is not None:
                included = [template_name, "django/forms/widgets/attrs.html"]
                if writer is _input:
                    included.append("django/forms/widgets/input.html")
                if writer is _select:
                    included.append(_OPTION_TEMPLATE)
                for name in included:
                    origin = Path(self.get_template(name).template.origin.name)
                    if origin.parent != _DJANGO_WIDGETS:
                        writer = None
            self._writers[template_name] = writer
        return self._writers[template_name]

    def render(self, template_name, context, request=None):
        writer = self._writer(template_name)
        if writer is not None and request is None:
            html = writer(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request=request)
