"""Every Model 2 form, when rejected, comes back with what was typed and each error at its
field (not as a banner above the page), and saves nothing."""

import re

import pytest
from django.urls import reverse

from partnerships.models import (
    ActionPlanVersion,
    ActivityDescription,
    BoundaryEncounter,
    DevelopmentAssessment,
    LevelChange,
    LocalActivity,
    LocalPartnership,
    Registration,
    TrackStep,
)

pytestmark = pytest.mark.django_db


def _partnership(cast):
    return {"pk": cast.local_partnership.pk}


def _activity(cast):
    return {"pk": cast.local_activity.pk}


def _record(what):
    def kwargs(cast):
        return {"pk": cast.local_partnership.pk, "what": what}

    return kwargs


# (url name, url kwargs, posted data, field with the error, its message, what was typed,
#  the model that must stay empty or unchanged)
CASES = {
    "partnership": (
        "partnerships:local_partnership_create",
        None,
        {"name": "Sundt Nord", "started_on": "", "common_goals": "Flere i bevægelse"},
        "started_on",
        "Dette felt er påkrævet.",
        ["Sundt Nord", "Flere i bevægelse"],
        LocalPartnership,
    ),
    "level": (
        "partnerships:local_partnership_record",
        _record("level"),
        {"level": "2", "changed_on": "2024-06-01", "reason": "Fælles sundhedstjek"},
        "changed_on",
        "Datoen ligger før partnerskabet begyndte (01.01.2025).",
        ["Fælles sundhedstjek", 'value="2024-06-01"'],
        LevelChange,
    ),
    "step": (
        "partnerships:local_partnership_record",
        _record("step"),
        {"track": "partnership", "step": "focus", "done_on": "2024-06-01", "note": "Aftalt"},
        None,
        "Datoen ligger før partnerskabet begyndte (01.01.2025).",
        ['value="Aftalt"', 'value="2024-06-01"'],
        TrackStep,
    ),
    "assessment": (
        "partnerships:local_partnership_record",
        _record("assessment"),
        {"assessed_on": "2025-05-01", "stage": "", "practice": "connections", "evidence": "Møder"},
        "stage",
        "Dette felt er påkrævet.",
        ["Møder", 'value="2025-05-01"', 'value="connections" selected'],
        DevelopmentAssessment,
    ),
    "encounter": (
        "partnerships:local_partnership_record",
        _record("encounter"),
        {"date": "", "kind": "visit", "participants": "Hanne og Mads", "note": "Beboerhuset"},
        "date",
        "Dette felt er påkrævet.",
        ['value="Hanne og Mads"', "Beboerhuset"],
        BoundaryEncounter,
    ),
    "action plan": (
        "partnerships:action_plan_save",
        _partnership,
        {
            "goals": "Flere aktive",
            "focus": "Bevægelse",
            "starts_on": "2025-06-01",
            "ends_on": "2025-01-01",
            "planned_activities": "Gåklub",
        },
        "ends_on",
        "Planen kan ikke slutte, før den begynder.",
        ["Flere aktive", "Gåklub", 'value="2025-01-01"'],
        ActionPlanVersion,
    ),
    "activity": (
        "partnerships:local_activity_create",
        _partnership,
        {"title": "", "movement": "Stavgang hver tirsdag"},
        "title",
        "Dette felt er påkrævet.",
        ["Stavgang hver tirsdag"],
        None,
    ),
    "activity edit": (
        "partnerships:local_activity_update",
        _activity,
        {"title": "", "wellbeing": "Kaffe bagefter"},
        "title",
        "Dette felt er påkrævet.",
        ["Kaffe bagefter"],
        None,
    ),
    "description": (
        "partnerships:description_create",
        _activity,
        {"kind": "follow_up", "text": ""},
        "text",
        "Skriv beskrivelsen.",
        ['value="follow_up" selected'],
        ActivityDescription,
    ),
    "registration": (
        "partnerships:registration_create",
        _activity,
        {"date": "2025-06-01", "participants": "-2", "new": "0", "women": "3"},
        "participants",
        "Skriv et tal på mindst 0.",
        ['value="2025-06-01"', 'value="-2"', 'value="3"'],
        Registration,
    ),
}


@pytest.mark.parametrize("case", CASES.keys())
def test_a_rejected_model_2_form_keeps_what_was_typed_and_shows_the_error_at_its_field(
    client, cast, case
):
    name, kwargs, data, field, message, typed, model = CASES[case]
    before = model.objects.count() if model is not None else None
    activities_before = list(LocalActivity.objects.values_list("pk", "title", "wellbeing"))
    client.force_login(cast.plan_coordinator)
    url = reverse(name, kwargs=kwargs(cast) if kwargs else None)
    response = client.post(url, data)

    assert response.status_code == 200  # shown again, not redirected away
    page = response.content.decode()
    for text in typed:
        assert text in page
    assert 'class="alert alert-danger' not in page.split('id="main"')[1].split("<form")[0]
    if field:
        # crispy puts the message right under the field, tied to it by the field's id.
        error = re.search(rf'id="error_1_id_{field}"[^>]*>\s*<strong>([^<]*)</strong>', page)
        assert error and error.group(1) == message
        tag = re.search(rf'<(input|select|textarea)[^>]*id="id_{field}"[^>]*>', page).group(0)
        assert "is-invalid" in tag
    else:
        assert message in page
    if model is not None:
        assert model.objects.count() == before
    assert list(LocalActivity.objects.values_list("pk", "title", "wellbeing")) == activities_before
