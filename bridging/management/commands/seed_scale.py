"""A national-scale data set for the benchmark: `python manage.py seed_scale [--scale 0.05]`.

Not the demo (that is `seed_demo`, built through the services the pages call): this writes rows
straight into the tables with PostgreSQL's COPY, so 100,000 participants and 1.8 million
attendance rows take minutes, not hours. It only needs a migrated, empty PostgreSQL database.
The demo users (password "demo") are placed where the data is heaviest:

- `koordinator`: coordinator of the largest project (5,000 participants at full scale);
- `instruktor`: teaches courses of 30 in that project, with today's sessions not yet marked;
- `forening`: staff of the association that has hundreds of open handovers in its inbox;
- `boligsocial`: coordinator of the housing plans in 40 local partnerships with 400 activities.

Everything is invented; names are drawn from short lists with a fixed random seed.
"""

import datetime
import io
import json
import random
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from bridging.figures import attendance_refresh, readiness_refresh
from bridging.models import (
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
    Session,
)
from participants.hooks import refresh_status
from participants.models import Consent, Participant
from partnerships.models import (
    ActivityType,
    Membership,
    Offer,
    Organisation,
    PartnershipAgreement,
)
from partnerships.models import local as model2

User = get_user_model()
Kind = Organisation.Kind
Role = Membership.Role

# Full scale (--scale 1): the sizes of the national installation the issue describes.
FULL = {
    "projects": 100,
    "receivers": 6_000,
    "offers_per_receiver": 5,
    "participants": 100_000,
    "heavy_participants": 5_000,
    "local_partnerships": 300,
    "boligsocial_partnerships": 40,
    "activities_per_partnership": 10,
}
COURSE_SIZE = 30
ENROLMENTS_PER_PARTICIPANT = 2.4
WEEKS = 12
DEMO_PASSWORD = "demo"

FIRST_NAMES = (  # noqa: SIM905
    "Anna Birgit Else Grethe Hanne Inge Jette Karen Kirsten Lis Lone Marianne Merete Bente "
    "Ruth Susanne Tove Ulla Vibeke Aase Bent Erik Finn Hans Jens Jørgen Kurt Leif Niels "
    "Ole Peter Poul Svend Torben Aisha Fatima Leila Amir Hassan Yusuf"
).split()
LAST_NAMES = (  # noqa: SIM905
    "Jensen Nielsen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen "
    "Jørgensen Petersen Madsen Kristensen Olsen Thomsen Christiansen Poulsen Johansen "
    "Møller Mortensen Karimi Ahmadi Hussein Yilmaz Nguyen"
).split()
MUNICIPALITIES = (  # noqa: SIM905
    "København Frederiksberg Køge Roskilde Odense Aarhus Aalborg Esbjerg Vejle Randers "
    "Horsens Kolding Herning Silkeborg Næstved Slagelse Holbæk Hillerød Helsingør "
    "Svendborg"
).split()
ACTIVITIES = (  # noqa: SIM905
    "Gymnastik Dans Gang Svømning Yoga Cykling Petanque Badminton Bordtennis Styrketræning "
    "Krolf Stavgang Pilates Qigong Fodbold"
).split()


def _text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (dict, list)):
        value = json.dumps(value)
    elif isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    value = str(value)
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value


class Copier:
    """Bulk-inserts rows with COPY, handing out primary keys itself (the sequences are set
    afterwards) so that later tables can point at earlier rows without reading them back."""

    CHUNK = 50_000

    def __init__(self, cursor, out):
        self.cursor = cursor
        self.out = out
        self.next_id = {}
        self.counts = {}

    def ids(self, model, count: int) -> range:
        table = model._meta.db_table
        if table not in self.next_id:
            self.cursor.execute(f'SELECT COALESCE(MAX("id"), 0) + 1 FROM "{table}"')
            self.next_id[table] = self.cursor.fetchone()[0]
        start = self.next_id[table]
        self.next_id[table] = start + count
        return range(start, start + count)

    def _fillers(self, model, columns):
        """Values for the NOT NULL columns the caller leaves out: each field's default. A
        unique field with a callable default (a UUID) gets a new value on every row."""
        now = timezone.now()
        names, values, per_row = [], [], []
        for field in model._meta.concrete_fields:
            if field.column in columns or field.null or field.generated:
                continue
            if field.unique and field.has_default() and callable(field.default):
                per_row.append(field)
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            elif field.has_default():
                value = field.get_default()
            elif isinstance(field, (models.CharField, models.TextField)):
                value = ""
            else:
                raise CommandError(f"{model.__name__}.{field.name} needs a value")
            names.append(field.column)
            values.append(_text(value))
        filler = "".join("\t" + value for value in values)
        return [*names, *(f.column for f in per_row)], filler, [f.default for f in per_row]

    def copy(self, model, columns: list[str], rows) -> int:
        """COPY `rows` (tuples in the order of `columns`, which are column names) into the
        model's table. Returns how many rows were written."""
        filler_names, filler, unique_defaults = self._fillers(model, columns)
        table = model._meta.db_table
        names = ", ".join(f'"{name}"' for name in [*columns, *filler_names])
        sql = f'COPY "{table}" ({names}) FROM STDIN'
        written = 0
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(map(_text, row)))
            buffer.write(filler)
            for default in unique_defaults:
                buffer.write("\t" + _text(default()))
            buffer.write("\n")
            written += 1
            if written % self.CHUNK == 0:
                self._flush(sql, buffer)
                buffer = io.StringIO()
        self._flush(sql, buffer)
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + written
        return written

    def _flush(self, sql, buffer):
        if buffer.tell():
            with self.cursor.copy(sql) as copy:  # psycopg 3's COPY: the text format, as written
                copy.write(buffer.getvalue())


