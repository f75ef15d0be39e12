"""Chapter 8: Model 2, local partnerships between housing plans and municipalities.

Everything here is filled in on the local partnership pages' own forms and saved through the
functions those pages call (partnerships/services_local.py), dated in the past as a user would
date it on the form."""

import datetime

from django.utils import timezone

from bridging.demo.pages import valid
from partnerships import services_local
from partnerships.forms_local import (
    ActionPlanForm,
    BoundaryEncounterForm,
    DescriptionForm,
    DevelopmentAssessmentForm,
    LevelChangeForm,
    LocalActivityForm,
    LocalPartnershipForm,
    RegistrationForm,
    TrackStepForm,
)
from partnerships.models import HousingArea, LocalPartnership
from partnerships.models.local import TRACK_STEPS

# Model 2: (partnership, housing plan, municipality, areas, levels over time, stage, practice)
LOCAL_PARTNERSHIPS = [
    (
        "Nye veje i Køge Nord",
        "Boligsocial helhedsplan Køge Nord",
        "Køge Kommune",
        ["Ellemarken", "Søndre Park"],
        [0, 1, 2],
        3,
        "community",
    ),
    (
        "Nye veje i Roskilde Øst",
        "Boligsocial helhedsplan Roskilde Øst",
        "Roskilde Kommune",
        ["Østervang", "Hedeparken"],
        [0, 1],
        2,
        "connections",
    ),
    (
        "Nye veje i Sydhavnen",
        "Boligsocial helhedsplan Sydhavnen",
        "Københavns Kommune",
        ["Sydhavnen", "Kongens Enghave", "Mozarts Plads"],
        [1, 2, 3],
        4,
        "learning",
    ),
]

LOCAL_ACTIVITIES = [
    "Gåklub for kvinder",
    "Fodbold for fædre og børn",
    "Madlavning og bevægelse",
    "Dans i gården",
    "Cykelværksted",
    "Yoga på plænen",
    "Motionsvejledning i beboerhuset",
    "Rygestop sammen",
    "Seniorgymnastik i kælderen",
]


def seed_local_partnerships(organisations, coordinator):
    """Model 2: three local partnerships at different levels and stages, 21 activities with
    dogmas, descriptions in two versions and registrations across months."""
    today = timezone.localdate()
    for index, (name, plan, municipality, areas, levels, stage, practice) in enumerate(
        LOCAL_PARTNERSHIPS
    ):
        plan_org, municipality_org = organisations[plan], organisations[municipality]
        if LocalPartnership.objects.filter(name=name, housing_plan=plan_org).exists():
            continue
        by_name = {a.name: a for a in HousingArea.objects.filter(housing_plan=plan_org)}
        housing_areas = [by_name[area] for area in areas]
        started_on = today - datetime.timedelta(days=700 - 120 * index)
        # The housing plan's coordinator's "new local partnership".
        partnership = services_local.partnership_create(
            form=valid(
                LocalPartnershipForm(
                    {
                        "name": name,
                        "housing_plan": plan_org.pk,
                        "municipality": municipality_org.pk,
                        "areas": [area.pk for area in housing_areas],
                        "housing_plan_contact": plan_org.contact_name,
                        "municipality_contact": municipality_org.contact_name,
                        "started_on": started_on,
                        "common_goals": "Flere beboere i bevægelse og stærkere fællesskaber i "
                        "området.",
                        "common_focus": "Bevægelse som fælles tredje for kvinder og familier."
                        if stage > 2
                        else "",
                    },
                    organisation=plan_org,
                )
            )
        )
        _seed_partnership_page(partnership, index, levels, stage, practice, coordinator)
        for number in range(7):
            _seed_activity(partnership, index, number, levels, housing_areas, coordinator, today)


def _record(partnership, form_class, data, coordinator):
    """One dated record on the partnership page (level, track step, assessment, encounter)."""
    form = valid(form_class(data, partnership=partnership))
    return services_local.partnership_record(form=form, partnership=partnership, user=coordinator)


