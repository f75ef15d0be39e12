"""Model 2: local partnerships between a housing plan and a municipality."""

import datetime

import pytest
from django.urls import reverse

from partnerships.models import (
    ActivityDescription,
    DevelopmentAssessment,
    LevelChange,
    LocalActivity,
    Registration,
    TrackStep,
)
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def record(client, cast, what, **data):
    url = reverse("partnerships:local_partnership_record", args=[cast.local_partnership.pk, what])
    return client.post(url, data, follow=True)


def test_both_sides_see_the_partnership_and_an_outside_municipality_gets_404(client, cast):
    for user in (cast.plan_coordinator, cast.municipality_coordinator):
        client.force_login(user)
        assert client.get(cast.local_partnership.get_absolute_url()).status_code == 200
    outsider = MembershipFactory(
        organisation=OrganisationFactory(name="Anden Kommune", kind="municipality"),
        role="coordinator",
    ).user
    client.force_login(outsider)
    assert client.get(cast.local_partnership.get_absolute_url()).status_code == 404
    assert client.get(cast.local_activity.get_absolute_url()).status_code == 404
    page = client.get(reverse("partnerships:local_overview")).content.decode()
    assert "Partnerskab HM" not in page


def test_the_level_history_keeps_each_change_with_who_and_why(client, cast):
    client.force_login(cast.municipality_coordinator)
    record(client, cast, "level", level="1", changed_on="2025-03-01", reason="Sundhedstjek")
    response = record(client, cast, "level", level="2", changed_on="2025-09-01", reason="Støtte")
    page = response.content.decode()
    assert "Niveau 2: Kommuner understøtter helhedsplanens aktiviteter" in page
    levels = list(LevelChange.objects.values_list("level", "reason", "judged_by"))
    assert levels == [
        (2, "Støtte", cast.municipality_coordinator.pk),
        (1, "Sundhedstjek", cast.municipality_coordinator.pk),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"level": "4", "changed_on": "2025-03-01", "reason": "x"}, "Vælg et niveau fra 0 til 3."),
        ({"level": "-1", "changed_on": "2025-03-01", "reason": "x"}, "Vælg et niveau fra 0 til 3."),
        (
            {"level": "1", "changed_on": "2024-12-31", "reason": "x"},
            "Datoen ligger før partnerskabet",
        ),
    ],
)
def test_a_bad_level_is_refused_in_danish(client, cast, data, message):
    client.force_login(cast.plan_coordinator)
    assert message in record(client, cast, "level", **data).content.decode()
    assert not LevelChange.objects.exists()


def test_track_steps_progress_and_are_not_dated_before_the_start(client, cast):
    client.force_login(cast.plan_coordinator)
    response = record(client, cast, "step", track="partnership", step="focus", done_on="2024-06-01")
    assert "Datoen ligger før partnerskabet begyndte (01.01.2025)." in response.content.decode()
    assert not TrackStep.objects.exists()
    record(client, cast, "step", track="partnership", step="goals", done_on="2025-02-01")
    record(client, cast, "step", track="documentation", step="action_plan", done_on="2025-02-15")
    response = record(client, cast, "step", track="partnership", step="goals", done_on="2025-03-01")
    assert "Det trin er allerede registreret." in response.content.decode()
    steps = list(TrackStep.objects.order_by("done_on").values_list("track", "step"))
    assert steps == [("partnership", "goals"), ("documentation", "action_plan")]
    page = client.get(cast.local_partnership.get_absolute_url()).content.decode()
    assert "gennemført 01.02.2025" in page


def test_development_and_boundary_encounters_are_recorded(client, cast):
    client.force_login(cast.plan_coordinator)
    record(
        client,
        cast,
        "assessment",
        assessed_on="2025-05-01",
        stage="2",
        practice="connections",
        connection_form="overlaps",
        evidence="Fælles møder",
    )
    record(
        client,
        cast,
        "encounter",
        date="2025-04-01",
        kind="visit",
        organisations=[cast.local_partnership.housing_plan_id],
        participants="Hanne og Mads",
        note="Besøg i beboerhuset",
    )
    assessment = DevelopmentAssessment.objects.get()
    assert (assessment.stage, assessment.practice, assessment.assessed_by) == (
        2,
        "connections",
        cast.plan_coordinator,
    )
    assert cast.local_partnership.encounters.get().participants == "Hanne og Mads"


def test_every_save_of_the_action_plan_is_a_new_version(client, cast):
    client.force_login(cast.plan_coordinator)
    url = reverse("partnerships:action_plan_save", args=[cast.local_partnership.pk])
    data = {
        "goals": "Mål",
        "focus": "Fokus",
        "starts_on": "2025-01-01",
        "ends_on": "2026-01-01",
        "planned_activities": "Gåklub",
    }
    client.post(url, data)
    client.post(url, {**data, "planned_activities": "Gåklub og dans"})
    plans = list(cast.local_partnership.action_plans.values_list("version", "planned_activities"))
    assert plans == [(2, "Gåklub og dans"), (1, "Gåklub")]


