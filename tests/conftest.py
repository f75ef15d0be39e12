"""The fixed test cast, shared by every test (STYLE.md habit 11).

Two project organisations, A and B, each with a coordinator and an instructor, and each with a
receiving association with a staff member; plus an outsider who works nowhere. Each project has
a participant with a registration consent; project A lets its instructors see participants.
Each project runs a programme with one course, taught by its instructor, with one session and
the project's participant enrolled; instructor A has a calendar feed and has made a start
questionnaire link for participant A. Each association has an offer; project A has a draft
agreement with association A, and a fair where association A takes part. Participant A, who
consents to sharing with association A, has been handed over to its offer (sent, waiting).
Model 2: a local partnership between a housing plan and a municipality, each with a
coordinator, and one activity; none of the other roles belongs to it. Coordinator A has made an
API token for project A (`api_secret_a` is its secret).
Names end in _a / _b so a test reads as a sentence: `coordinator_b` must get a 404 on A's pages.
"""

import copy
import datetime
import os
import shutil
from dataclasses import dataclass

import django.test
import pytest
from django.core import mail
from django.db import connection, transaction
from django.test import override_settings

from bridging.handovers import handover_propose, handover_send
from bridging.models import (
    CalendarFeed,
    Course,
    Enrolment,
    Fair,
    FollowUp,
    HandoverParticipant,
    Programme,
    Questionnaire,
    Session,
)
from bridging.readiness import questionnaire_create
from participants.models import Consent, Participant
from partnerships.models import (
    ApiToken,
    LocalActivity,
    LocalPartnership,
    Membership,
    Offer,
    Organisation,
    PartnershipAgreement,
)
from partnerships.services import api_token_create
from tests.factories import (
    AgreementFactory,
    ConsentFactory,
    CourseFactory,
    EnrolmentFactory,
    MembershipFactory,
    OfferFactory,
    OrganisationFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    UserFactory,
)

PASSWORD = "correct horse battery staple"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

Role = Membership.Role


@dataclass
class Cast:
    project_a: Organisation
    project_b: Organisation
    association_a: Organisation
    association_b: Organisation
    coordinator_a: object
    instructor_a: object
    staff_a: object
    coordinator_b: object
    instructor_b: object
    staff_b: object
    outsider: object
    participant_a: Participant
    participant_b: Participant
    consent_a: Consent
    programme_a: Programme
    course_a: Course
    session_a: Session
    enrolment_a: Enrolment
    course_b: Course
    session_b: Session
    feed_a: CalendarFeed
    feed_token_a: str
    questionnaire_a: Questionnaire
    questionnaire_token_a: str
    offer_a: Offer
    offer_b: Offer
    agreement_a: PartnershipAgreement
    fair_a: Fair
    member_a: HandoverParticipant
    follow_up_a: FollowUp
    local_partnership: LocalPartnership
    local_activity: LocalActivity
    plan_coordinator: object
    municipality_coordinator: object
    api_token_a: ApiToken
    api_secret_a: str

    def user(self, role_name):
        return getattr(self, role_name)


