"""Django's forms, with `Form` and `ModelForm` that hold every form of the project to the same
limits; and the one-time token of create forms.

The apps import this module as `forms` (`from common import forms`) and use it exactly as
Django's: every name of `django.forms` is here. Only `Form` and `ModelForm` differ: through
`SaneInputMixin` every text field states its limit and refuses longer input with a message
(a text area without a limit of its own gets `TEXT_LIMIT`), and every date field refuses years
outside a sensible window. NUL characters never reach a form (bridging's middleware answers them).
"""

import datetime
import secrets

from django import forms as django_forms
from django.contrib import messages
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, transaction
from django.forms import *  # noqa: F403 (this module stands in for django.forms)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import UsedFormToken
from .params import id_param

TEXT_LIMIT = 4000
"""Characters in a text area that sets no limit of its own: pages of text, not a book."""
FIRST_YEAR = 2000
"""No date in this application lies before it (the oldest programmes, agreements, consents)."""
YEARS_AHEAD = 10
"""Nor more than this many years after today."""


def date_window():
    today = timezone.localdate()
    return datetime.date(FIRST_YEAR, 1, 1), datetime.date(today.year + YEARS_AHEAD, 12, 31)


class SaneInputMixin:
    text_limits: dict[str, int] = {}
    """Tighter limits for named text fields of one form, e.g. a form anyone may post."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if type(field) is django_forms.CharField and not field.widget.is_hidden:
                if name in self.text_limits:
                    field.max_length = None
                    self._limit_text(field, self.text_limits[name])
                else:
                    self._limit_text(field)
            elif isinstance(field, django_forms.DateField):
                field.validators.append(_in_date_window)
            elif isinstance(field, django_forms.ModelChoiceField):
                _ids_only(field)

    @staticmethod
    def _limit_text(field, limit=TEXT_LIMIT):
        if field.max_length is None:
            field.max_length = limit
            field.validators.append(MaxLengthValidator(limit))
            field.widget.attrs.update(field.widget_attrs(field.widget))
        limit = gettext_lazy("At most %(limit)s characters.") % {"limit": field.max_length}
        field.help_text = f"{field.help_text} {limit}" if field.help_text else limit


def _ids_only(field):
    """A choice of rows by integer id refuses anything that is not one ('abc', '²', a number
    beyond the database's integers) before it reaches a query."""
    pk = field.queryset.model._meta.pk
    if field.to_field_name or pk.get_internal_type() not in INTEGER_KEYS:
        return
    clean = field.clean

    def clean_ids_first(value):
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if item not in field.empty_values and id_param(item) is None:
                raise django_forms.ValidationError(
                    field.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": str(item)[:20]},
                )
        return clean(value)

    field.clean = clean_ids_first


INTEGER_KEYS = {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField"}


# A date field as a browser's date picker, its value written as the picker reads it.
DATE = DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # noqa: F405


def _in_date_window(day):
    first, last = date_window()
    if not first <= day <= last:
        raise django_forms.ValidationError(
            gettext_lazy("Enter a date between %(first)s and %(last)s.")
            % {
                "first": date_format(first, "SHORT_DATE_FORMAT"),
                "last": date_format(last, "SHORT_DATE_FORMAT"),
            },
            code="date_window",
        )


class Form(SaneInputMixin, django_forms.Form):
    pass


class ModelForm(SaneInputMixin, django_forms.ModelForm):
    pass


class ListedChoiceIterator(django_forms.models.ModelChoiceIterator):
    """Django's own, reading the queryset in one ordinary query. Django's iterates it with
    `.iterator()`, which on PostgreSQL is a server-side cursor: three round trips (declare,
    fetch, close) for a list of a dozen rows."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ListedModelChoiceField(django_forms.ModelChoiceField):
    """A choice of one row from a short, closed list (activity types, levels), listed in full
    in a select. An open-ended set takes `common.search.SearchModelChoiceField` instead."""

    iterator = ListedChoiceIterator


class ConfirmForm(Form):
    """The second step of a risky action that asks nothing else: the red button in the box
    posts `confirm`; a post without it changes nothing and comes back as the confirmation page
    (confirm_action.html), where the box must be ticked."""

    confirm = django_forms.BooleanField(
        error_messages={"required": gettext_lazy("Tick the box to confirm.")}
    )

    def __init__(self, *args, label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = label

    def page(self, request, *, title, warning, back):
        """The confirmation page a post without `confirm` comes back to; its button says what
        the box says."""
        return render(
            request,
            "confirm_action.html",
            {
                "title": title,
                "warning": warning,
                "form": self,
                "action": request.path,
                "button": self.fields["confirm"].label,
                "back": back,
            },
        )


class OneTimeTokenMixin(django_forms.Form):
    """A create form carries a random token, issued when the form is shown. `create_once` makes
    the object at most once per token. (A post without a token is still answered, without this
    protection; the rules in the database still hold.)"""

    form_token = django_forms.CharField(
        required=False, max_length=64, widget=django_forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["form_token"] = secrets.token_urlsafe(24)


def repeated_post(request):
    """For a create view, before validating: the redirect to what an earlier post of this very
    form made, or None."""
    token = request.POST.get("form_token") if request.method == "POST" else None
    used = UsedFormToken.objects.filter(token=token).exclude(url="").first() if token else None
    if used is None:
        return None
    messages.info(request, _("This form was already sent; here is what it made."))
    return redirect(used.url)


def create_once(request, form, create):
    """Call `create()` (which returns the new object) unless this form's token was used
    before; then redirect to what the first post made. Returns the new object, or the redirect
    response for a repeated post."""
    token = form.cleaned_data.get("form_token")
    if not token:
        return create()
    with transaction.atomic():
        try:
            with transaction.atomic():
                used = UsedFormToken.objects.create(token=token)
        except IntegrityError:
            used = None
        if used is not None:
            made = create()
            used.url = made.get_absolute_url()
            used.save(update_fields=["url"])
            return made
    first = UsedFormToken.objects.filter(token=token).first()
    messages.info(request, _("This form was already sent; here is what it made."))
    return redirect(first.url if first and first.url else request.path)