class TestDescriptions:
    def test_versions_are_numbered_kept_and_their_differences_shown(self, client, cast):
        client.force_login(cast.plan_coordinator)
        url = reverse("partnerships:description_create", args=[cast.local_activity.pk])
        client.post(url, {"kind": "description", "text": "Hver tirsdag\nFor alle"})
        client.post(url, {"kind": "description", "text": "Hver tirsdag\nFor kvinder"})
        numbers = list(ActivityDescription.objects.values_list("number", "text"))
        assert numbers == [(1, "Hver tirsdag\nFor alle"), (2, "Hver tirsdag\nFor kvinder")]
        page = client.get(cast.local_activity.get_absolute_url()).content.decode()
        assert "Hvad der ændrede sig fra 1 til 2" in page
        assert (
            '<li class="diff-removed"><span class="visually-hidden">Fjernet: </span>− For alle'
            in page
        )
        assert (
            '<li class="diff-added"><span class="visually-hidden">Tilføjet: </span>+ For kvinder'
            in page
        )

    def test_a_saved_version_cannot_be_changed(self, cast):
        description = ActivityDescription.objects.create(
            activity=cast.local_activity, number=1, kind="description", text="Første"
        )
        description.text = "Ændret"
        with pytest.raises(ValueError):
            description.save()
        assert ActivityDescription.objects.get().text == "Første"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"participants": "5", "new": "6"}, "Der kan ikke være flere nye deltagere end deltagere."),
        (
            {"participants": "5", "new": "1", "women": "4", "men": "3"},
            "Opdelingen giver flere end antallet af deltagere.",
        ),
        ({"participants": "-2", "new": "0"}, "Skriv et tal på mindst 0."),
    ],
)
def test_bad_registrations_are_refused(client, cast, data, message):
    client.force_login(cast.municipality_coordinator)
    url = reverse("partnerships:registration_create", args=[cast.local_activity.pk])
    response = client.post(url, {"date": "2025-06-01", **data}, follow=True)
    assert message in response.content.decode()
    assert not Registration.objects.exists()


def _scenario(cast):
    """Two activities: one covers three dogmas, one covers movement only; registrations in two
    months; the partnership at level 2, stage 3."""
    partnership = cast.local_partnership
    LevelChange.objects.create(
        partnership=partnership, level=1, changed_on="2025-02-01", reason="x"
    )
    LevelChange.objects.create(
        partnership=partnership, level=2, changed_on="2025-08-01", reason="y"
    )
    DevelopmentAssessment.objects.create(
        partnership=partnership,
        assessed_on="2025-09-01",
        stage=3,
        practice="community",
        evidence="z",
    )
    cast.local_activity.wellbeing = "Trygt"
    cast.local_activity.movement = "Gang"
    cast.local_activity.novelty = "Nyt"
    cast.local_activity.save()
    second = LocalActivity.objects.create(partnership=partnership, title="Dans", movement="Dans")
    Registration.objects.create(
        activity=cast.local_activity, date="2025-05-03", participants=10, new=4
    )
    Registration.objects.create(activity=second, date="2025-05-20", participants=6, new=6)
    Registration.objects.create(activity=second, date="2025-06-02", participants=7, new=1)


def test_overview_counts_against_a_hand_built_scenario(client, cast):
    _scenario(cast)
    client.force_login(cast.plan_coordinator)
    response = client.get(reverse("partnerships:local_overview"))
    context = response.context
    [partnership] = context["partnerships"]
    assert (partnership.level, partnership.stage, partnership.activity_count) == (2, 3, 2)
    assert 'data-label="Samarbejdsniveau">Niveau 2</td>' in response.content.decode()
    assert {str(label): count for label, count in context["dogmas"]} == {
        "Trivsel": 1,
        "Bevægelse": 2,
        "Deltagelse": 0,
        "Relationsdannelse": 0,
        "Nyhedsværdi": 1,
    }
    assert [(m["month"].month, m["participants"], m["new"]) for m in context["monthly"]] == [
        (5, 16, 10),
        (6, 7, 1),
    ]
    csv = client.get(reverse("partnerships:local_overview_export")).content.decode("utf-8-sig")
    assert "Kommune M;Helhedsplan H;Partnerskab HM;2;3;2;23" in csv
    # Each occasion's count added up: attendances, not people, on the page and in the export.
    assert csv.splitlines()[0].endswith(";Registrerede deltagelser")
    page = client.get(reverse("partnerships:local_overview")).content.decode()
    assert "Registrerede deltagelser over tid" in page and "Registrerede deltagere" not in page
    assert "en, der kom fire gange, tælles fire gange" in page
    assert 'aria-describedby="months-note"' in page


