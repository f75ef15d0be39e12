"""Chapter 2: the participants of the two projects, their wishes and their consents."""

import datetime

from django.utils import timezone

from participants.consent_texts import CURRENT_VERSION
from participants.models import Consent, Participant

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

# The part each participant plays in the story (their status follows from what the later
# chapters do with them; nothing here stores a status).
STORY_CYCLE = ["course", "course", "course", "recruited", "last_year", "ended"]
# (project, how many participants, municipality)

PARTICIPANT_GROUPS = [
    ("Seniorer i bevægelse", 30, "København"),
    ("Aktiv i Køge Nord", 14, "Køge"),
]


def seed_participants(organisations, users, activity_types):
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
            role = story_role(n)
            ended_on = None
            if role == "long_ago":
                ended_on = today - datetime.timedelta(days=800 + n)
            elif role in ("last_year", "ended"):
                ended_on = today - datetime.timedelta(days=40 + n)
            participant, _created = Participant.objects.update_or_create(
                organisation=project,
                first_name=first,
                last_name=last,
                birth_year=1944 + (n * 3) % 22,
                defaults={
                    "phone": f"00 00 {n // 100:02d} {n % 100:02d}",
                    "email": f"{first.lower()}.{last.lower()}{n}@example.org".replace("ø", "oe"),
                    "municipality": municipality,
                    "home_area": HOME_AREAS[municipality][n % 4],
                    "gender": "female" if FIRST_NAMES.index(first) < 15 else "male",
                    "recruitment": list(Participant.Recruitment.values)[n % 6],
                    "ended_on": ended_on,
                    "health_notes": HEALTH_NOTES[n % len(HEALTH_NOTES)],
                    "preferred_weekdays": [n % 5, (n + 2) % 5],
                    "preferred_times": [["morning"], ["afternoon"], ["morning", "evening"]][n % 3],
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
            seed_consents(participant, n, receivers, users["koordinator"])
            n += 1


def story_role(n: int) -> str:
    return "long_ago" if n % 11 == 10 else STORY_CYCLE[n % len(STORY_CYCLE)]


def cast(project, *roles):
    """The project's participants who play one of `roles` in the story, in the order they
    were registered."""
    offset = 0
    for name, count, _municipality in PARTICIPANT_GROUPS:
        if name == project.name:
            break
        offset += count
    participants = Participant.objects.filter(organisation=project).order_by("pk")
    return [p for i, p in enumerate(participants) if story_role(offset + i) in roles]


def seed_consents(participant, n, receivers, coordinator):
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


def consent_to(participants, organisation, coordinator):
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
