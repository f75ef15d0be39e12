"""Chapter 2: the participants of the two projects, their wishes and their consents."""

import datetime

from django.utils import timezone

from participants import services as participant_services
from participants.forms import ParticipantForm
from participants.models import Consent, Participant
from partnerships.models import Membership

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
# Who left the programme again (the coordinator's "Meld ud af forløbet"), and why.
LEAVING = {5: "Flyttet til Jylland", 33: "Har fået et job med skiftende arbejdstider"}
# Who left and came back before their course began ("Tilbage i forløbet"): the timeline keeps both.
CAME_BACK = {7: "Indlagt på hospitalet"}
# (project, how many participants, municipality)

PARTICIPANT_GROUPS = [
    ("Seniorer i bevægelse", 30, "København"),
    ("Aktiv i Køge Nord", 14, "Køge"),
]


def seed_participants(organisations, users, activity_types):
    """44 invented participants with wishes and consents, registered and consenting through
    the same services as the registration and consent pages. Some took part long ago, so the
    retention command has something to show in a dry run (chapter 7 completes their course)."""
    receivers = [
        organisations["Vesterbro Seniorgymnastik"],
        organisations["Aftenskolen Valby"],
        organisations["Køge Gang og Motion"],
    ]
    coordinators = {
        "Seniorer i bevægelse": users["koordinator"],
        "Aktiv i Køge Nord": users["koege"],
    }
    n = 0
    for project_name, count, municipality in PARTICIPANT_GROUPS:
        project = organisations[project_name]
        membership = Membership.objects.get(user=coordinators[project_name], organisation=project)
        for i in range(count):
            first = FIRST_NAMES[(n * 7) % len(FIRST_NAMES)]
            last = LAST_NAMES[(n * 5 + i) % len(LAST_NAMES)]
            birth_year = 1944 + (n * 3) % 22
            participant = Participant.objects.filter(
                organisation=project, first_name=first, last_name=last, birth_year=birth_year
            ).first()
            if participant is None:
                form = ParticipantForm(
                    {
                        "first_name": first,
                        "last_name": last,
                        "birth_year": birth_year,
                        "phone": f"00 00 {n // 100:02d} {n % 100:02d}",
                        "email": f"{first.lower()}.{last.lower()}{n}@example.org".replace(
                            "ø", "oe"
                        ),
                        "municipality": municipality,
                        "home_area": HOME_AREAS[municipality][n % 4],
                        "gender": "female" if FIRST_NAMES.index(first) < 15 else "male",
                        "recruitment": list(Participant.Recruitment.values)[n % 6],
                        "health_notes": HEALTH_NOTES[n % len(HEALTH_NOTES)],
                        "preferred_activities": [
                            activity_types[n % 8].pk,
                            activity_types[(n + 3) % 8].pk,
                        ],
                        "preferred_weekdays": [n % 5, (n + 2) % 5],
                        "preferred_times": [["morning"], ["afternoon"], ["morning", "evening"]][
                            n % 3
                        ],
                        "max_travel_km": [2, 5, 10, 3][n % 4],
                        "max_monthly_fee": [100, 150, 200, 300][n % 4],
                        "continue_with_team": list(Participant.TeamPreference.values)[n % 3],
                        "motivation": MOTIVATIONS[n % len(MOTIVATIONS)],
                    },
                    organisation=project,
                )
                if not form.is_valid():
                    raise ValueError(f"Demo participant {first} {last}: {form.errors.as_text()}")
                participant = participant_services.participant_create(
                    form=form, membership=membership
                )
                seed_consents(participant, n, receivers, membership)
                if n in LEAVING:  # left the programme the day they were registered, as told
                    participant_services.participant_withdraw(
                        participant=participant,
                        membership=membership,
                        on=timezone.localdate(participant.created_at),
                        reason=LEAVING[n],
                    )
                if n in CAME_BACK:
                    participant_services.participant_withdraw(
                        participant=participant,
                        membership=membership,
                        on=timezone.localdate(participant.created_at),
                        reason=CAME_BACK[n],
                    )
                    participant_services.participant_return(
                        participant=participant, membership=membership
                    )
            n += 1


def seed_consents(participant, n, receivers, membership):
    """The paper consent form, recorded as the consent page does; the long-ago participants
    gave theirs when they joined, years ago."""
    today = timezone.localdate()
    given_on = today - datetime.timedelta(days=1000 if story_role(n) == "long_ago" else 90)
    purposes = [Consent.Purpose.REGISTRATION, Consent.Purpose.STATISTICS]
    if n % 11 != 10:
        purposes.append(Consent.Purpose.FOLLOW_UP)
    sharing = [receivers[n % len(receivers)]] if n % 3 == 0 else []
    consents = participant_services.consents_record(
        participant=participant,
        membership=membership,
        purposes=purposes,
        organisations=sharing,
        given_on=given_on,
        method=Consent.Method.PAPER,
    )
    if n % 9 == 0:  # one in nine later withdrew the consent to share their contact details
        shared = next(c for c in consents if c.purpose == Consent.Purpose.SHARE_CONTACT)
        participant_services.consent_withdraw(
            consent=shared, membership=membership, on=given_on + datetime.timedelta(days=30)
        )


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
    return [
        p
        for i, p in enumerate(participants)
        if story_role(offset + i) in roles and p.withdrawn_on is None
    ]


def consent_to(participants, organisation, coordinator):
    """Consent to share contact details with `organisation`, on the consent page's service,
    for those who have none in force."""
    for participant in participants:
        sharing = Consent.objects.active().filter(
            participant=participant,
            purpose=Consent.Purpose.SHARE_CONTACT,
            organisation=organisation,
        )
        if not sharing.exists():
            participant_services.consents_record(
                participant=participant,
                membership=Membership.objects.get(
                    user=coordinator, organisation=participant.organisation
                ),
                purposes=[],
                organisations=[organisation],
                given_on=timezone.localdate() - datetime.timedelta(weeks=40),
                method=Consent.Method.PAPER,
            )
