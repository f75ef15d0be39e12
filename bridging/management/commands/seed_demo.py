"""Demo data a newcomer can click through: `python manage.py seed_demo`.

Idempotent: every row is found by its natural key and updated, so running it again changes
nothing. The three demo users (password "demo") are never created in production mode.
All people and most organisations here are invented.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from bridging import handovers
from bridging.models import (
    INDICATORS,
    Assessment,
    Attendance,
    Course,
    Enrolment,
    Fair,
    FairInterest,
    FollowUp,
    Handover,
    HandoverParticipant,
    Programme,
    Questionnaire,
    Session,
)
from bridging.models.readiness import hash_token
from bridging.services import enrolment_create, sessions_generate
from participants.consent_texts import CURRENT_VERSION
from participants.models import Consent, Participant
from partnerships import services as partnership_services
from partnerships.models import (
    READINESS_ITEMS,
    ActivityType,
    Membership,
    Offer,
    Organisation,
    PartnershipAgreement,
    ReadinessAnswer,
)
from partnerships.models import local as model2

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
    ("forening", "Frida", "Forening", "Vesterbro Seniorgymnastik", Role.STAFF),
    ("boligsocial", "Bo", "Boligsocial", "Boligsocial helhedsplan Køge Nord", Role.COORDINATOR),
]

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

FIRST_NAMES = [
    "Birthe",
    "Jytte",
    "Hanne",
    "Kirsten",
    "Lone",
    "Bente",
    "Grethe",
    "Inge",
    "Susanne",
    "Karen",
    "Lis",
    "Annette",
    "Ulla",
    "Merete",
    "Aase",
    "Ole",
    "Jens",
    "Poul",
    "Niels",
    "Henning",
    "Erik",
    "Bent",
    "Per",
    "Finn",
    "Knud",
]
LAST_NAMES = [
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Poulsen",
    "Johansen",
    "Møller",
    "Mortensen",
]
HOME_AREAS = {
    "København": ["Vesterbro", "Valby", "Sydhavnen", "Kongens Enghave"],
    "Køge": ["Ellemarken", "Køge Nord", "Ølby", "Søndre Havn"],
}
HEALTH_NOTES = [
    "Nyt knæ i venstre side; undgå dybe squat.",
    "Forhøjet blodtryk, tager medicin. Skal kunne holde pause.",
    "Type 2-diabetes. Har druesukker med.",
    "Ondt i lænden ved lange gåture.",
    "",
    "Let nedsat balance efter fald sidste vinter.",
    "",
]
MOTIVATIONS = [
    "Jeg vil gerne kunne lege med mine børnebørn uden at blive forpustet.",
    "Lægen sagde, jeg skulle røre mig mere, og det er hyggeligere sammen med andre.",
    "Jeg savner at være en del af noget, efter jeg gik på pension.",
    "Jeg vil gerne blive stærkere, så jeg kan klare trapperne selv.",
    "Jeg har altid danset og vil gerne i gang igen.",
]
STATUS_CYCLE = [
    Participant.Status.ACTIVE,
    Participant.Status.ACTIVE,
    Participant.Status.ACTIVE,
    Participant.Status.RECRUITED,
    Participant.Status.CONTINUED,
    Participant.Status.ENDED,
]
# (project, how many participants, municipality)
PARTICIPANT_GROUPS = [
    ("Seniorer i bevægelse", 30, "København"),
    ("Aktiv i Køge Nord", 14, "Køge"),
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
            users = self._users(organisations)
            activity_types = self._activity_types()
            self._participants(organisations, users, activity_types)
            offers = self._offers(organisations, activity_types)
            programme = self._programme(organisations["Seniorer i bevægelse"], users)
            self._fair(programme, organisations, offers, users["koordinator"])
            self._partnerships(organisations, programme, offers, users)
            self._handovers(organisations, programme, offers, activity_types, users)
            self._local_partnerships(organisations, users["boligsocial"])
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(
            "Log in as koordinator, instruktor, forening or boligsocial, password 'demo'."
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
        organisations["Seniorer i bevægelse"].instructors_see_participants = True
        organisations["Seniorer i bevægelse"].save(update_fields=["instructors_see_participants"])
        return users

    def _activity_types(self):
        return [ActivityType.objects.get_or_create(name=name)[0] for name in ACTIVITY_TYPES]

    def _participants(self, organisations, users, activity_types):
        """44 invented participants with wishes and consents; some ended long ago, so the
        retention command has something to show in a dry run."""
        today = timezone.localdate()
        receivers = [
            organisations["Vesterbro Seniorgymnastik"],
            organisations["Aftenskolen Valby"],
            organisations["Køge Gang og Motion"],
        ]
        n = 0
        for project_name, count, municipality in PARTICIPANT_GROUPS:
            project = organisations[project_name]
            for i in range(count):
                first = FIRST_NAMES[(n * 7) % len(FIRST_NAMES)]
                last = LAST_NAMES[(n * 5 + i) % len(LAST_NAMES)]
                status = STATUS_CYCLE[n % len(STATUS_CYCLE)]
                ended_long_ago = n % 11 == 10
                if ended_long_ago:
                    status = Participant.Status.ENDED
                ended_on = None
                if ended_long_ago:
                    ended_on = today - datetime.timedelta(days=800 + n)
                elif status in (Participant.Status.CONTINUED, Participant.Status.ENDED):
                    ended_on = today - datetime.timedelta(days=40 + n)
                participant, _created = Participant.objects.update_or_create(
                    organisation=project,
                    first_name=first,
                    last_name=last,
                    birth_year=1944 + (n * 3) % 22,
                    defaults={
                        "phone": f"00 00 {n // 100:02d} {n % 100:02d}",
                        "email": f"{first.lower()}.{last.lower()}{n}@example.org".replace(
                            "ø", "oe"
                        ),
                        "municipality": municipality,
                        "home_area": HOME_AREAS[municipality][n % 4],
                        "gender": "female" if FIRST_NAMES.index(first) < 15 else "male",
                        "recruitment": list(Participant.Recruitment.values)[n % 6],
                        "status": status,
                        "ended_on": ended_on,
                        "health_notes": HEALTH_NOTES[n % len(HEALTH_NOTES)],
                        "preferred_weekdays": [n % 5, (n + 2) % 5],
                        "preferred_times": [["morning"], ["afternoon"], ["morning", "evening"]][
                            n % 3
                        ],
                        "max_travel_km": [2, 5, 10, 3][n % 4],
                        "max_monthly_fee": [100, 150, 200, 300][n % 4],
                        "continue_with_team": list(Participant.TeamPreference.values)[n % 3],
                        "motivation": MOTIVATIONS[n % len(MOTIVATIONS)],
                        "created_by": users["koordinator"],
                    },
                )
                participant.preferred_activities.set(
                    [activity_types[n % 8], activity_types[(n + 3) % 8]]
                )
                self._consents(participant, n, receivers, users["koordinator"])
                n += 1

    def _consents(self, participant, n, receivers, coordinator):
        given_on = (participant.ended_on or timezone.localdate()) - datetime.timedelta(days=90)
        purposes = [Consent.Purpose.REGISTRATION, Consent.Purpose.STATISTICS]
        if n % 11 != 10:
            purposes.append(Consent.Purpose.FOLLOW_UP)
        for purpose in purposes:
            Consent.objects.get_or_create(
                participant=participant,
                purpose=purpose,
                defaults={
                    "text_version": CURRENT_VERSION,
                    "given_on": given_on,
                    "method": Consent.Method.PAPER,
                    "recorded_by": coordinator,
                },
            )
        if n % 3 == 0:
            sharing = {
                "participant": participant,
                "purpose": Consent.Purpose.SHARE_CONTACT,
                "organisation": receivers[n % len(receivers)],
            }
            consent = Consent.objects.filter(**sharing).order_by("pk").first()
            if consent is None:
                consent = Consent.objects.create(
                    **sharing,
                    text_version=CURRENT_VERSION,
                    given_on=given_on,
                    method=Consent.Method.VERBAL,
                    recorded_by=coordinator,
                )
            if n % 9 == 0 and consent.withdrawn_on is None:
                consent.withdrawn_on = given_on + datetime.timedelta(days=30)
                consent.withdrawal_recorded_by = coordinator
                consent.save(update_fields=["withdrawn_on", "withdrawal_recorded_by"])

    def _programme(self, project, users):
        """The demo programme: a finished course, one running mid-way and one planned, with
        attendance in which a few participants drift away."""
        today = timezone.localdate()
        programme, _created = Programme.objects.update_or_create(
            organisation=project,
            name="Seniorer i bevægelse 2026",
            defaults={
                "description": "12 ugers motion for inaktive ældre, der bagefter fortsætter i "
                "en forening, en aftenskole eller en selvorganiseret gruppe.",
                "target_group": "Inaktive borgere over 65 år",
                "starts_on": today - datetime.timedelta(weeks=22),
                "ends_on": today + datetime.timedelta(weeks=20),
                "exit_goal": "Fra første gang siger vi: Holdet slutter efter 12 uger, og målet er, "
                "at I fortsætter sammen i en forening eller på egen hånd.",
                "default_bridging_model": Programme.BridgingModel.TEAM,
            },
        )
        participants = list(
            Participant.objects.filter(organisation=project, anonymised_at__isnull=True)
            .exclude(status=Participant.Status.ENDED)
            .order_by("pk")
        )
        # (name, weeks ago it started, status, participants, capacity)
        plans = [
            ("Hold 1: Valby, mandag formiddag", 16, Course.Status.COMPLETED, participants[:8], 14),
            (
                "Hold 2: Vesterbro, onsdag formiddag",
                6,
                Course.Status.RUNNING,
                participants[8:20],
                14,
            ),
            (
                "Hold 3: Sydhavnen, torsdag eftermiddag",
                -3,
                Course.Status.PLANNED,
                participants[20:26],
                2,
            ),
        ]
        for index, (name, weeks_ago, status, members, capacity) in enumerate(plans):
            start = today - datetime.timedelta(weeks=weeks_ago)
            course, _created = Course.objects.update_or_create(
                programme=programme,
                name=name,
                defaults={
                    "venue": ["Valby Hallen", "Vesterbro Idrætscenter", "Sydhavn Kulturhus"][index],
                    "address": ["Julius Andersens Vej 3", "Saxogade 10", "Mozarts Plads 2"][index],
                    "weekday": [0, 2, 3][index],
                    "start_time": datetime.time(10 if index < 2 else 14, 0),
                    "end_time": datetime.time(11 if index < 2 else 15, 30),
                    "start_date": start,
                    "weeks": 12,
                    "capacity": capacity,
                    "status": status,
                },
            )
            course.instructors.add(users["instruktor"])
            sessions_generate(course=course)
            for position, participant in enumerate(members):
                if status == Course.Status.COMPLETED:
                    enrolment_status = Enrolment.Status.COMPLETED
                elif position < capacity:
                    enrolment_status = Enrolment.Status.ENROLLED
                else:
                    enrolment_status = Enrolment.Status.WAITLISTED
                enrolment, _created = Enrolment.objects.get_or_create(
                    participant=participant,
                    course=course,
                    defaults={
                        "status": enrolment_status,
                        "enrolled_on": start - datetime.timedelta(days=14),
                        "recruitment": participant.recruitment,
                        "exit_goal_explained": position % 4 != 3,
                    },
                )
                self._attendance(course, enrolment, position, today, users["instruktor"])
                self._assessments(course, enrolment, position, start, users["instruktor"])
        return programme

    def _attendance(self, course, enrolment, position, today, instructor):
        if enrolment.status not in (Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED):
            return
        past = list(Session.objects.filter(course=course, date__lt=today).order_by("date"))
        for number, session in enumerate(past):
            if session.status == Session.Status.PLANNED:
                session.status = Session.Status.HELD
                session.exit_theme = number in (3, 8, 10)
                session.team_building = number % 3 == 0
                session.content = "Opvarmning, styrke på stole, balance og en gåtur i grupper."
                session.logged_by = instructor
                session.save()
            drifting = position in (2, 7) and number >= len(past) - 3
            if drifting:
                status = Attendance.Status.ABSENT
            elif (position + number) % 9 == 0:
                status = Attendance.Status.EXCUSED
            elif (position * 3 + number) % 11 == 0:
                status = Attendance.Status.ABSENT
            else:
                status = Attendance.Status.PRESENT
            Attendance.objects.get_or_create(
                session=session,
                enrolment=enrolment,
                defaults={"status": status, "recorded_by": instructor},
            )

    def _assessments(self, course, enrolment, position, start, instructor):
        """Readiness grows over the course; the two drifting participants fall behind on
        engagement and vision. Some participants answered their own questionnaires."""
        if enrolment.status not in (Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED):
            return
        points = {
            Course.Status.COMPLETED: [("start", 0), ("midway", 6), ("end", 11)],
            Course.Status.RUNNING: [("start", 0), ("midway", 5)],
        }.get(course.status, [])
        drifting = position in (2, 7)
        for step, (kind, week) in enumerate(points):
            base = 1 + step + (position % 3 == 0)
            scores = {}
            for number, indicator in enumerate(INDICATORS):
                score = base + (number + position) % 2
                if drifting and indicator.dimension in ("engagement", "vision"):
                    score = 1 + (step > 1)
                scores[indicator.field] = max(1, min(4, score))
            Assessment.objects.get_or_create(
                enrolment=enrolment,
                kind=kind,
                source=Assessment.Source.STAFF,
                defaults={
                    **scores,
                    "assessed_on": start + datetime.timedelta(weeks=week),
                    "assessed_by": instructor,
                    "note": "Trives på holdet." if not drifting else "Er begyndt at udeblive.",
                },
            )
            if kind in ("start", "end") and position % 2 == 0:
                own = {
                    field: min(4, value + (position % 4 == 0)) for field, value in scores.items()
                }
                answer, created = Assessment.objects.get_or_create(
                    enrolment=enrolment,
                    kind=kind,
                    source=Assessment.Source.SELF,
                    defaults={
                        **own,
                        "assessed_on": start + datetime.timedelta(weeks=week),
                        "wishes_after": "Fortsætte med gymnastik sammen med de andre fra holdet.",
                        "known_offers": "Seniorgymnastik i Vesterbro, gåklubben.",
                        "continue_with_team": "yes",
                    },
                )
                if created:
                    Questionnaire.objects.create(
                        enrolment=enrolment,
                        kind=kind,
                        token_hash=hash_token(Questionnaire.new_token()),
                        expires_at=timezone.now() - datetime.timedelta(days=1),
                        created_by=instructor,
                        answer=answer,
                    )

    def _offers(self, organisations, activity_types):
        """36 offers: 12 from each receiving organisation kind across the three towns."""
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
                offer, _created = Offer.objects.update_or_create(
                    organisation=organisation,
                    name=f"{kind} for seniorer, hold {number + 1}",
                    defaults={
                        "description": f"{kind} i roligt tempo med plads til alle. Kaffe bagefter.",
                        "activity_type": types[kind],
                        "venue": venue,
                        "address": organisation.address,
                        "municipality": organisation.municipality,
                        "area": area,
                        "weekday_mask": (1 << ((index + number) % 5)) | (1 << ((number + 3) % 7)),
                        "start_time": datetime.time(hour, 0),
                        "end_time": datetime.time(hour + 1, 30),
                        "season": ["all_year", "winter", "summer"][number % 3],
                        "level": level,
                        "suits_newcomers": level == "gentle" or number % 4 == 1,
                        "target_group": "Seniorer" if number % 2 == 0 else "Alle voksne",
                        "min_age": 60 if number % 2 == 0 else 18,
                        "fee": [100, 150, 250, 600, 900, 0][number],
                        "fee_period": ["month", "month", "month", "half_year", "year", "month"][
                            number
                        ],
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
                        "accessibility": "Niveaufri adgang og handicaptoilet."
                        if number % 2
                        else "",
                        "is_active": number != 5 or index % 2 == 0,
                    },
                )
                offers.append(offer)
        return offers

    def _fair(self, programme, organisations, offers, coordinator):
        fair, _created = Fair.objects.update_or_create(
            programme=programme,
            name="Foreningsmesse i Valby Hallen",
            defaults={
                "date": timezone.localdate() - datetime.timedelta(weeks=2),
                "place": "Valby Hallen, cafeen",
            },
        )
        taking_part = [
            organisations["Vesterbro Seniorgymnastik"],
            organisations["Aftenskolen Valby"],
            organisations["Gåklubben Søndermarken"],
        ]
        fair.organisations.set(taking_part)
        presented = [o for o in offers if o.organisation in taking_part and o.is_active]
        visitors = Enrolment.objects.filter(
            course__programme=programme, course__status=Course.Status.RUNNING
        ).select_related("participant")[:8]
        for position, enrolment in enumerate(visitors):
            FairInterest.objects.get_or_create(
                fair=fair,
                participant=enrolment.participant,
                offer=None,
                defaults={"registered_by": coordinator},
            )
            for step in range(position % 3 + 1):
                FairInterest.objects.get_or_create(
                    fair=fair,
                    participant=enrolment.participant,
                    offer=presented[(position * 3 + step) % len(presented)],
                    defaults={
                        "level": "trial" if step == 0 else "interested",
                        "registered_by": coordinator,
                    },
                )

    def _partnerships(self, organisations, programme, offers, users):
        """Readiness checklists with two receivers and agreements in every state."""
        project = organisations["Seniorer i bevægelse"]
        coordinator, staff = users["koordinator"], users["forening"]
        for receiver_name, pattern in [
            ("Vesterbro Seniorgymnastik", ["yes", "yes", "partly"]),
            ("Aftenskolen Valby", ["yes", "partly", "no"]),
        ]:
            receiver = organisations[receiver_name]
            for number, item in enumerate(READINESS_ITEMS):
                ReadinessAnswer.objects.get_or_create(
                    project=project,
                    receiver=receiver,
                    item=item.key,
                    defaults={
                        "answer": pattern[number % 3],
                        "note": "Skal drøftes på næste møde."
                        if pattern[number % 3] != "yes"
                        else "",
                        "answered_by": coordinator,
                    },
                )
        plans = [
            ("Vesterbro Seniorgymnastik", "active"),
            ("Aftenskolen Valby", "sent"),
            ("Gåklubben Søndermarken", "draft"),
            ("Køge Gang og Motion", "ended"),
        ]
        for receiver_name, target in plans:
            receiver = organisations[receiver_name]
            agreement, created = PartnershipAgreement.objects.get_or_create(
                project=project,
                receiver=receiver,
                version=1,
                defaults={
                    "starts_on": timezone.localdate() - datetime.timedelta(weeks=4),
                    "ends_on": timezone.localdate() + datetime.timedelta(weeks=48),
                    "adapted_fee": 50,
                    "adapted_fee_months": 6,
                    "payment_method": "MobilePay hver måned, ingen indmeldelsesgebyr",
                    "same_place_time_content": receiver_name == "Vesterbro Seniorgymnastik",
                    "intake_at_once": 12,
                    "project_contact": coordinator.get_full_name(),
                    "receiver_contact": receiver.contact_name,
                    "facilitation": "Instruktøren fra projektet deltager de første fire gange "
                    "og præsenterer holdet for foreningens instruktør.",
                },
            )
            if not created:
                continue
            agreement.programmes.set([programme])
            agreement.offers.set([o for o in offers if o.organisation == receiver][:2])
            if target == "draft":
                continue
            partnership_services.agreement_send(agreement=agreement)
            if target == "sent":
                continue
            agreement.project_signed_by, agreement.receiver_signed_by = coordinator, staff
            agreement.project_signed_at = agreement.receiver_signed_at = timezone.now()
            agreement.status = PartnershipAgreement.Status.SIGNED
            agreement.save()
            partnership_services.agreement_activate(agreement=agreement)
            if target == "ended":
                partnership_services.agreement_end(agreement=agreement)

    def _handovers(self, organisations, programme, offers, activity_types, users):
        """Handovers in every mode and state. Last year's programme shows the whole path: a team
        that continued at an association, answered follow-ups at 3 and 6 months."""
        if Handover.objects.filter(course__programme__organisation=programme.organisation).exists():
            return
        coordinator, staff = users["koordinator"], users["forening"]
        today = timezone.localdate()
        project = programme.organisation
        gym = organisations["Vesterbro Seniorgymnastik"]

        # Last year: a 12-week course whose whole team continued at the association.
        last_year, _created = Programme.objects.get_or_create(
            organisation=project,
            name="Seniorer i bevægelse 2025",
            defaults={
                "starts_on": today - datetime.timedelta(weeks=52),
                "ends_on": today - datetime.timedelta(weeks=36),
                "exit_goal": "Holdet fortsætter sammen i en forening efter 12 uger.",
            },
        )
        old_course = Course.objects.create(
            programme=last_year,
            name="Hold 2025: Vesterbro, tirsdag formiddag",
            venue="Vesterbro Hallen",
            address="Vesterbrogade 150",
            municipality="København",
            weekday=1,
            start_time=datetime.time(10),
            end_time=datetime.time(11, 30),
            start_date=today - datetime.timedelta(weeks=50),
            capacity=12,
            status=Course.Status.RUNNING,  # completed below, once the team is enrolled
        )
        old_course.instructors.add(users["instruktor"])
        team = list(
            Participant.objects.filter(organisation=project, status=Participant.Status.CONTINUED)
        )[:6]
        enrolments = []
        for participant in team:
            enrolment = enrolment_create(
                course=old_course,
                participant=participant,
                exit_goal_explained=True,
                enrolled_on=old_course.start_date - datetime.timedelta(days=14),
            )
            enrolment.status = Enrolment.Status.COMPLETED
            enrolment.save(update_fields=["status"])
            enrolments.append(enrolment)
        old_course.status = Course.Status.COMPLETED
        old_course.save(update_fields=["status"])
        continuing = handovers.continuing_offer_create(
            course=old_course,
            organisation=gym,
            activity_type=next(a for a in activity_types if a.name == "Gymnastik"),
        )
        self._consent_to(team, gym, coordinator)
        team_handover = handovers.handover_propose(
            course=old_course,
            mode=Handover.Mode.TEAM,
            enrolments=enrolments,
            offer=continuing,
            user=coordinator,
            note="Hele holdet fortsætter samme sted og tid hos Vesterbro Seniorgymnastik.",
        )
        started_on = today - datetime.timedelta(weeks=30)
        members = list(team_handover.members.all())
        for number, member in enumerate(members):
            handovers.handover_send(member=member)
            handovers.handover_accept(
                member=member, first_session_on=started_on, buddy="Frida Forening", user=staff
            )
            handovers.handover_start(member=member, started_on=started_on)
            # At 3 months the last one has stopped; at 6 months one more is unknown.
            stopped = number == len(members) - 1
            answers = {3: "stopped" if stopped else "active"}
            if not stopped:
                answers[6] = "unknown" if number == len(members) - 2 else "active"
            for months, answer in answers.items():
                handovers.follow_up_answer(
                    follow_up=FollowUp.objects.get(member=member, months=months),
                    answer=answer,
                    user=staff,
                    stop_reason="Flyttet til Jylland" if answer == "stopped" else "",
                )
        HandoverParticipant.objects.filter(handover=team_handover).update(
            sent_at=timezone.now() - datetime.timedelta(weeks=33),
            answered_at=timezone.now() - datetime.timedelta(weeks=32),
        )

        # This year's finished course: individual, group (declined: full) and self-organised.
        finished = programme.courses.get(status=Course.Status.COMPLETED)
        roster = list(finished.enrolments.on_roster().select_related("participant"))
        valby = organisations["Aftenskolen Valby"]
        walkers = organisations["Gåklubben Søndermarken"]
        yoga = next(o for o in offers if o.organisation == valby and o.is_active)
        walking = next(o for o in offers if o.organisation == walkers and o.is_active)
        self._consent_to([roster[0].participant], valby, coordinator)
        self._consent_to([e.participant for e in roster[1:3]], walkers, coordinator)
        individual = handovers.handover_propose(
            course=finished,
            mode=Handover.Mode.INDIVIDUAL,
            enrolments=roster[:1],
            offer=yoga,
            user=coordinator,
        )
        member = individual.members.get()
        handovers.handover_send(member=member)
        handovers.handover_accept(
            member=member,
            first_session_on=today - datetime.timedelta(14),
            buddy="Ole Aftenskole",
            user=coordinator,
        )
        handovers.handover_start(member=member, started_on=today - datetime.timedelta(days=14))
        group = handovers.handover_propose(
            course=finished,
            mode=Handover.Mode.GROUP,
            enrolments=roster[1:3],
            offer=walking,
            user=coordinator,
        )
        for member in group.members.all():
            handovers.handover_send(member=member)
            handovers.handover_decline(
                member=member, reason="full", note="Holdet er fuldt til foråret.", user=coordinator
            )
        self_organised = handovers.handover_propose(
            course=finished,
            mode=Handover.Mode.SELF_ORGANISED,
            enrolments=roster[3:7],
            offer=None,
            user=coordinator,
            contact_participant=roster[3].participant,
            meeting_place="Valby Parken, ved legepladsen",
            meeting_time="Torsdag kl. 10",
        )
        for member in self_organised.members.all():
            handovers.handover_send(member=member)
            handovers.handover_start(member=member, started_on=today - datetime.timedelta(21))

        # The running course: a group sent to the association three weeks ago, still waiting.
        running = programme.courses.get(status=Course.Status.RUNNING)
        waiting = list(running.enrolments.on_roster().select_related("participant"))[:3]
        gym_offer = next(o for o in offers if o.organisation == gym and o.is_active)
        self._consent_to([e.participant for e in waiting], gym, coordinator)
        pending = handovers.handover_propose(
            course=running,
            mode=Handover.Mode.GROUP,
            enrolments=waiting,
            offer=gym_offer,
            user=coordinator,
        )
        for member in pending.members.all():
            handovers.handover_send(member=member)
        pending.members.update(sent_at=timezone.now() - datetime.timedelta(days=20))

    def _consent_to(self, participants, organisation, coordinator):
        for participant in participants:
            sharing = Consent.objects.active().filter(
                participant=participant,
                purpose=Consent.Purpose.SHARE_CONTACT,
                organisation=organisation,
            )
            if not sharing.exists():
                Consent.objects.create(
                    participant=participant,
                    purpose=Consent.Purpose.SHARE_CONTACT,
                    organisation=organisation,
                    text_version=CURRENT_VERSION,
                    given_on=timezone.localdate() - datetime.timedelta(weeks=40),
                    method=Consent.Method.PAPER,
                    recorded_by=coordinator,
                )

    def _local_partnerships(self, organisations, coordinator):
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
