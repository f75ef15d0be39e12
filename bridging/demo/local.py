"""Chapter 8: Model 2, local partnerships between housing plans and municipalities."""

import datetime

from django.utils import timezone

from partnerships.models import Membership
from partnerships.models import local as model2

Role = Membership.Role

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
    if model2.LocalPartnership.objects.exists():
        return
    today = timezone.localdate()
    for index, (name, plan, municipality, areas, levels, stage, practice) in enumerate(
        LOCAL_PARTNERSHIPS
    ):
        plan_org, municipality_org = organisations[plan], organisations[municipality]
        Membership.objects.get_or_create(
            user=coordinator, organisation=plan_org, defaults={"role": Role.COORDINATOR}
        )
        housing_areas = [
            model2.HousingArea.objects.get_or_create(
                name=area, municipality=municipality_org.municipality, housing_plan=plan_org
            )[0]
            for area in areas
        ]
        started_on = today - datetime.timedelta(days=700 - 120 * index)
        partnership = model2.LocalPartnership.objects.create(
            name=name,
            housing_plan=plan_org,
            municipality=municipality_org,
            housing_plan_contact=plan_org.contact_name,
            municipality_contact=municipality_org.contact_name,
            started_on=started_on,
            common_goals="Flere beboere i bevægelse og stærkere fællesskaber i området.",
            common_focus="Bevægelse som fælles tredje for kvinder og familier."
            if stage > 2
            else "",
        )
        partnership.areas.set(housing_areas)
        for number, level in enumerate(levels):
            model2.LevelChange.objects.create(
                partnership=partnership,
                level=level,
                judged_by=coordinator,
                changed_on=started_on + datetime.timedelta(days=30 + 150 * number),
                reason="Vurderet på det fælles styregruppemøde.",
            )
        for track, steps in model2.TRACK_STEPS.items():
            for number, (key, _label) in enumerate(steps[: 2 + stage]):
                model2.TrackStep.objects.create(
                    partnership=partnership,
                    track=track,
                    step=key,
                    recorded_by=coordinator,
                    done_on=started_on + datetime.timedelta(days=20 + 60 * number),
                )
        for number in range(stage):
            model2.DevelopmentAssessment.objects.create(
                partnership=partnership,
                stage=number + 1,
                assessed_by=coordinator,
                practice=["encounters", "connections", "community", "learning"][number]
                if number < 3 or practice == "learning"
                else practice,
                connection_form="overlaps" if number == 1 else "",
                assessed_on=started_on + datetime.timedelta(days=60 + 120 * number),
                evidence="Fælles planlægningsmøder og besøg i hinandens aktiviteter.",
            )
        for number in range(3 + index):
            encounter = model2.BoundaryEncounter.objects.create(
                partnership=partnership,
                date=started_on + datetime.timedelta(days=15 + 45 * number),
                kind=["meeting", "visit", "gathering", "talk"][number % 4],
                participants="Helhedsplanens koordinator, kommunens sundhedskonsulent",
                note="Vi så hinandens aktiviteter og aftalte næste skridt.",
            )
            encounter.organisations.set([plan_org, municipality_org])
        model2.ActionPlanVersion.objects.create(
            partnership=partnership,
            version=1,
            goals="Flere i bevægelse.",
            focus="Kvinder og familier.",
            starts_on=started_on,
            ends_on=started_on + datetime.timedelta(days=730),
            planned_activities="Gåklub, dans i gården, cykelværksted.",
            created_by=coordinator,
        )
        for number in range(7):
            title = LOCAL_ACTIVITIES[(number + index * 2) % len(LOCAL_ACTIVITIES)]
            activity = model2.LocalActivity.objects.create(
                partnership=partnership,
                title=title,
                run_by_housing_plan=True,
                run_by_municipality=number % 2 == 0,
                run_by_residents=number % 3 == 0,
                run_by_creative_forces=number % 4 == 1,
                wellbeing="Et trygt sted at mødes." if number % 2 == 0 else "",
                movement="Bevægelse i roligt tempo.",
                participation="Beboerne planlægger selv." if number % 3 else "",
                relationships="Nye bekendtskaber på tværs af opgange." if number % 2 else "",
                novelty="Noget nyt i området." if number % 4 == 0 else "",
                bonding=True,
                bridging=number % 2 == 0,
                linking=number % 3 == 0,
                municipal_service="exercise" if levels[-1] == 1 and number < 2 else "",
            )
            activity.areas.set(housing_areas[: 1 + number % len(housing_areas)])
            first = f"{title}: hver uge i beboerhuset.\nFor alle beboere.\nGratis."
            model2.ActivityDescription.objects.create(
                activity=activity,
                number=1,
                kind="description",
                text=first,
                created_by=coordinator,
            )
            if number % 2 == 0:
                model2.ActivityDescription.objects.create(
                    activity=activity,
                    number=2,
                    kind="description",
                    created_by=coordinator,
                    text=first.replace("For alle beboere.", "For kvinder og børn.")
                    + "\nMed en frivillig fra området.",
                )
            for month in range(6):
                total = 8 + (number * 3 + month * 2) % 14
                model2.Registration.objects.create(
                    activity=activity,
                    date=today - datetime.timedelta(days=30 * month + 5),
                    participants=total,
                    new=min(total, 1 + (month + number) % 4),
                    women=total // 2 + 1,
                    men=total - total // 2 - 1,
                )
