"""`{{ form.field|as_field }}`: one field with its label, help text and errors, in the same
Bootstrap 5 markup as crispy's `as_crispy_field` (the same ids and classes), written in Python.
Crispy renders a field through a dozen nested templates, about 1,500 Python calls per field; a
page with a form of several fields spends more time there than in its queries. Fields that
crispy lays out in a special way (a list of radio buttons or checkboxes, a file) are passed to
crispy as before."""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


def _css(widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


def _widget(field) -> str:
    """The widget with crispy's classes: its class name in lower case, then Bootstrap's."""
    widget = field.field.widget
    classes = widget.attrs.get("class", "").split()
    for name in (type(widget).__name__.lower(), *_css(widget).split()):
        if name not in classes:
            classes.append(name)
    if field.errors and "is-invalid" not in classes:
        classes.append("is-invalid")
    return field.as_widget(attrs={"class": " ".join(classes)})


def _help_and_errors(field) -> str:
    html = ""
    if field.errors:
        html += format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            field.errors.field_id,
            format_html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((number, field.auto_id, error) for number, error in enumerate(field.errors, 1)),
            ),
        )
    if field.help_text:
        html += format_html(
            '<div {}class="form-text">{}</div>',
            format_html('id="{}_helptext" ', field.auto_id) if field.auto_id else "",
            mark_safe(field.help_text),  # as crispy: help texts are the forms' own
        )
    return html


def _label(field, css: str) -> str:
    required = field.field.required
    return format_html(
        '<label{} class="{}{}">{}{}</label>',
        format_html(' for="{}"', field.id_for_label) if field.id_for_label else "",
        css,
        " requiredField" if required else "",
        field.label,
        mark_safe('<span class="asteriskField">*</span>') if required else "",
    )


@register.filter
def as_field(field):
    widget = field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.FileInput):
        return as_crispy_field(field)
    if field.is_hidden:
        return mark_safe(str(field))
    wrapper_classes = ["mb-3"]
    if isinstance(widget, forms.CheckboxInput):
        wrapper_classes = ["form-check"]
    if field.css_classes():
        wrapper_classes.append(field.css_classes())
    if isinstance(widget, forms.CheckboxInput):
        inner = _widget(field) + _label(field, "form-check-label") + _help_and_errors(field)
    else:
        label = _label(field, "form-label") if field.label else ""
        inner = label + _widget(field) + _help_and_errors(field)
    html = format_html(
        '<div id="div_{}" class="{}">{}</div>',
        field.auto_id,
        " ".join(wrapper_classes),
        mark_safe(inner),
    )
    if isinstance(widget, forms.CheckboxInput):
        html = format_html('<div class="mb-3">{}</div>', html)
    return html


@register.filter
def as_fields(form):
    """`{{ form|as_fields }}`: a whole form as crispy's `{{ form|crispy }}` writes it (its media,
    the errors that belong to no field, then every field), each field by `as_field`."""
    html = str(form.media)
    if form.non_field_errors():
        html += format_html(
            '<div class="alert alert-block alert-danger"><ul class="m-0">{}</ul></div>',
            format_html_join("", "<li>{}</li>", ((error,) for error in form.non_field_errors())),
        )
    return mark_safe(html + "".join(as_field(field) for field in form))
