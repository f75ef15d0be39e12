"""Demo data a newcomer can click through: `python manage.py seed_demo`.

Idempotent: every row is found by its natural key and updated, so running it again changes
nothing. The three demo users (password "demo") are never created in production mode.
All people and most organisations here are invented.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from partnerships.models import Membership, Organisation

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
    ("forening", "Frida", "Forening", "Vesterbro Seniorgymnastik", Role.STAFF),
]


class Command(BaseCommand):
    help = "Create or refresh the demo data (organisations and demo users with password 'demo')."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has organisations.",
        )

    def handle(self, *args, if_empty=False, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run with DJANGO_ENV=production.")
        if if_empty and Organisation.objects.exists():
            self.stdout.write("The database already has data; demo data left as it is.")
            return
        with transaction.atomic():
            organisations = self._organisations()
            self._users(organisations)
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(
            "Log in as koordinator, instruktor or forening, each with the password 'demo'."
        )

    def _organisations(self):
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

    def _users(self, organisations):
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
