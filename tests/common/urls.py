"""A page with the search fields of common/search.py over organisations, for their own tests.

Only associations are in scope, so a test can show that a project's id is refused.
"""

from django import forms
from django.http import HttpResponse
from django.template import RequestContext, Template
from django.urls import include, path, reverse_lazy

from common.search import (
    SearchModelChoiceField,
    SearchModelMultipleChoiceField,
    suggestions_response,
)
from partnerships.models import Organisation

PAGE = Template(
    """{% extends "base.html" %}{% load crispy_forms_tags %}
{% block title %}Søgefelter{% endblock %}
{% block content %}<h1>Søgefelter</h1>
<form method="post" novalidate>{% csrf_token %}{{ form|crispy }}
<button type="submit" class="btn btn-primary">Gem</button></form>{% endblock %}"""
)


class PickForm(forms.Form):
    organisation = SearchModelChoiceField(
        queryset=Organisation.objects.none(),
        search_fields=("name", "municipality"),
        suggest_url=reverse_lazy("pick-one"),
        label="Forening",
        limit=3,
    )
    others = SearchModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        search_fields=("name",),
        suggest_url=reverse_lazy("pick-many"),
        label="Andre foreninger",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        associations = Organisation.objects.filter(kind=Organisation.Kind.ASSOCIATION)
        self.fields["organisation"].queryset = associations.order_by("name")
        self.fields["others"].queryset = associations.order_by("name")


def page(request):
    form = PickForm(request.POST or None)
    if form.is_valid():
        names = [o.name for o in [form.cleaned_data["organisation"], *form.cleaned_data["others"]]]
        return HttpResponse("Valgt: " + ", ".join(names))
    return HttpResponse(PAGE.render(RequestContext(request, {"form": form})))


urlpatterns = [
    path("pick/", page, name="pick"),
    path(
        "pick/one/",
        lambda request: suggestions_response(request, PickForm()["organisation"]),
        name="pick-one",
    ),  # fmt: skip
    path(
        "pick/many/",
        lambda request: suggestions_response(request, PickForm()["others"]),
        name="pick-many",
    ),  # fmt: skip
    path("", include("bridging.urls")),
]
