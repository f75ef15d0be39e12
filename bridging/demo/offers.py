"""Chapter 3: the permanent offers of associations, evening schools and a self-organised group."""

import datetime

from bridging.demo.pages import valid
from partnerships.forms import OfferForm
from partnerships.models import Offer
from partnerships.services import offer_create


def seed_offers(organisations, activity_types):
    """36 offers: 12 from each receiving organisation kind across the three towns, each made
    as on the organisation's page ("new offer"), found by name when it is there already."""
    types = {activity.name: activity for activity in activity_types}
    receivers = [
        (
            "Vesterbro Seniorgymnastik",
            "Vesterbro Hallen",
            "Vesterbro",
            ["Gymnastik", "Dans", "Styrketræning", "Yoga"],
        ),
        ("Aftenskolen Valby", "Valby Kulturhus", "Valby", ["Yoga", "Dans", "Gymnastik"]),
        (
            "Gåklubben Søndermarken",
            "Søndermarken, indgangen ved Roskildevej",
            "Valby",
            ["Gang"],
        ),
        (
            "Køge Gang og Motion",
            "Køge Idrætspark",
            "Ellemarken",
            ["Gang", "Cykling", "Styrketræning", "Svømning"],
        ),
        ("Roskilde Petanqueklub", "Bymarkens baner", "Bymarken", ["Petanque"]),
        (
            "Roskilde Aftenskole",
            "Roskilde Bibliotek, sal 2",
            "Centrum",
            ["Yoga", "Dans", "Svømning"],
        ),
    ]
    offers = []
    for index, (name, venue, area, kinds) in enumerate(receivers):
        organisation = organisations[name]
        for number in range(6):
            kind = kinds[number % len(kinds)]
            level = ["gentle", "moderate", "demanding"][number % 3]
            hour = [9, 10, 13, 17, 19, 10][number]
            name = f"{kind} for seniorer, hold {number + 1}"
            offer = Offer.objects.filter(organisation=organisation, name=name).first()
            if offer is None:
                data = {
                    "name": name,
                    "description": f"{kind} i roligt tempo med plads til alle. Kaffe bagefter.",
                    "activity_type": types[kind].pk,
                    "venue": venue,
                    "address": organisation.address,
                    "municipality": organisation.municipality,
                    "area": area,
                    "weekdays": sorted({(index + number) % 5, (number + 3) % 7}),
                    "start_time": datetime.time(hour, 0),
                    "end_time": datetime.time(hour + 1, 30),
                    "season": ["all_year", "winter", "summer"][number % 3],
                    "level": level,
                    "suits_newcomers": level == "gentle" or number % 4 == 1,
                    "target_group": "Seniorer" if number % 2 == 0 else "Alle voksne",
                    "min_age": 60 if number % 2 == 0 else 18,
                    "fee": [100, 150, 250, 600, 900, 0][number],
                    "fee_period": ["month", "month", "month", "half_year", "year", "month"][number],
                    "adapted_fee": 50 if number % 2 == 0 else None,
                    "adapted_fee_months": 6 if number % 2 == 0 else None,
                    "payment": [
                        "mobilepay",
                        "transfer",
                        "betalingsservice",
                        "cash",
                        "online",
                        "mobilepay",
                    ][number],
                    "trial_sessions": number % 3,
                    "free_places": [8, 3, 0, 12, None, 5][number],
                    "contact_name": organisation.contact_name,
                    "contact_email": organisation.contact_email,
                    "contact_phone": organisation.contact_phone,
                    "accessibility": "Niveaufri adgang og handicaptoilet." if number % 2 else "",
                    "is_active": number != 5 or index % 2 == 0,
                    # The open offer directory (/hsds/): most are listed, some with their
                    # contact published, one kept off it.
                    "is_listed": number != 4,
                    "contact_public": number % 3 == 0,
                }
                offer = offer_create(form=valid(OfferForm(data)), organisation=organisation)
            offers.append(offer)
    return offers