def _seed_partnership_page(partnership, index, levels, stage, practice, coordinator):
    """The partnership page: levels over time, the steps of both tracks, the assessments of
    the collaboration's development, boundary encounters and the first action plan."""
    started_on = partnership.started_on
    for number, level in enumerate(levels):
        _record(
            partnership,
            LevelChangeForm,
            {
                "level": level,
                "changed_on": started_on + datetime.timedelta(days=30 + 150 * number),
                "reason": "Vurderet på det fælles styregruppemøde.",
            },
            coordinator,
        )
    for track, steps in TRACK_STEPS.items():
        for number, (key, _label) in enumerate(steps[: 2 + stage]):
            _record(
                partnership,
                TrackStepForm,
                {
                    "track": track,
                    "step": key,
                    "done_on": started_on + datetime.timedelta(days=20 + 60 * number),
                },
                coordinator,
            )
    for number in range(stage):
        _record(
            partnership,
            DevelopmentAssessmentForm,
            {
                "assessed_on": started_on + datetime.timedelta(days=60 + 120 * number),
                "stage": number + 1,
                "practice": ["encounters", "connections", "community", "learning"][number]
                if number < 3 or practice == "learning"
                else practice,
                "connection_form": "overlaps" if number == 1 else "",
                "evidence": "Fælles planlægningsmøder og besøg i hinandens aktiviteter.",
            },
            coordinator,
        )
    for number in range(3 + index):
        _record(
            partnership,
            BoundaryEncounterForm,
            {
                "date": started_on + datetime.timedelta(days=15 + 45 * number),
                "kind": ["meeting", "visit", "gathering", "talk"][number % 4],
                "organisations": [partnership.housing_plan_id, partnership.municipality_id],
                "participants": "Helhedsplanens koordinator, kommunens sundhedskonsulent",
                "note": "Vi så hinandens aktiviteter og aftalte næste skridt.",
            },
            coordinator,
        )
    services_local.action_plan_save(
        form=valid(
            ActionPlanForm(
                {
                    "goals": "Flere i bevægelse.",
                    "focus": "Kvinder og familier.",
                    "starts_on": started_on,
                    "ends_on": started_on + datetime.timedelta(days=730),
                    "planned_activities": "Gåklub, dans i gården, cykelværksted.",
                }
            )
        ),
        partnership=partnership,
        user=coordinator,
    )


def _seed_activity(partnership, index, number, levels, housing_areas, coordinator, today):
    """An activity made on the partnership page, its description in one or two versions and
    six months of participant registrations, entered on the activity page."""
    title = LOCAL_ACTIVITIES[(number + index * 2) % len(LOCAL_ACTIVITIES)]
    activity = services_local.activity_create(
        form=valid(
            LocalActivityForm(
                {
                    "title": title,
                    "areas": [a.pk for a in housing_areas[: 1 + number % len(housing_areas)]],
                    "run_by_housing_plan": True,
                    "run_by_municipality": number % 2 == 0,
                    "run_by_residents": number % 3 == 0,
                    "run_by_creative_forces": number % 4 == 1,
                    "wellbeing": "Et trygt sted at mødes." if number % 2 == 0 else "",
                    "movement": "Bevægelse i roligt tempo.",
                    "participation": "Beboerne planlægger selv." if number % 3 else "",
                    "relationships": "Nye bekendtskaber på tværs af opgange." if number % 2 else "",
                    "novelty": "Noget nyt i området." if number % 4 == 0 else "",
                    "bonding": True,
                    "bridging": number % 2 == 0,
                    "linking": number % 3 == 0,
                    "municipal_service": "exercise" if levels[-1] == 1 and number < 2 else "",
                },
                partnership=partnership,
            )
        ),
        partnership=partnership,
    )
    first = f"{title}: hver uge i beboerhuset.\nFor alle beboere.\nGratis."
    texts = [first]
    if number % 2 == 0:
        texts.append(
            first.replace("For alle beboere.", "For kvinder og børn.")
            + "\nMed en frivillig fra området."
        )
    for text in texts:
        services_local.description_create(
            form=valid(DescriptionForm({"kind": "description", "text": text})),
            activity=activity,
            user=coordinator,
        )
    for month in range(6):
        total = 8 + (number * 3 + month * 2) % 14
        services_local.registration_create(
            form=valid(
                RegistrationForm(
                    {
                        "date": today - datetime.timedelta(days=30 * month + 5),
                        "participants": total,
                        "new": min(total, 1 + (month + number) % 4),
                        "women": total // 2 + 1,
                        "men": total - total // 2 - 1,
                    }
                )
            ),
            activity=activity,
        )