def _build_cast():
    project_a = OrganisationFactory(
        name="Projekt A", municipality="København", instructors_see_participants=True
    )
    project_b = OrganisationFactory(name="Projekt B", municipality="Roskilde")
    association_a = OrganisationFactory(
        name="Forening A", kind=Organisation.Kind.ASSOCIATION, municipality="København"
    )
    association_b = OrganisationFactory(
        name="Forening B", kind=Organisation.Kind.ASSOCIATION, municipality="Roskilde"
    )

    def member(username, organisation, role):
        return MembershipFactory(
            user=UserFactory(username=username), organisation=organisation, role=role
        ).user

    participant_a = ParticipantFactory(
        organisation=project_a, first_name="Alma", last_name="Andersen", health_notes="Ny hofte."
    )
    participant_b = ParticipantFactory(organisation=project_b, first_name="Bodil", last_name="Berg")
    ConsentFactory(participant=participant_b)
    coordinator_a = member("coordinator_a", project_a, Role.COORDINATOR)
    instructor_a = member("instructor_a", project_a, Role.INSTRUCTOR)
    instructor_b = member("instructor_b", project_b, Role.INSTRUCTOR)
    programme_a = ProgrammeFactory(organisation=project_a, name="Forløb A")
    course_a = CourseFactory(programme=programme_a, name="Hold A")
    course_a.instructors.add(instructor_a)
    course_b = CourseFactory(programme__organisation=project_b, name="Hold B")
    course_b.instructors.add(instructor_b)
    enrolment_a = EnrolmentFactory(course=course_a, participant=participant_a)
    questionnaire_a, questionnaire_token_a = questionnaire_create(
        enrolment=enrolment_a, kind="start", user=instructor_a
    )
    offer_a = OfferFactory(organisation=association_a, name="Tilbud A")
    fair_a = Fair.objects.create(
        programme=programme_a, name="Messe A", date="2026-11-01", place="Hallen"
    )
    fair_a.organisations.add(association_a)
    ConsentFactory(participant=participant_a, purpose="share_contact", organisation=association_a)
    handover = handover_propose(
        course=course_a,
        mode="individual",
        enrolments=[enrolment_a],
        offer=offer_a,
        user=coordinator_a,
    )
    member_a = handover_send(member=handover.members.get())
    feed_a, feed_token_a = CalendarFeed.objects.issue(user=instructor_a)
    housing_plan = OrganisationFactory(name="Helhedsplan H", kind="housing_plan")
    municipality = OrganisationFactory(name="Kommune M", kind="municipality")
    local_partnership = LocalPartnership.objects.create(
        name="Partnerskab HM",
        housing_plan=housing_plan,
        municipality=municipality,
        housing_plan_contact="Hanne",
        municipality_contact="Mads",
        started_on=datetime.date(2025, 1, 1),
    )
    api_token_a, api_secret_a = api_token_create(
        organisation=project_a, name="Kommunens rapportering", user=coordinator_a
    )
    return Cast(
        api_token_a=api_token_a,
        api_secret_a=api_secret_a,
        local_partnership=local_partnership,
        local_activity=LocalActivity.objects.create(partnership=local_partnership, title="Gåklub"),
        plan_coordinator=member("plan_coordinator", housing_plan, Role.COORDINATOR),
        municipality_coordinator=member("municipality_coordinator", municipality, Role.COORDINATOR),
        member_a=member_a,
        follow_up_a=FollowUp.objects.create(member=member_a, months=3, due_on="2026-11-01"),
        offer_a=offer_a,
        offer_b=OfferFactory(organisation=association_b, name="Tilbud B"),
        agreement_a=AgreementFactory(project=project_a, receiver=association_a),
        fair_a=fair_a,
        questionnaire_a=questionnaire_a,
        questionnaire_token_a=questionnaire_token_a,
        programme_a=programme_a,
        course_a=course_a,
        session_a=SessionFactory(course=course_a),
        enrolment_a=enrolment_a,
        course_b=course_b,
        session_b=SessionFactory(course=course_b),
        feed_a=feed_a,
        feed_token_a=feed_token_a,
        participant_a=participant_a,
        participant_b=participant_b,
        consent_a=ConsentFactory(participant=participant_a),
        project_a=project_a,
        project_b=project_b,
        association_a=association_a,
        association_b=association_b,
        coordinator_a=coordinator_a,
        instructor_a=instructor_a,
        staff_a=member("staff_a", association_a, Role.STAFF),
        coordinator_b=member("coordinator_b", project_b, Role.COORDINATOR),
        instructor_b=instructor_b,
        staff_b=member("staff_b", association_b, Role.STAFF),
        outsider=UserFactory(username="outsider"),
    )


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs ~0.3 s a user; the cast has seven in every test."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def cast(request, db):
    """The cast, in the test's own transaction. Built once and shared by a module's
    consecutive tests that ask for it (see `_SharedCast`): each such test gets its own copy of
    the objects, and the rows are the same as built afresh, as what a test writes is rolled
    back after it."""
    if _SharedCast.atomic is not None and not _is_transactional(request):
        mail.outbox.extend(copy.deepcopy(_SharedCast.mails))
        return copy.deepcopy(_SharedCast.cast)
    return _build_cast()


