"""Form parts every app may use."""

import secrets

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .models import UsedFormToken


class OneTimeTokenMixin(forms.Form):
    """A create form carries a random token, issued when the form is shown. `create_once` makes
    the object at most once per token. (A post without a token is still answered, without this
    protection; the rules in the database still hold.)"""

    form_token = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

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
