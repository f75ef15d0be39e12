"""Chapter 1: the organisations, the demo users who work in them, and the activity types."""

from django.contrib.auth import get_user_model

from partnerships.models import ActivityType, HousingArea, Membership, Organisation

Kind = Organisation.Kind
Role = Membership.Role


DEMO_PASSWORD = "demo"
# (name, kind, municipality, address, postcode, city, contact name, contact email, phone)

ORGANISATIONS = [
    (
        "Seniorer i bevægelse",
        Kind.PROJECT,
        "København",
        "Idrætsvej 1",
        "1704",
        "København V",
        "Karin Koordinator",
        "seniorer@example.org",
        "33 00 00 01",
    ),
    (
        "Aktiv i Køge Nord",
        Kind.PROJECT,
        "Køge",
        "Ølbycenter 12",
        "4600",
        "Køge",
        "Jonas Projektleder",
        "aktiv-koege@example.org",
        "56 00 00 02",
    ),
    (
        "Vesterbro Seniorgymnastik",
        Kind.ASSOCIATION,
        "København",
        "Vesterbrogade 150",
        "1620",
        "København V",
        "Frida Forening",
        "gymnastik@example.org",
        "33 00 00 03",
    ),
    (
        "Køge Gang og Motion",
        Kind.ASSOCIATION,
        "Køge",
        "Strandvejen 20",
        "4600",
        "Køge",
        "Bent Gangleder",
        "gang@example.org",
        "56 00 00 04",
    ),
    (
        "Roskilde Petanqueklub",
        Kind.ASSOCIATION,
        "Roskilde",
        "Bymarken 3",
        "4000",
        "Roskilde",
        "Lis Petanque",
        "petanque@example.org",
        "46 00 00 05",
    ),
    (
        "Aftenskolen Valby",
        Kind.EVENING_SCHOOL,
        "København",
        "Valby Langgade 40",
        "2500",
        "Valby",
        "Ole Aftenskole",
        "valby@example.org",
        "36 00 00 06",
    ),
    (
        "Roskilde Aftenskole",
        Kind.EVENING_SCHOOL,
        "Roskilde",
        "Algade 10",
        "4000",
        "Roskilde",
        "Hanne Kursus",
        "aftenskole@example.org",
        "46 00 00 07",
    ),
    (
        "Gåklubben Søndermarken",
        Kind.SELF_ORGANISED,
        "København",
        "",
        "",
        "",
        "Inge Gåtur",
        "",
        "",
    ),
    (
        "Køge Kommune",
        Kind.MUNICIPALITY,
        "Køge",
        "Torvet 1",
        "4600",
        "Køge",
        "Sundhedsafdelingen",
        "sundhed@example.org",
        "56 00 00 08",
    ),
    (
        "Roskilde Kommune",
        Kind.MUNICIPALITY,
        "Roskilde",
        "Rådhusbuen 1",
        "4000",
        "Roskilde",
        "Sundhed og Omsorg",
        "sundhed.roskilde@example.org",
        "46 00 00 10",
    ),
    (
        "Københavns Kommune",
        Kind.MUNICIPALITY,
        "København",
        "Rådhuspladsen 1",
        "1550",
        "København V",
        "Sundhedsforvaltningen",
        "sundhed.kbh@example.org",
        "33 00 00 11",
    ),
    (
        "Boligsocial helhedsplan Roskilde Øst",
        Kind.HOUSING_PLAN,
        "Roskilde",
        "Østervang 10",
        "4000",
        "Roskilde",
        "Rasmus Helhedsplan",
        "roskilde-oest@example.org",
        "46 00 00 12",
    ),
    (
        "Boligsocial helhedsplan Sydhavnen",
        Kind.HOUSING_PLAN,
        "København",
        "Mozarts Plads 5",
        "2450",
        "København SV",
        "Sara Helhedsplan",
        "sydhavnen@example.org",
        "33 00 00 13",
    ),
    (
        "Boligsocial helhedsplan Køge Nord",
        Kind.HOUSING_PLAN,
        "Køge",
        "Ellemarksvej 2",
        "4600",
        "Køge",
        "Mette Boligsocial",
        "helhedsplan@example.org",
        "56 00 00 09",
    ),
]

# (username, first name, last name, organisation, role)

DEMO_USERS = [
    ("koordinator", "Karin", "Koordinator", "Seniorer i bevægelse", Role.COORDINATOR),
    ("instruktor", "Ivan", "Instruktør", "Seniorer i bevægelse", Role.INSTRUCTOR),
    ("koege", "Kim", "Koordinator", "Aktiv i Køge Nord", Role.COORDINATOR),
    ("forening", "Frida", "Forening", "Vesterbro Seniorgymnastik", Role.STAFF),
    ("boligsocial", "Bo", "Boligsocial", "Boligsocial helhedsplan Køge Nord", Role.COORDINATOR),
]


# The housing areas each housing plan works in. Like the organisations, they are reference
# data: no page makes them (the local partnership and activity forms choose among them).
HOUSING_AREAS = {
    "Boligsocial helhedsplan Køge Nord": ["Ellemarken", "Søndre Park"],
    "Boligsocial helhedsplan Roskilde Øst": ["Østervang", "Hedeparken"],
    "Boligsocial helhedsplan Sydhavnen": ["Sydhavnen", "Kongens Enghave", "Mozarts Plads"],
}

ACTIVITY_TYPES = [
    "Gymnastik",
    "Dans",
    "Gang",
    "Svømning",
    "Styrketræning",
    "Yoga",
    "Cykling",
    "Petanque",
]


def seed_organisations():
    organisations = {}
    for (
        name,
        kind,
        municipality,
        address,
        postcode,
        city,
        contact,
        email,
        phone,
    ) in ORGANISATIONS:
        organisations[name], _created = Organisation.objects.update_or_create(
            name=name,
            municipality=municipality,
            defaults={
                "kind": kind,
                "address": address,
                "postcode": postcode,
                "city": city,
                "contact_name": contact,
                "contact_email": email,
                "contact_phone": phone,
            },
        )
    return organisations


def seed_housing_areas(organisations):
    for plan, areas in HOUSING_AREAS.items():
        for area in areas:
            HousingArea.objects.get_or_create(
                name=area,
                municipality=organisations[plan].municipality,
                housing_plan=organisations[plan],
            )


def seed_users(organisations):
    users = {}
    User = get_user_model()
    for username, first_name, last_name, organisation_name, role in DEMO_USERS:
        user, _created = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@example.org",
                "is_active": True,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        Membership.objects.update_or_create(
            user=user, organisation=organisations[organisation_name], defaults={"role": role}
        )
        users[username] = user
    # The housing plans' coordinator also coordinates the two other housing plans' local
    # partnerships (chapter 8).
    for plan in HOUSING_AREAS:
        Membership.objects.get_or_create(
            user=users["boligsocial"],
            organisation=organisations[plan],
            defaults={"role": Role.COORDINATOR},
        )
    organisations["Seniorer i bevægelse"].instructors_see_participants = True
    organisations["Seniorer i bevægelse"].save(update_fields=["instructors_see_participants"])
    return users


def seed_activity_types():
    return [ActivityType.objects.get_or_create(name=name)[0] for name in ACTIVITY_TYPES]