def test_the_rows_per_housing_area_say_an_activity_counts_in_each_and_show_the_total(client, cast):
    """The first activity takes place in two areas: each row counts it, so the rows add up to
    3 activities and 33 participants; the page says why and gives the total, each activity
    once (2 and 23, the monthly figures' sum)."""
    from partnerships.models import HousingArea

    _scenario(cast)
    plan = cast.local_partnership.housing_plan
    north, south = (
        HousingArea.objects.create(name=name, municipality="Køge", housing_plan=plan)
        for name in ("Nord", "Syd")
    )
    cast.local_activity.areas.add(north, south)
    LocalActivity.objects.get(title="Dans").areas.add(north)
    client.force_login(cast.plan_coordinator)
    response = client.get(reverse("partnerships:local_overview"))
    rows = {a.name: (a.activities, a.participants) for a in response.context["areas"]}
    assert rows == {"Nord": (2, 23), "Syd": (1, 10)}
    page = response.content.decode()
    assert "En aktivitet, der foregår i flere boligområder, tælles med i hvert af dem." in page
    assert 'aria-describedby="areas-note"' in page
    total = page[page.index("<tfoot>") : page.index("</tfoot>")]
    assert "I alt, hver aktivitet én gang" in total
    assert 'data-label="Aktiviteter">2</td>' in total
    assert 'data-label="Registrerede deltagelser">23</td>' in total


@pytest.mark.parametrize("extra", [0, 8])
def test_overview_and_partnership_page_query_budgets(
    client, cast, django_assert_num_queries, extra
):
    _scenario(cast)
    for number in range(extra):
        activity = LocalActivity.objects.create(
            partnership=cast.local_partnership, title=f"A{number}", movement="x"
        )
        Registration.objects.create(
            activity=activity, date=datetime.date(2025, 7, 1), participants=3, new=1
        )
        LevelChange.objects.create(
            partnership=cast.local_partnership,
            level=number % 4,
            changed_on="2025-03-01",
            reason="r",
        )
    client.force_login(cast.plan_coordinator)
    # 1 session, 2 user, 3 own memberships, 4 partnerships with level, stage and activity
    # count, 5 dogma counts and all activities, 6 housing areas, 7 registrations per month
    with django_assert_num_queries(7):
        client.get(reverse("partnerships:local_overview"))
    # 1 session, 2 user, 3 own memberships, 4 the partnership, 5 levels, 6 action plans,
    # 7 track steps, 8 housing areas, 9 assessments, 10 encounters, 11 activities with
    # registrations, 12 organisations for the encounter form
    with django_assert_num_queries(12):
        client.get(cast.local_partnership.get_absolute_url())


def test_organisations_for_an_encounter_are_found_by_name(client, cast):
    OrganisationFactory(name="Køge Petanqueklub", kind="association", municipality="Køge")
    client.force_login(cast.plan_coordinator)
    url = reverse(
        "partnerships:encounter_organisation_suggestions", args=[cast.local_partnership.pk]
    )
    page = client.get(url, {"organisations_q": "petanque"}).content.decode()
    assert "Køge Petanqueklub (Køge)" in page
    form = client.get(cast.local_partnership.get_absolute_url()).content.decode()
    assert "Køge Petanqueklub" not in form  # no list of every organisation on the page
    assert f'value="{cast.local_partnership.municipality_id}" id=' in form  # ticked already


@pytest.mark.parametrize("extra", [0, 25])
def test_encounter_suggestions_query_budget(client, cast, django_assert_num_queries, extra):
    for number in range(extra):
        OrganisationFactory(name=f"Idrætsklub {number}", kind="association")
    client.force_login(cast.plan_coordinator)
    url = reverse(
        "partnerships:encounter_organisation_suggestions", args=[cast.local_partnership.pk]
    )
    # 1 session, 2 user, 3 own memberships, 4 the partnership, 5 a page of matches
    # (6 how many more, past a page)
    with django_assert_num_queries(5 if extra < 20 else 6):
        page = client.get(url, {"organisations_q": "idrætsklub"}).content.decode()
    assert page.count('type="checkbox"') == min(extra, 20)


def test_the_partnership_page_counts_each_activitys_registered_attendances(client, cast):
    single = LocalActivity.objects.create(partnership=cast.local_partnership, title="Yoga")
    Registration.objects.create(activity=single, date="2025-05-03", participants=1, new=1)
    _scenario(cast)
    client.force_login(cast.plan_coordinator)
    page = client.get(cast.local_partnership.get_absolute_url()).content.decode()
    assert "Yoga</a> · 1 deltagelse registreret" in page
    assert "Dans</a> · 13 deltagelser registreret" in page
    assert "Registrerede deltagelser" in page  # the key figure