class Command(BaseCommand):
    help = (
        "Fill an empty PostgreSQL database with a national-scale benchmark data set "
        "(100,000 participants at --scale 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Fraction of the full size, e.g. 0.05 for a quick run (default: 1).",
        )
        parser.add_argument("--seed", type=int, default=13, help="Random seed (default: 13).")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the database has data."
        )

    def handle(self, *args, scale=1.0, seed=13, if_empty=False, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "seed_scale kræver PostgreSQL (sæt DATABASE_URL). / "
                "seed_scale needs PostgreSQL (set DATABASE_URL)."
            )
        if not 0 < scale <= 1:
            raise CommandError("--scale must be above 0 and at most 1.")
        if Organisation.objects.exists() or User.objects.filter(username="koordinator").exists():
            if if_empty:
                self.stdout.write("seed_scale: the database has data already; nothing done.")
                return
            raise CommandError(
                "seed_scale skal have en tom, migreret database. / "
                "seed_scale needs an empty, migrated database."
            )
        started = time.monotonic()
        self.rng = random.Random(seed)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.sizes = {key: max(1, round(value * scale)) for key, value in FULL.items()}
        self.sizes["projects"] = max(2, self.sizes["projects"])
        self.sizes["receivers"] = max(10, self.sizes["receivers"])
        with transaction.atomic(), connection.cursor() as cursor:
            self.copier = Copier(cursor, self.stdout)
            self._step("dropping foreign keys and indexes", lambda: self._drop_checks(cursor))
            self._step("users and organisations", self._organisations)
            self._step("offers", self._offers)
            self._step("participants and consents", self._participants)
            self._step("programmes, courses and sessions", self._courses)
            self._step("enrolments", self._enrolments)
            self._step("attendance", self._attendance)
            self._step("assessments", self._assessments)
            self._step("handovers and follow-ups", self._handovers)
            self._step("fairs and agreements", self._fairs_and_agreements)
            self._step("local partnerships", self._local_partnerships)
            self._step("sequences", self._reset_sequences)
            self._step("foreign keys and indexes", lambda: self._restore_checks(cursor))
            # The kept journey part of every status, from the definition (the services keep it
            # from here on), with the indexes back in place.
            self._step("participant statuses", refresh_status)
            # And every enrolment's attendance figures (figures.attendance_refresh).
            self._step("attendance figures", attendance_refresh)
            # And the lowest score of each one's latest staff assessment (readiness_refresh).
            self._step("readiness scores", readiness_refresh)
        self._step("vacuum and analyze", lambda: connection.cursor().execute("VACUUM ANALYZE"))
        for label, count in sorted(self.copier.counts.items()):
            self.stdout.write(f"  {label}: {count:,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"seed_scale --scale {scale}: done in {time.monotonic() - started:.0f} s. "
                f"Log in as koordinator, instruktor, forening or boligsocial (password "
                f"'{DEMO_PASSWORD}')."
            )
        )

    def _step(self, name, function):
        started = time.monotonic()
        function()
        self.stdout.write(f"{name}: {time.monotonic() - started:.1f} s")

    # --- people and organisations -----------------------------------------------------------

    def _users(self, usernames):
        ids = self.copier.ids(User, len(usernames))
        password = self.password
        self.copier.copy(
            User,
            ["id", "username", "password", "first_name", "is_superuser", "is_staff", "is_active"],
            (
                (pk, name, password, name.capitalize(), False, False, True)
                for pk, name in zip(ids, usernames, strict=True)
            ),
        )
        return list(ids)

    def _organisations(self):
        copier, sizes = self.copier, self.sizes
        self.password = make_password(DEMO_PASSWORD)
        n_projects, n_receivers = sizes["projects"], sizes["receivers"]
        n_partnerships = max(sizes["local_partnerships"], sizes["boligsocial_partnerships"] + 1)
        self.n_housing_plans = max(2, n_partnerships // 2)
        self.n_municipality_orgs = len(MUNICIPALITIES)

        rows = []
        self.projects = copier.ids(Organisation, n_projects)
        for index, pk in enumerate(self.projects):
            name = "Seniorer i bevægelse" if index == 0 else f"Bevægelsesprojekt {index}"
            rows.append((pk, name, Kind.PROJECT, MUNICIPALITIES[index % len(MUNICIPALITIES)]))
        self.receivers = copier.ids(Organisation, n_receivers)
        receiver_kinds = [Kind.ASSOCIATION] * 7 + [Kind.EVENING_SCHOOL] * 2 + [Kind.SELF_ORGANISED]
        for index, pk in enumerate(self.receivers):
            kind = receiver_kinds[index % len(receiver_kinds)]
            name = "Vesterbro Seniorgymnastik" if index == 0 else f"{kind.label} {index}"
            rows.append((pk, name, kind, MUNICIPALITIES[index % len(MUNICIPALITIES)]))
        self.municipality_orgs = copier.ids(Organisation, self.n_municipality_orgs)
        for name, pk in zip(MUNICIPALITIES, self.municipality_orgs, strict=True):
            rows.append((pk, f"{name} Kommune", Kind.MUNICIPALITY, name))
        self.housing_plans = copier.ids(Organisation, self.n_housing_plans)
        for index, pk in enumerate(self.housing_plans):
            municipality = MUNICIPALITIES[index % len(MUNICIPALITIES)]
            rows.append((pk, f"Helhedsplan {index + 1}", Kind.HOUSING_PLAN, municipality))
        copier.copy(Organisation, ["id", "name", "kind", "municipality"], rows)

        # Users: the four demo users first, then one coordinator per project, instructors
        # (one per ten courses), one staff member per receiving organisation.
        self.participants_per_project = self._split(
            sizes["participants"], sizes["heavy_participants"], n_projects
        )
        self.courses_per_project = [
            max(4, round(n * ENROLMENTS_PER_PARTICIPANT / COURSE_SIZE))
            for n in self.participants_per_project
        ]
        demo = self._users(["koordinator", "instruktor", "forening", "boligsocial"])
        self.koordinator, self.instruktor, self.forening, self.boligsocial = demo
        coordinators = [self.koordinator, *self._users([f"koord{i}" for i in range(1, n_projects)])]
        self.instructors = []  # per project: the user ids of its instructors
        memberships = [(self.koordinator, self.projects[0], Role.COORDINATOR)]
        for index, project in enumerate(self.projects):
            count = max(2, self.courses_per_project[index] // 10)
            names = [f"instr{index}_{i}" for i in range(count - (index == 0))]
            ids = ([self.instruktor] if index == 0 else []) + self._users(names)
            self.instructors.append(ids)
            memberships += [(user, project, Role.INSTRUCTOR) for user in ids]
            if index:
                memberships.append((coordinators[index], project, Role.COORDINATOR))
        staff = [self.forening, *self._users([f"staff{i}" for i in range(1, n_receivers)])]
        memberships += [
            (user, org, Role.STAFF) for user, org in zip(staff, self.receivers, strict=True)
        ]
        self.staff = staff
        # boligsocial coordinates the housing plans of its 40 partnerships (four each); every
        # other housing plan and municipality has a coordinator of its own.
        self.boligsocial_plans = self.housing_plans[
            : max(1, sizes["boligsocial_partnerships"] // 4)
        ]
        memberships += [
            (self.boligsocial, plan, Role.COORDINATOR) for plan in self.boligsocial_plans
        ]
        others = [*self.housing_plans[len(self.boligsocial_plans) :], *self.municipality_orgs]
        local_users = self._users([f"lokal{i}" for i in range(len(others))])
        memberships += [
            (user, org, Role.COORDINATOR) for user, org in zip(local_users, others, strict=True)
        ]
        copier.copy(
            Membership,
            ["id", "user_id", "organisation_id", "role"],
            (
                (pk, *row)
                for pk, row in zip(
                    copier.ids(Membership, len(memberships)), memberships, strict=True
                )
            ),
        )

    @staticmethod
    def _split(total, heavy, parts):
        """`heavy` for the first part, the rest spread evenly over the others."""
        heavy = min(heavy, total // 2)
        rest, extra = divmod(total - heavy, parts - 1)
        return [heavy] + [rest + (1 if i < extra else 0) for i in range(parts - 1)]

    def _offers(self):
        copier, rng = self.copier, self.rng
        self.activity_types = copier.ids(ActivityType, len(ACTIVITIES))
        copier.copy(
            ActivityType,
            ["id", "name"],
            zip(self.activity_types, ACTIVITIES, strict=True),
        )
        per = self.sizes["offers_per_receiver"]
        self.offers = copier.ids(Offer, len(self.receivers) * per)
        self.offer_receiver = {}
        levels = Offer.Level.values
        payments = Offer.Payment.values
        rows = []
        for index, pk in enumerate(self.offers):
            receiver_index = index // per
            receiver = self.receivers[receiver_index]
            self.offer_receiver[pk] = receiver
            hour = rng.choice([9, 10, 14, 17, 19])
            fee = rng.choice([0, 100, 150, 200, 300, 600, 900, 1200])
            activity = rng.randrange(len(ACTIVITIES))
            rows.append(
                (
                    pk,
                    receiver,
                    f"{ACTIVITIES[activity]} for seniorer {index}",
                    self.activity_types[activity],
                    f"Hal {index % 300}",
                    MUNICIPALITIES[receiver_index % len(MUNICIPALITIES)],
                    1 << rng.randrange(7),
                    datetime.time(hour),
                    datetime.time(hour + 1, 30),
                    "morning" if hour < 12 else "afternoon" if hour < 17 else "evening",
                    rng.choice(levels),
                    rng.random() < 0.5,
                    fee,
                    "month",
                    fee,
                    rng.choice(payments),
                    rng.choice([None, 0, 2, 5, 10]),
                    index % 10 != 9,
                )
            )
        copier.copy(
            Offer,
            [
                "id",
                "organisation_id",
                "name",
                "activity_type_id",
                "venue",
                "municipality",
                "weekday_mask",
                "start_time",
                "end_time",
                "time_of_day",
                "level",
                "suits_newcomers",
                "fee",
                "fee_period",
                "monthly_fee",
                "payment",
                "free_places",
                "is_active",
            ],
            rows,
        )

    def _participants(self):
        copier, rng = self.copier, self.rng
        total = sum(self.participants_per_project)
        ids = iter(copier.ids(Participant, total))
        self.project_participants = []
        rows = []
        for index, (project, count) in enumerate(
            zip(self.projects, self.participants_per_project, strict=True)
        ):
            municipality = MUNICIPALITIES[index % len(MUNICIPALITIES)]
            members = []
            for _ in range(count):
                pk = next(ids)
                members.append(pk)
                rows.append(
                    (
                        pk,
                        project,
                        rng.choice(FIRST_NAMES),
                        rng.choice(LAST_NAMES),
                        f"{rng.randrange(20_000_000, 99_999_999)}",
                        rng.randrange(1935, 1965),
                        municipality,
                        rng.choice([[0, 2], [1], [3, 4], []]),
                        rng.choice([["morning"], ["afternoon", "evening"], []]),
                        rng.choice([None, 200, 400]),
                    )
                )
            self.project_participants.append(members)
        copier.copy(
            Participant,
            [
                "id",
                "organisation_id",
                "first_name",
                "last_name",
                "phone",
                "birth_year",
                "municipality",
                "preferred_weekdays",
                "preferred_times",
                "max_monthly_fee",
            ],
            rows,
        )
        given = self.today - datetime.timedelta(days=400)
        copier.copy(
            Consent,
            ["id", "participant_id", "purpose", "text_version", "given_on", "method"],
            (
                (pk, participant, Consent.Purpose.REGISTRATION, "1", given, "paper")
                for pk, participant in zip(
                    copier.ids(Consent, total),
                    (p for members in self.project_participants for p in members),
                    strict=True,
                )
            ),
        )

    # --- the journey ------------------------------------------------------------------------

    def _courses(self):
        """Two programmes per project: last year's (completed courses) and this year's (half
        running with sessions today or earlier this week, half planned)."""
        copier, rng, today = self.copier, self.rng, self.today
        programme_ids = copier.ids(Programme, 2 * len(self.projects))
        rows = []
        self.programmes = []  # (past, current) per project
        for index, project in enumerate(self.projects):
            past, current = programme_ids[2 * index], programme_ids[2 * index + 1]
            self.programmes.append((past, current))
            rows.append(
                (
                    past,
                    project,
                    f"Forløb {today.year - 1}",
                    today - datetime.timedelta(400),
                    today - datetime.timedelta(180),
                )
            )
            rows.append(
                (
                    current,
                    project,
                    f"Forløb {today.year}",
                    today - datetime.timedelta(60),
                    today + datetime.timedelta(200),
                )
            )
        copier.copy(Programme, ["id", "organisation_id", "name", "starts_on", "ends_on"], rows)

        course_rows, instructor_rows, session_rows = [], [], []
        self.courses = []  # dicts: id, project index, status, session ids held, sessions
        course_ids = iter(copier.ids(Course, sum(self.courses_per_project)))
        for index, count in enumerate(self.courses_per_project):
            past, current = self.programmes[index]
            instructors = self.instructors[index]
            for number in range(count):
                pk = next(course_ids)
                share = number / count
                hour = rng.choice([9, 10, 13, 16])
                if share < 0.5:
                    status, programme = Course.Status.COMPLETED, past
                    weekday = rng.randrange(5)
                    start = today - datetime.timedelta(days=380 - (number % 60))
                elif share < 0.75:
                    status, programme = Course.Status.RUNNING, current
                    weekday = rng.randrange(5)
                    start = today - datetime.timedelta(weeks=6)
                else:
                    status, programme = Course.Status.PLANNED, current
                    weekday = rng.randrange(5)
                    start = today + datetime.timedelta(weeks=2)
                instructor = instructors[number % len(instructors)]
                if instructor == self.instruktor and status == Course.Status.RUNNING:
                    weekday = today.weekday()  # today's session, not yet marked
                course_rows.append(
                    (
                        pk,
                        programme,
                        f"Hold {index}-{number + 1}",
                        f"Hal {number % 40}",
                        MUNICIPALITIES[index % len(MUNICIPALITIES)],
                        weekday,
                        datetime.time(hour),
                        datetime.time(hour + 1, 30),
                        start,
                        WEEKS,
                        COURSE_SIZE + 2,
                        status,
                    )
                )
                instructor_rows.append((pk, instructor))
                first = start + datetime.timedelta(days=(weekday - start.weekday()) % 7)
                sessions = []
                for week in range(WEEKS):
                    day = first + datetime.timedelta(weeks=week)
                    held = day < today and status != Course.Status.PLANNED
                    sessions.append((day, held))
                self.courses.append(
                    {
                        "id": pk,
                        "project": index,
                        "status": status,
                        "hour": hour,
                        "sessions": sessions,
                        "instructor": instructor,
                    }
                )
        copier.copy(
            Course,
            [
                "id",
                "programme_id",
                "name",
                "venue",
                "municipality",
                "weekday",
                "start_time",
                "end_time",
                "start_date",
                "weeks",
                "capacity",
                "status",
            ],
            course_rows,
        )
        through = Course.instructors.through
        copier.copy(
            through,
            ["id", "course_id", "user_id"],
            (
                (pk, *row)
                for pk, row in zip(
                    copier.ids(through, len(instructor_rows)), instructor_rows, strict=True
                )
            ),
        )
        session_ids = iter(copier.ids(Session, sum(len(c["sessions"]) for c in self.courses)))
        for course in self.courses:
            hour = course["hour"]
            held_ids, all_ids = [], []
            for day, held in course["sessions"]:
                pk = next(session_ids)
                all_ids.append((pk, day))
                if held:
                    held_ids.append(pk)
                session_rows.append(
                    (
                        pk,
                        course["id"],
                        day,
                        datetime.time(hour),
                        datetime.time(hour + 1, 30),
                        Session.Status.HELD if held else Session.Status.PLANNED,
                        "Opvarmning, styrke og udstrækning" if held else "",
                    )
                )
            course["held"] = held_ids
            course["session_ids"] = all_ids
        copier.copy(
            Session,
            ["id", "course_id", "date", "start_time", "end_time", "status", "content"],
            session_rows,
        )

    def _enrolments(self):
        copier = self.copier
        rows = []
        offsets = [0] * len(self.projects)
        total = sum(
            COURSE_SIZE + (2 if c["status"] == Course.Status.PLANNED else 0) for c in self.courses
        )
        ids = iter(copier.ids(Enrolment, total))
        for course in self.courses:
            members = self.project_participants[course["project"]]
            enrolled = {
                Course.Status.COMPLETED: Enrolment.Status.COMPLETED,
                Course.Status.RUNNING: Enrolment.Status.ENROLLED,
                Course.Status.PLANNED: Enrolment.Status.ENROLLED,
            }[course["status"]]
            size = COURSE_SIZE + (2 if course["status"] == Course.Status.PLANNED else 0)
            size = min(size, len(members))  # a tiny --scale: once per course each
            course["roster"] = []
            start = offsets[course["project"]]
            for k in range(size):
                pk = next(ids)
                participant = members[(start + k) % len(members)]
                status = enrolled if k < COURSE_SIZE else Enrolment.Status.WAITLISTED
                if k < COURSE_SIZE:
                    course["roster"].append((pk, participant))
                rows.append((pk, participant, course["id"], status, self.today, True))
            offsets[course["project"]] = start + size
        copier.copy(
            Enrolment,
            ["id", "participant_id", "course_id", "status", "enrolled_on", "exit_goal_explained"],
            rows,
        )

    def _attendance(self):
        """Every held session has a mark for everyone on the roster; one in twelve people in
        a running course has been absent the last two or three times (drop-out warnings)."""
        rng = self.rng
        recorded_at = self.now

        def rows():
            ids = iter(self.copier.ids(Attendance, self.attendance_count))
            for course in self.courses:
                held = course["held"]
                drifting = course["status"] == Course.Status.RUNNING
                for position, (enrolment, _participant) in enumerate(course["roster"]):
                    drift_from = (
                        len(held) - 2 - position % 2 if drifting and position % 12 == 0 else None
                    )
                    for number, session in enumerate(held):
                        if drift_from is not None and number >= drift_from:
                            status = "absent"
                        else:
                            roll = rng.random()
                            status = (
                                "present" if roll < 0.82 else "absent" if roll < 0.94 else "excused"
                            )
                        yield (
                            next(ids),
                            session,
                            enrolment,
                            status,
                            course["instructor"],
                            recorded_at,
                        )

        self.attendance_count = sum(len(c["held"]) * len(c["roster"]) for c in self.courses)
        self.copier.copy(
            Attendance,
            ["id", "session_id", "enrolment_id", "status", "recorded_by_id", "recorded_at"],
            rows(),
        )

    def _assessments(self):
        """A start assessment of everyone in running and finished courses, and an end
        assessment in one in eight finished courses."""
        rng = self.rng
        scores = [
            "knows_offers",
            "knows_purpose",
            "takes_part",
            "has_vision",
            "joy_of_movement",
            "progress",
            "manages_in_offer",
            "belonging",
        ]
        wanted = []
        for number, course in enumerate(self.courses):
            if course["status"] == Course.Status.PLANNED:
                continue
            first_day = course["sessions"][0][0]
            for enrolment, _participant in course["roster"]:
                wanted.append((enrolment, "start", first_day, course["instructor"]))
                if course["status"] == Course.Status.COMPLETED and number % 8 == 0:
                    wanted.append(
                        (enrolment, "end", course["sessions"][-1][0], course["instructor"])
                    )
        ids = self.copier.ids(Assessment, len(wanted))

        def rows():
            for pk, (enrolment, kind, day, by) in zip(ids, wanted, strict=True):
                base = 2 if kind == "start" else 3
                yield (
                    pk,
                    enrolment,
                    kind,
                    "staff",
                    day,
                    by,
                    *(min(4, base + rng.randrange(-1, 2)) for _ in scores),
                    {},
                )

        self.copier.copy(
            Assessment,
            [
                "id",
                "enrolment_id",
                "kind",
                "source",
                "assessed_on",
                "assessed_by_id",
                *scores,
                "indicator_notes",
            ],
            rows(),
        )

    def _handovers(self):
        """From each finished course: two groups of six to an offer and, every second course,
        one individual. One handover in twenty goes to `forening`'s association, still open."""
        rng = self.rng
        handovers, members = [], []
        completed = [c for c in self.courses if c["status"] == Course.Status.COMPLETED]
        number = 0
        for course in completed:
            roster = course["roster"]
            groups = [("group", roster[0:6]), ("group", roster[6:12])]
            if course["id"] % 2 == 0:
                groups.append(("individual", roster[12:13]))
            for mode, group in groups:
                open_inbox = number % 20 == 0
                offer = (
                    self.offers[rng.randrange(self.sizes["offers_per_receiver"])]
                    if open_inbox
                    else self.offers[rng.randrange(len(self.offers))]
                )
                handovers.append((course, mode, offer, group, open_inbox))
                number += 1
        handover_ids = self.copier.ids(Handover, len(handovers))
        coordinator_of = {
            i: (self.koordinator if i == 0 else None) for i in range(len(self.projects))
        }
        handover_rows = []
        for pk, (course, mode, offer, group, open_inbox) in zip(
            handover_ids, handovers, strict=True
        ):
            handover_rows.append(
                (
                    pk,
                    course["id"],
                    mode,
                    offer,
                    self.offer_receiver[offer],
                    coordinator_of[course["project"]],
                )
            )
            for enrolment, participant in group:
                members.append((pk, participant, enrolment, offer, open_inbox, course))
        self.copier.copy(
            Handover,
            ["id", "course_id", "mode", "offer_id", "receiver_id", "proposed_by_id"],
            handover_rows,
        )
        member_ids = self.copier.ids(HandoverParticipant, len(members))
        member_rows, follow_ups, consents = [], [], []
        sent_at = self.now - datetime.timedelta(days=20)
        for pk, (handover, participant, enrolment, offer, open_inbox, _course) in zip(
            member_ids, members, strict=True
        ):
            receiver = self.offer_receiver[offer]
            consents.append((participant, receiver))
            roll = rng.random()
            if open_inbox:
                status = "sent"
            else:
                status = (
                    "started"
                    if roll < 0.45
                    else "accepted"
                    if roll < 0.55
                    else "declined"
                    if roll < 0.7
                    else "sent"
                    if roll < 0.9
                    else "proposed"
                )
            answered = status in ("accepted", "declined", "started")
            started_on = self.today - datetime.timedelta(days=120) if status == "started" else None
            member_rows.append(
                (
                    pk,
                    handover,
                    participant,
                    enrolment,
                    status,
                    None if status == "proposed" else sent_at,
                    sent_at + datetime.timedelta(days=3) if answered else None,
                    self.forening if answered and receiver == self.receivers[0] else None,
                    "full" if status == "declined" else "",
                    started_on,
                )
            )
            if started_on:
                for months in (3, 6):
                    due = started_on + datetime.timedelta(days=30 * months)
                    follow_ups.append((pk, months, due, "active" if due < self.today else ""))
        self.copier.copy(
            HandoverParticipant,
            [
                "id",
                "handover_id",
                "participant_id",
                "enrolment_id",
                "status",
                "sent_at",
                "answered_at",
                "answered_by_id",
                "decline_reason",
                "started_on",
            ],
            member_rows,
        )
        self.copier.copy(
            FollowUp,
            ["id", "member_id", "months", "due_on", "answer"],
            (
                (pk, *row)
                for pk, row in zip(
                    self.copier.ids(FollowUp, len(follow_ups)), follow_ups, strict=True
                )
            ),
        )
        given = self.today - datetime.timedelta(days=200)
        self.copier.copy(
            Consent,
            [
                "id",
                "participant_id",
                "purpose",
                "organisation_id",
                "text_version",
                "given_on",
                "method",
            ],
            (
                (pk, participant, Consent.Purpose.SHARE_CONTACT, receiver, "1", given, "paper")
                for pk, (participant, receiver) in zip(
                    self.copier.ids(Consent, len(consents)), consents, strict=True
                )
            ),
        )

    def _fairs_and_agreements(self):
        """A fair in each project's current programme with 30 organisations and a third of
        the project's participants visiting; agreements with ten organisations per project."""
        rng = self.rng
        fair_ids = self.copier.ids(Fair, len(self.projects))
        fair_rows, fair_orgs, visits = [], [], []
        for index, pk in enumerate(fair_ids):
            fair_rows.append(
                (
                    pk,
                    self.programmes[index][1],
                    f"Foreningsmesse {index}",
                    self.today - datetime.timedelta(days=14),
                    "Medborgerhuset",
                )
            )
            for receiver in rng.sample(self.receivers, min(30, len(self.receivers))):
                fair_orgs.append((pk, receiver))
            for participant in self.project_participants[index][::3]:
                visits.append((pk, participant, None, ""))
                if participant % 2:
                    offer = self.offers[rng.randrange(len(self.offers))]
                    visits.append((pk, participant, offer, "interested"))
        self.copier.copy(Fair, ["id", "programme_id", "name", "date", "place"], fair_rows)
        through = Fair.organisations.through
        self.copier.copy(
            through,
            ["id", "fair_id", "organisation_id"],
            (
                (pk, *row)
                for pk, row in zip(self.copier.ids(through, len(fair_orgs)), fair_orgs, strict=True)
            ),
        )
        self.copier.copy(
            FairInterest,
            ["id", "fair_id", "participant_id", "offer_id", "level", "registered_at"],
            (
                (pk, *row, self.now)
                for pk, row in zip(self.copier.ids(FairInterest, len(visits)), visits, strict=True)
            ),
        )
        agreements = []
        statuses = [PartnershipAgreement.Status.DRAFT, PartnershipAgreement.Status.SENT]
        for project in self.projects:
            for receiver in rng.sample(self.receivers, min(10, len(self.receivers))):
                agreements.append((project, receiver, rng.choice(statuses)))
        self.copier.copy(
            PartnershipAgreement,
            [
                "id",
                "project_id",
                "receiver_id",
                "status",
                "starts_on",
                "ends_on",
                "project_contact",
            ],
            (
                (
                    pk,
                    project,
                    receiver,
                    status,
                    self.today - datetime.timedelta(100),
                    self.today + datetime.timedelta(265),
                    "Projektkoordinator",
                )
                for pk, (project, receiver, status) in zip(
                    self.copier.ids(PartnershipAgreement, len(agreements)), agreements, strict=True
                )
            ),
        )

    def _local_partnerships(self):
        """Local partnerships of a housing plan and a municipality (boligsocial's housing plans
        in the first 40), each with ten activities, six months of registrations, two
        descriptions per activity and a few boundary encounters."""
        rng, today = self.rng, self.today
        count = max(self.sizes["local_partnerships"], self.sizes["boligsocial_partnerships"] + 1)
        partnerships = self.copier.ids(model2.LocalPartnership, count)
        rows, levels, encounters, encounter_orgs = [], [], [], []
        encounter_ids = iter(self.copier.ids(model2.BoundaryEncounter, 3 * count))
        for index, pk in enumerate(partnerships):
            if index < self.sizes["boligsocial_partnerships"]:
                plan = self.boligsocial_plans[index % len(self.boligsocial_plans)]
            else:
                others = self.housing_plans[len(self.boligsocial_plans) :] or self.housing_plans
                plan = others[index % len(others)]
            municipality = self.municipality_orgs[index % len(self.municipality_orgs)]
            rows.append(
                (
                    pk,
                    f"Lokalt partnerskab {index + 1}",
                    plan,
                    municipality,
                    "Boligsocial medarbejder",
                    "Sundhedskonsulent",
                    today - datetime.timedelta(days=500),
                )
            )
            levels.append((pk, index % 4, today - datetime.timedelta(days=300), "Vurderet"))
            for k in range(3):
                encounter = next(encounter_ids)
                encounters.append(
                    (
                        encounter,
                        pk,
                        today - datetime.timedelta(days=30 * k + 5),
                        "meeting",
                        "Medarbejdere fra begge sider",
                    )
                )
                encounter_orgs.append((encounter, plan))
                encounter_orgs.append((encounter, municipality))
        self.copier.copy(
            model2.LocalPartnership,
            [
                "id",
                "name",
                "housing_plan_id",
                "municipality_id",
                "housing_plan_contact",
                "municipality_contact",
                "started_on",
            ],
            rows,
        )
        self.copier.copy(
            model2.LevelChange,
            ["id", "partnership_id", "level", "changed_on", "reason"],
            (
                (pk, *row)
                for pk, row in zip(
                    self.copier.ids(model2.LevelChange, len(levels)), levels, strict=True
                )
            ),
        )
        self.copier.copy(
            model2.BoundaryEncounter,
            ["id", "partnership_id", "date", "kind", "participants"],
            encounters,
        )
        through = model2.BoundaryEncounter.organisations.through
        self.copier.copy(
            through,
            ["id", "boundaryencounter_id", "organisation_id"],
            (
                (pk, *row)
                for pk, row in zip(
                    self.copier.ids(through, len(encounter_orgs)), encounter_orgs, strict=True
                )
            ),
        )
        per = FULL["activities_per_partnership"]
        activity_ids = self.copier.ids(model2.LocalActivity, count * per)
        activity_rows, descriptions, registrations = [], [], []
        for number, pk in enumerate(activity_ids):
            activity_rows.append(
                (
                    pk,
                    partnerships[number // per],
                    f"Aktivitet {number + 1}",
                    True,
                    number % 2 == 0,
                    "Vi mødes og hygger",
                    "Gåtur",
                )
            )
            descriptions.append((pk, 1, "description", "Første beskrivelse af aktiviteten"))
            descriptions.append((pk, 2, "description", "Anden beskrivelse af aktiviteten"))
            for month in range(6):
                total = rng.randrange(5, 30)
                registrations.append(
                    (
                        pk,
                        today - datetime.timedelta(days=30 * month + 3),
                        total,
                        rng.randrange(0, total // 2 + 1),
                    )
                )
        self.copier.copy(
            model2.LocalActivity,
            [
                "id",
                "partnership_id",
                "title",
                "run_by_housing_plan",
                "run_by_municipality",
                "wellbeing",
                "movement",
            ],
            activity_rows,
        )
        self.copier.copy(
            model2.ActivityDescription,
            ["id", "activity_id", "number", "kind", "text"],
            (
                (pk, *row)
                for pk, row in zip(
                    self.copier.ids(model2.ActivityDescription, len(descriptions)),
                    descriptions,
                    strict=True,
                )
            ),
        )
        self.copier.copy(
            model2.Registration,
            ["id", "activity_id", "date", "participants", "new"],
            (
                (pk, *row)
                for pk, row in zip(
                    self.copier.ids(model2.Registration, len(registrations)),
                    registrations,
                    strict=True,
                )
            ),
        )

    def _drop_checks(self, cursor):
        """Foreign keys checked row by row (and at commit, as Django makes them deferred) and
        indexes updated row by row make COPY slow; they are dropped here and made again at the
        end, which checks and builds each in one pass. Unique constraints stay."""
        from django.apps import apps

        tables = [m._meta.db_table for m in apps.get_models(include_auto_created=True)]
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
            FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)
            """,
            [tables],
        )
        self.foreign_keys = cursor.fetchall()
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisunique
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [tables],
        )
        self.indexes = cursor.fetchall()
        for table, name, _definition in self.foreign_keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in self.indexes:
            cursor.execute(f"DROP INDEX {name}")

    def _restore_checks(self, cursor):
        for _name, definition in self.indexes:
            cursor.execute(definition)
        for table, name, definition in self.foreign_keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')

    def _reset_sequences(self):
        from django.apps import apps

        statements = connection.ops.sequence_reset_sql(
            no_style(), apps.get_models(include_auto_created=True)
        )
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
