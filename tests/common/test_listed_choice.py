"""A short closed list is read in one ordinary query, and listed exactly as Django lists it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common import forms
from partnerships.models import ActivityType


class Listed(forms.Form):
    activity = forms.ListedModelChoiceField(queryset=ActivityType.objects.order_by("name"))


class Djangos(forms.Form):
    activity = forms.ModelChoiceField(queryset=ActivityType.objects.order_by("name"))


@pytest.mark.django_db
def test_listed_choices_are_djangos_in_one_plain_query():
    for name in ("Svømning", "Dans", "Fodbold & <leg>"):
        ActivityType.objects.create(name=name)
    chosen = ActivityType.objects.get(name="Dans")
    expected = str(Djangos(initial={"activity": chosen.pk})["activity"])
    with CaptureQueriesContext(connection) as queries:
        html = str(Listed(initial={"activity": chosen.pk})["activity"])
    assert html == expected
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["SELECT"]


@pytest.mark.django_db
def test_listed_choice_still_refuses_a_row_not_in_the_list():
    kept = ActivityType.objects.create(name="Dans")
    other = ActivityType.objects.create(name="Skak")

    class Narrow(forms.Form):
        activity = forms.ListedModelChoiceField(queryset=ActivityType.objects.filter(pk=kept.pk))

    assert Narrow({"activity": kept.pk}).is_valid()
    form = Narrow({"activity": other.pk})
    assert not form.is_valid() and form.errors["activity"]