class _SharedCast:
    """One cast built inside an outer transaction that stays open while a module's tests that
    ask for `cast` follow each other (what Django's `setUpTestData` does for a class). Each
    test's own transaction (pytest-django's `db`) is a savepoint inside it, rolled back after the
    test, and each test gets a deep copy of the objects, so nothing one test changes, in the
    database or in memory, reaches the next. The outer transaction is rolled back, before any
    other fixture is set up, when the next test that uses the database does not ask for the cast
    (it must see an empty database), commits (transactional tests, live servers), or belongs to
    another module; and it is never opened inside another open transaction (the matrices'
    `module_cast`): such a test builds its own cast as before."""

    atomic = None  # the outer transaction, while it is open
    cast = None
    mails = []  # mail sent while building (replayed into each test's outbox)
    module = None
    blocker = None

    @classmethod
    def open(cls, module, blocker):
        with blocker.unblock():
            if connection.in_atomic_block:
                return
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                sent = len(mail.outbox)
                with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
                    cls.cast = _build_cast()
                cls.mails = mail.outbox[sent:]
            except BaseException:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
                raise
        cls.atomic, cls.module, cls.blocker = atomic, module, blocker

    @classmethod
    def close(cls):
        if cls.atomic is None:
            return
        atomic, cls.atomic, cls.cast, cls.mails, cls.module = cls.atomic, None, None, [], None
        with cls.blocker.unblock():
            if connection.atomic_blocks[-1:] != [atomic]:
                raise RuntimeError("The shared cast's transaction is not the innermost one.")
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _is_transactional(request):
    """Whether the test's database is committed to, as pytest-django decides it."""
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    names = {"transactional_db", "live_server", "django_db_reset_sequences"}
    return bool(names & set(request.fixturenames))


@pytest.fixture
def _django_db_helper(_shared_cast_in_place, _django_db_helper):
    """pytest-django's own (which begins the test's transaction), once the shared cast is
    open or closed as this test needs it."""


@pytest.fixture
def _shared_cast_in_place(request, django_db_setup, django_db_blocker):
    if "cast" not in request.fixturenames or _is_transactional(request):
        _SharedCast.close()
    elif _SharedCast.module is not request.module:
        _SharedCast.close()
        _SharedCast.open(request.module, django_db_blocker)


@pytest.fixture(scope="module", autouse=True)
def _shared_cast_closed_after_module():
    yield
    _SharedCast.close()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Close the shared cast before a test that uses the database without it sets up any
    fixture (a module-scoped one may open a transaction of its own)."""
    if _SharedCast.atomic is None:
        return
    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, django.test.TransactionTestCase):
        _SharedCast.close()
        return
    names = set(getattr(item, "fixturenames", ()))
    uses_db = "_django_db_helper" in names or item.get_closest_marker("django_db") is not None
    if uses_db and ("cast" not in names or _is_transactional(item._request)):
        _SharedCast.close()


@pytest.fixture(scope="module")
def module_cast(django_db_setup, django_db_blocker):
    """One cast for a whole test module, rolled back at its end. Each test's own transaction
    (pytest-django's `db`, which the test must request) nests inside it, so what a test writes
    is undone after it: for modules of hundreds of small cases, such as the matrices."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
            cast = _build_cast()
        yield cast
        transaction.set_rollback(True)


@pytest.fixture
def live_cast(transactional_db):
    """The same cast, committed, for tests whose browser talks to `live_server`."""
    return _build_cast()


# --- Real browser (Playwright driving the system Chromium) -----------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_REQUIRED = os.environ.get("REQUIRE_BROWSER") == "1"


def pytest_collection_modifyitems(config, items):
    """Browser tests skip with a reason when no Chromium is found, unless REQUIRE_BROWSER=1."""
    # Playwright's sync API runs an event loop in the test thread; Django's ORM must allow it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    browser_items = [item for item in items if "browser" in item.keywords]
    if not browser_items or os.path.exists(CHROMIUM):
        return
    if BROWSER_REQUIRED:
        raise pytest.UsageError(f"REQUIRE_BROWSER=1 but there is no Chromium at {CHROMIUM}.")
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """With REQUIRE_BROWSER=1 a skipped browser test is a failure: CI must see them run."""
    outcome = yield
    report = outcome.get_result()
    if BROWSER_REQUIRED and report.skipped and "browser" in item.keywords:
        report.outcome = "failed"
        report.longrepr = f"REQUIRE_BROWSER=1, but this browser test was skipped: {report.longrepr}"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }
