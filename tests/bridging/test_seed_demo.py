"""The demo data command."""

import datetime

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import RequestFactory, override_settings

from partnerships.models import Membership, Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One run of seed_demo for the tests that read the demo (it takes seconds), rolled back at
    the module's end. Each test's own transaction (`db`) nests inside it, so what a test writes
    is undone after it. Tests that need an empty database do not ask for it, and run first."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            call_command("seed_demo")
        yield
        transaction.set_rollback(True)


def _counts():
    return (
        Organisation.objects.count(),
        Membership.objects.count(),
        get_user_model().objects.count(),
    )


# These two need an empty database: before the first test that asks for `seeded`.


def test_if_empty_leaves_existing_data_alone():
    Organisation.objects.create(name="Egen organisation", kind="project", municipality="Køge")
    call_command("seed_demo", if_empty=True)
    assert Organisation.objects.count() == 1
    assert not get_user_model().objects.filter(username="koordinator").exists()


def test_seed_demo_refuses_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not get_user_model().objects.filter(username="koordinator").exists()


def test_seed_demo_creates_the_cast_of_the_demo_and_is_idempotent(seeded):
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds == set(Organisation.Kind.values)
    assert Organisation.objects.filter(kind=Organisation.Kind.PROJECT).count() >= 2
    assert set(Organisation.objects.values_list("municipality", flat=True)) >= {
        "København",
        "Køge",
        "Roskilde",
    }


@pytest.mark.parametrize(
    ("username", "role"),
    [("koordinator", "coordinator"), ("instruktor", "instructor"), ("forening", "staff")],
)
def test_demo_users_log_in_with_the_demo_password(username, role, seeded):
    user = authenticate(RequestFactory().post("/"), username=username, password="demo")
    assert user is not None
    assert user.memberships.get().role == role


def test_the_demo_holds_only_what_the_services_can_produce(seeded):
    """seed_demo goes through the pages' services: every status is derived, every step has
    its moment in order and none in the future, and each figure can be reached by a user."""
    from django.utils import timezone

    from bridging.models import Course, Enrolment, FollowUp, HandoverParticipant, Session
    from participants.models import Consent, Participant, ParticipantAccess, ProgrammeReturn
    from participants.services import programme_end_refresh
    from partnerships.models import PartnershipAgreement

    now, today = timezone.now(), timezone.localdate()
    statuses = dict(
        Participant.objects.filter(organisation__name="Seniorer i bevægelse")
        .with_status()
        .values_list("pk", "status")
    )
    shown = set(statuses.values()) | set(
        Participant.objects.filter(organisation__name="Aktiv i Køge Nord")
        .with_status()
        .values_list("status", flat=True)
    )
    assert shown == set(Participant.Status.values)

    # Registered, consenting and leaving through the services, which log each step.
    for participant in Participant.objects.all():
        actions = set(participant.access_log.values_list("action", flat=True))
        assert {"create", "consent"} <= actions, participant
        assert (participant.withdrawn_on is not None) == bool(participant.withdrawn_reason)
    assert not Consent.objects.filter(recorded_by__isnull=True).exists()
    # One left and came back: no longer withdrawn, the leaving kept as history.
    came_back = ProgrammeReturn.objects.get()
    assert came_back.participant.withdrawn_on is None and came_back.left_reason
    assert came_back.recorded_by is not None
    assert not Consent.objects.filter(
        withdrawn_on__isnull=False, withdrawal_recorded_by__isnull=True
    ).exists()

    # The programme end date follows from the courses (and leaving), as the services set it.
    before = dict(Participant.objects.values_list("pk", "ended_on"))
    programme_end_refresh(list(before))
    assert dict(Participant.objects.values_list("pk", "ended_on")) == before
    # So does the kept journey part of every status (participants.hooks.refresh_status).
    kept = dict(Participant.objects.with_kept_status().values_list("pk", "status"))
    assert kept == dict(Participant.objects.with_status().values_list("pk", "status"))

    # Courses, sessions and attendance as the course and session pages leave them.
    assert (
        not Enrolment.objects.filter(status="completed")
        .exclude(course__status=Course.Status.COMPLETED)
        .exists()
    )
    assert not Enrolment.objects.filter(
        status="enrolled", course__status=Course.Status.COMPLETED
    ).exists()
    assert not Session.objects.filter(status="held", logged_by__isnull=True).exists()
    assert not Session.objects.filter(attendances__isnull=False, date__gt=today).exists()

    # The handovers: each step after the one before, none in the future.
    for member in HandoverParticipant.objects.select_related("handover"):
        if member.status == "proposed":
            assert member.sent_at is None
            continue
        assert member.sent_at is not None and member.sent_at <= now
        if member.answered_at is not None:
            assert member.sent_at <= member.answered_at <= now
        elif member.handover.offer_id:
            assert member.status in ("sent", "withdrawn"), member
        if member.status == "withdrawn":
            assert member.sent_at <= member.withdrawn_at <= now
        if member.status == "started":
            since = member.answered_at or member.sent_at
            assert timezone.localdate(since) <= member.started_on <= today
    for follow_up in FollowUp.objects.exclude(answer=""):
        assert (
            follow_up.due_on - datetime.timedelta(weeks=3)
            <= timezone.localdate(follow_up.answered_at)
            <= today
        )

    # Agreements beyond a draft were sent; signed ones signed by both sides.
    agreements = PartnershipAgreement.objects.exclude(status="draft")
    assert not agreements.filter(sent_at__isnull=True).exists()
    assert not agreements.exclude(status="sent").filter(project_signed_at__isnull=True).exists()
    assert not agreements.exclude(status="sent").filter(receiver_signed_at__isnull=True).exists()
    assert ParticipantAccess.objects.exists()
    # The handover list was exported: everyone in it has the export in their log.
    from participants.models import ListAccess

    exported = ListAccess.objects.get(action="export_list")
    assert exported.user.username == "koordinator"
    in_list = Participant.objects.filter(
        pk__in=exported.entries.values("participant"), handovers__isnull=False
    ).distinct()
    assert in_list.count() == exported.entries.count() > 0


def test_the_demo_shows_a_second_bridge_with_a_reason_and_a_withdrawn_consent(client, seeded):
    from bridging.demo.bridges import SECOND_REASON
    from bridging.models import HandoverParticipant

    second = HandoverParticipant.objects.get(overlap_reason=SECOND_REASON)
    assert second.status == "sent"
    withdrawn = HandoverParticipant.objects.get(
        status="withdrawn", participant__withdrawn_on__isnull=True
    )
    assert "blev trukket tilbage" in withdrawn.withdrawn_reason
    # And one on his way who left the programme: withdrawn from the handover as well.
    left = HandoverParticipant.objects.get(
        status="withdrawn", participant__withdrawn_on__isnull=False
    )
    assert left.withdrawn_reason.startswith("Udmeldt af forløbet den")
    assert left.sent_at is not None
    client.force_login(get_user_model().objects.get(username="forening"))
    inbox = client.get("/inbox/").content.decode()
    assert withdrawn.participant.first_name not in inbox or (
        # a namesake may be waiting; the withdrawn one's row is not
        f"started-{withdrawn.pk}" not in inbox
    )
    # The one who stopped at 3 months is asked at 6, with the stop beside the question.
    from bridging.models import FollowUp

    stopped = FollowUp.objects.get(answer="stopped").member
    assert f"Efter 6 måneder: er {stopped.participant} stadig aktiv?" in inbox
    assert "Stoppede ved 3 måneder" in inbox


def test_the_demo_of_local_partnerships_is_what_their_pages_can_record(client, seeded):
    """Model 2 in the demo: every record passes the page's own form again (dated from the
    partnership's start to today), carries who recorded it, and versions are numbered 1, 2, ...
    as the pages number them; the partnership page tells the story."""
    from django.forms.models import model_to_dict
    from django.urls import reverse
    from django.utils import timezone

    from partnerships import forms_local as forms
    from partnerships.models import LocalActivity, LocalPartnership

    today = timezone.localdate()
    partnerships = list(LocalPartnership.objects.order_by("name"))
    assert len(partnerships) == 3
    for partnership in partnerships:
        assert partnership.started_on <= today
        records = [
            (forms.LevelChangeForm, partnership.level_changes.all(), "judged_by"),
            (forms.TrackStepForm, partnership.track_steps.all(), "recorded_by"),
            (forms.DevelopmentAssessmentForm, partnership.assessments.all(), "assessed_by"),
            (forms.BoundaryEncounterForm, partnership.encounters.all(), None),
        ]
        for form_class, rows, user_field in records:
            assert rows, (partnership, form_class)
            for row in rows:
                data = model_to_dict(row, fields=form_class._meta.fields)
                data = {k: v for k, v in data.items() if v is not None}
                if "organisations" in data:
                    data["organisations"] = [o.pk for o in data["organisations"]]
                form = form_class(data, partnership=partnership)
                assert form.is_valid(), (row, form.errors)
                assert user_field is None or getattr(row, user_field) is not None
        versions = list(partnership.action_plans.values_list("version", "created_by"))
        assert [v for v, _by in versions] == list(range(1, len(versions) + 1))
        assert all(by is not None for _v, by in versions)
    for activity in LocalActivity.objects.filter(partnership__in=partnerships):
        data = model_to_dict(activity, fields=forms.LocalActivityForm._meta.fields)
        data["areas"] = [a.pk for a in data["areas"]]
        form = forms.LocalActivityForm(data, partnership=activity.partnership)
        assert form.is_valid(), form.errors
        assert set(activity.areas.all()) <= set(activity.partnership.areas.all())
        numbers = list(activity.descriptions.values_list("number", "created_by"))
        assert [n for n, _by in numbers] == list(range(1, len(numbers) + 1))
        assert all(by is not None for _n, by in numbers)
        for registration in activity.registrations.all():
            data = model_to_dict(registration, fields=forms.RegistrationForm._meta.fields)
            data = {k: v for k, v in data.items() if v is not None}
            assert forms.RegistrationForm(data).is_valid(), registration

    # The story on the pages: levels and stages differ, activities have two versions and
    # registrations, as the housing plan's coordinator sees them.
    client.force_login(get_user_model().objects.get(username="boligsocial"))
    overview = client.get(reverse("partnerships:local_overview")).content.decode()
    assert all(p.name in overview for p in partnerships)
    sydhavnen = LocalPartnership.objects.get(name="Nye veje i Sydhavnen")
    page = client.get(sydhavnen.get_absolute_url()).content.decode()
    assert "Niveau 3" in page
    activity = sydhavnen.activities.order_by("title").first()
    assert activity.descriptions.count() in (1, 2)
    assert activity.registrations.count() == 6


def test_the_demo_writes_no_model_2_row_directly():
    """Chapter 8 goes through the pages' forms and partnerships/services_local.py only."""
    import inspect

    from bridging.demo import local

    source = inspect.getsource(local)
    for direct in (
        ".objects.create(",
        "_or_create(",
        "bulk_create(",
        ".update(",
        ".save(",
        ".set(",
    ):
        assert direct not in source, direct


def test_the_offer_fair_and_partnership_chapters_write_no_page_row_directly():
    """The offers, the fair and its interests, the readiness answers and the draft agreements
    are made through the pages' forms and services, not with ORM calls of the demo's own."""
    import inspect

    from bridging.demo import fair, offers, partnerships

    for module, models in [
        (fair, ["Fair", "FairInterest"]),
        (offers, ["Offer"]),
        (partnerships, ["ReadinessAnswer", "PartnershipAgreement"]),
    ]:
        source = inspect.getsource(module)
        for model in models:
            for write in ("create(", "get_or_create(", "update_or_create(", "bulk_create("):
                assert f"{model}.objects.{write}" not in source, (module.__name__, model)
