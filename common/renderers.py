"""The form renderer (settings.FORM_RENDERER): Django's own, with its commonest widgets written
in Python instead of through its templates.

Django renders a select through three nested templates (the select, each option, and each
one's attributes), so a select of twenty options costs a page about 3 ms; inputs and text
areas go through two. `FastWidgetRenderer.render` writes exactly what those templates write (a
test holds the two equal, widget by widget) and hands every other template, and any widget
with a template of its own, to Django's renderer unchanged.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe

_WIDGETS = "django/forms/widgets/"
_INPUTS = frozenset(
    f"{_WIDGETS}{name}.html"
    for name in (
        "input", "text", "number", "email", "url", "password", "hidden", "date", "datetime",
        "time", "checkbox", "search", "tel", "color",
    )
)  # fmt: skip
"""Django's templates that only include input.html."""
_SELECT = f"{_WIDGETS}select.html"
_OPTION = f"{_WIDGETS}select_option.html"
_TEXTAREA = f"{_WIDGETS}textarea.html"


class _Unusual(Exception):
    """A value the templates would localise or treat specially: leave it to them."""


def _text(value) -> str:
    """`{{ value }}` of a string: escaped unless safe."""
    if isinstance(value, SafeData):
        return str(value)
    if isinstance(value, str | Promise):
        return escape(value)
    raise _Unusual


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}`: the value as %s (its str), escaped unless it was safe."""
    return str(value) if isinstance(value, SafeData) else escape(str(value))


def _attrs(attrs) -> str:
    """django/forms/widgets/attrs.html"""
    html = []
    for name, value in attrs.items():
        if value is False:
            continue
        html.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"')
    return "".join(html)


def _input(widget) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{_formatted(value)}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}'
        f"{_attrs(widget['attrs'])}>"
    )


def _select(widget) -> str:
    html = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            html.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _OPTION:
                raise _Unusual
            html.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"  # the end of select_option.html
            )
        if group_name:
            html.append("\n  </optgroup>")
    html.append("\n</select>")
    return "".join(html)


def _textarea(widget) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{_text(value) if value else ''}</textarea>"
    )


class FastWidgetRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        try:
            if widget is not None:
                if template_name in _INPUTS:
                    return mark_safe(_input(widget))
                if template_name == _SELECT:
                    return mark_safe(_select(widget))
                if template_name == _TEXTAREA:
                    return mark_safe(_textarea(widget))
        except _Unusual:
            pass
        return super().render(template_name, context, request=request)
