"""Leaving the programme, or withdrawing the consent to be registered in it, withdraws the
participant from every handover not started yet: the receiving organisation no longer waits for
them, is told so by mail (a link, no name), gets a place back, and the funnel keeps the stages
they reached."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from bridging import handovers, notifications
from bridging import services as journey
from bridging.funnel import funnel
from bridging.models import Enrolment, HandoverParticipant
from bridging.services import JourneyError
from participants.models import Consent, Participant
from tests.factories import ConsentFactory, CourseFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def fresh(member):
    return HandoverParticipant.objects.get(pk=member.pk)


def leave(client, cast, participant=None):
    client.force_login(cast.coordinator_a)
    participant = participant or cast.participant_a
    return client.post(
        reverse("participants:participant_withdraw", args=[participant.pk]),
        {"withdrawn_on": timezone.localdate().isoformat(), "reason": "Flyttet"},
    )


def told(member):
    """As if the organisation had the mail about the handover (after commit, in real life)."""
    HandoverParticipant.objects.filter(pk=member.pk).update(notified_at=timezone.now())


def test_leaving_withdraws_a_sent_handover_and_the_inbox_no_longer_waits(
    client, cast, mailoutbox, django_capture_on_commit_callbacks
):
    told(cast.member_a)
    client.force_login(cast.staff_a)
    assert "Alma Andersen" in client.get(reverse("bridging:inbox")).content.decode()
    funnel_before = funnel(Enrolment.objects.filter(course=cast.course_a))
    with django_capture_on_commit_callbacks(execute=True):
        assert leave(client, cast).status_code == 302
    member = fresh(cast.member_a)
    assert member.status == "withdrawn"
    day = timezone.localdate()
    assert member.withdrawn_reason == f"Udmeldt af forløbet den {day:%d.%m.%Y}."
    # The organisation is told, with a link and no name.
    [mail] = mailoutbox
    assert mail.subject == "En deltager er ikke længere på vej til jer"
    assert "/inbox/" in mail.body
    assert "Alma" not in mail.body + mail.subject
    assert fresh(cast.member_a).withdrawal_notified_at is not None
    client.force_login(cast.staff_a)
    inbox = client.get(reverse("bridging:inbox"))
    assert "Alma" not in inbox.content.decode()
    assert inbox.context["inbox_waiting"] == 0
    # The funnel counts the stage they reached, as before.
    assert funnel(Enrolment.objects.filter(course=cast.course_a)) == funnel_before
    # Told once: the daily run sends nothing more about it.
    call_command("send_reminders")
    assert [m.subject for m in mailoutbox].count(mail.subject) == 1
    # The coordinator's handover page says so.
    client.force_login(cast.coordinator_a)
    page = client.get(member.handover.get_absolute_url()).content.decode()
    assert "Udmeldt af forløbet den" in page


def test_leaving_gives_back_an_accepted_place_and_keeps_a_started_handover(client, cast):
    cast.offer_a.free_places = 3
    cast.offer_a.save(update_fields=["free_places"])
    handovers.handover_accept(
        member=cast.member_a, first_session_on=timezone.localdate(), buddy="F", user=cast.staff_a
    )
    cast.offer_a.refresh_from_db()
    assert cast.offer_a.free_places == 2
    leave(client, cast)
    assert fresh(cast.member_a).status == "withdrawn"
    assert fresh(cast.member_a).answered_at is not None  # the funnel counts the acceptance
    cast.offer_a.refresh_from_db()
    assert cast.offer_a.free_places == 3


def test_a_started_handover_stays_when_they_leave(client, cast):
    handovers.handover_accept(
        member=cast.member_a, first_session_on=timezone.localdate(), buddy="F", user=cast.staff_a
    )
    handovers.handover_start(member=cast.member_a, started_on=timezone.localdate())
    leave(client, cast)
    assert fresh(cast.member_a).status == "started"


def test_a_proposed_handover_is_withdrawn_without_telling_the_organisation(
    client, cast, mailoutbox, django_capture_on_commit_callbacks
):
    HandoverParticipant.objects.filter(pk=cast.member_a.pk).update(status="proposed", sent_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        leave(client, cast)
    assert fresh(cast.member_a).status == "withdrawn"
    assert mailoutbox == []


def test_a_refused_leaving_withdraws_nothing(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("participants:participant_withdraw", args=[cast.participant_a.pk]),
        {"withdrawn_on": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
         "reason": "Flyttet"},
    )  # fmt: skip
    assert response.status_code == 200
    assert fresh(cast.member_a).status == "sent"


def test_withdrawing_the_registration_consent_withdraws_the_handover(
    client, cast, mailoutbox, django_capture_on_commit_callbacks
):
    told(cast.member_a)
    registration = Consent.objects.get(participant=cast.participant_a, purpose="registration")
    client.force_login(cast.coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("participants:consent_withdraw", args=[cast.participant_a.pk, registration.pk]),
            {"withdrawn_on": timezone.localdate().isoformat()},
        )
    assert response.status_code == 302
    member = fresh(cast.member_a)
    assert member.status == "withdrawn"
    assert "Samtykket til at være registreret i forløbet blev trukket tilbage den" in (
        member.withdrawn_reason
    )
    assert len(mailoutbox) == 1


def test_withdrawing_one_of_two_registration_consents_withdraws_nothing(client, cast):
    ConsentFactory(participant=cast.participant_a, given_on=datetime.date(2026, 2, 1))
    first = Consent.objects.filter(participant=cast.participant_a, purpose="registration")
    client.force_login(cast.coordinator_a)
    client.post(
        reverse("participants:consent_withdraw", args=[cast.participant_a.pk, first[0].pk]),
        {"withdrawn_on": timezone.localdate().isoformat()},
    )
    assert Consent.objects.get(pk=first[0].pk).withdrawn_on is not None
    assert fresh(cast.member_a).status == "sent"


def test_withdrawing_the_registration_consent_takes_them_off_their_courses_as_leaving_does(
    client, cast
):
    """Without a consent to be registered they are "Udmeldt", as after leaving the programme,
    and not kept on a roster: off the running course (the first on the waitlist gets the
    place) and off a planned course's waitlist; enrolled again only with a new consent."""
    running = CourseFactory(programme=cast.programme_a, capacity=1)
    planned = CourseFactory(programme=cast.programme_a, capacity=1, status="planned")
    leaving, waiting, first = (
        ConsentFactory(participant=ParticipantFactory(organisation=cast.project_a)).participant
        for _ in range(3)
    )
    on_course = journey.enrolment_create(course=running, participant=leaving)
    journey.enrolment_create(course=running, participant=waiting)  # waitlisted
    journey.enrolment_create(course=planned, participant=first)
    on_waitlist = journey.enrolment_create(course=planned, participant=leaving)
    assert (on_course.status, on_waitlist.status) == ("enrolled", "waitlisted")
    registration = Consent.objects.get(participant=leaving, purpose="registration")
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("participants:consent_withdraw", args=[leaving.pk, registration.pk]),
        {"withdrawn_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    day = timezone.localdate()
    reason = (
        f"Samtykket til at være registreret i forløbet blev trukket tilbage den {day:%d.%m.%Y}."
    )
    for enrolment in (on_course, on_waitlist):
        enrolment.refresh_from_db()
        assert (enrolment.status, enrolment.withdrawn_reason) == ("withdrawn", reason)
    assert Enrolment.objects.get(course=running, participant=waiting).status == "enrolled"
    people = Participant.objects.filter(pk__in=[leaving.pk, waiting.pk])
    expected = {leaving.pk: "withdrawn", waiting.pk: "in_course"}
    assert dict(people.with_kept_status().values_list("pk", "status")) == expected
    assert dict(people.with_status().values_list("pk", "status")) == expected
    # Not enrolled again until a new consent is recorded.
    other = CourseFactory(programme=cast.programme_a)
    with pytest.raises(JourneyError, match="samtykke til at være registreret i forløbet tilbage"):
        journey.enrolment_create(course=other, participant=leaving)
    ConsentFactory(participant=leaving, given_on=day)
    assert journey.enrolment_create(course=other, participant=leaving).status == "enrolled"


def test_the_page_of_someone_who_left_offers_no_enrolment(client, cast):
    """Enrolling someone who left the programme is refused, so their page neither suggests it
    as the next step nor shows the button; before they left, it did."""
    person = ConsentFactory(participant=ParticipantFactory(organisation=cast.project_a))
    person = person.participant
    enrol = reverse("bridging:participant_enrol", args=[person.pk])
    client.force_login(cast.coordinator_a)
    assert enrol in client.get(person.get_absolute_url()).content.decode()
    leave(client, cast, person)
    page = client.get(person.get_absolute_url()).content.decode()
    assert "Udmeldt" in page
    assert enrol not in page
    assert "ikke på et hold endnu" not in page


def test_a_withdrawn_participants_follow_up_is_not_prompted(client, cast):
    """The organisation no longer has them: it is not asked whether they are still active."""
    assert cast.follow_up_a.pk in prompted_follow_ups()  # due, unanswered
    leave(client, cast)
    assert fresh(cast.member_a).status == "withdrawn"
    assert cast.follow_up_a.pk not in prompted_follow_ups()


def prompted_follow_ups():
    return [notice.pk for notice in notifications.due_notices() if notice.field == "prompted_at"]


# --- The programme end date (the start of the retention period), as leaving sets it ----------


def withdraw_registration(client, cast, participant, on):
    registration = Consent.objects.filter(
        participant=participant, purpose="registration", withdrawn_on__isnull=True
    ).earliest("pk")
    client.force_login(cast.coordinator_a)
    return client.post(
        reverse("participants:consent_withdraw", args=[participant.pk, registration.pk]),
        {"withdrawn_on": on.isoformat()},
    )


def test_withdrawing_the_registration_consent_ends_the_programme_that_day_as_leaving_does(
    client, cast
):
    """The programme ends the day the consent to be registered was withdrawn (the last one in
    force), which starts the retention period: the retention command anonymises them once it
    has passed, not a day before (unless a consent to follow-up contact holds them)."""
    from participants.services import expired_participants

    day = timezone.localdate() - datetime.timedelta(days=40)
    assert withdraw_registration(client, cast, cast.participant_a, day).status_code == 302
    participant = Participant.objects.get(pk=cast.participant_a.pk)
    assert participant.ended_on == day and participant.withdrawn_on is None
    page = client.get(participant.get_absolute_url()).content.decode()
    assert f'Forløbet sluttede den</dt><dd class="col-sm-7">{day:%d.%m.%Y}' in page

    # Expired exactly when the retention period has passed since that day.
    last_day_kept = handovers.add_months(day, 24)
    kept = expired_participants(months=24, today=last_day_kept)
    assert participant not in kept
    gone = expired_participants(months=24, today=last_day_kept + datetime.timedelta(days=1))
    assert participant in gone
    # And the command itself, with a period that has passed already (1 month < 40 days).
    call_command("purge_expired_participants", "--months", "1")
    participant.refresh_from_db()
    assert participant.is_anonymised


def test_withdrawing_one_of_two_registration_consents_ends_nothing(client, cast):
    ConsentFactory(participant=cast.participant_a, given_on=datetime.date(2026, 2, 1))
    withdraw_registration(client, cast, cast.participant_a, timezone.localdate())
    assert Participant.objects.get(pk=cast.participant_a.pk).ended_on is None


def test_a_new_registration_consent_takes_the_end_back_and_a_course_end_stays(client, cast):
    """Registered again with a new consent, they are in the programme again: the end date of
    the withdrawal goes (the retention period must not run out under someone still there);
    the end of a course they completed before stays."""
    start = timezone.localdate() - datetime.timedelta(weeks=30)
    course = CourseFactory(programme=cast.programme_a, start_date=start)
    person = ConsentFactory(participant=ParticipantFactory(organisation=cast.project_a)).participant
    journey.enrolment_create(course=course, participant=person)
    journey.course_complete(course=course)
    course_end = Participant.objects.get(pk=person.pk).ended_on
    assert course_end is not None and course_end < timezone.localdate()
    withdraw_registration(client, cast, person, timezone.localdate())
    assert Participant.objects.get(pk=person.pk).ended_on == timezone.localdate()
    response = client.post(
        reverse("participants:consent_create", args=[person.pk]),
        {"purposes": ["registration"], "given_on": timezone.localdate().isoformat(),
         "method": "paper"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Participant.objects.get(pk=person.pk).ended_on == course_end


def test_the_end_of_a_withdrawn_consent_outlasts_an_undone_completion_and_leaving_later(
    client, cast
):
    """Every service that changes one of the days works the end out from all of them: undoing
    a course's completion keeps the day the consent was withdrawn, and leaving the programme
    later moves the end to the later day."""
    start = timezone.localdate() - datetime.timedelta(weeks=14)
    course = CourseFactory(programme=cast.programme_a, start_date=start)
    person = ConsentFactory(participant=ParticipantFactory(organisation=cast.project_a)).participant
    journey.enrolment_create(course=course, participant=person)
    journey.course_complete(course=course)
    withdrawn = timezone.localdate() - datetime.timedelta(days=3)
    withdraw_registration(client, cast, person, withdrawn)
    assert Participant.objects.get(pk=person.pk).ended_on == max(withdrawn, course.last_day())
    journey.course_complete_undo(course=course)
    assert Participant.objects.get(pk=person.pk).ended_on == withdrawn
    leave(client, cast, person)
    assert Participant.objects.get(pk=person.pk).ended_on == timezone.localdate()


def test_the_migration_ends_the_programme_of_those_whose_consent_was_withdrawn_before(cast):
    """Withdrawn before the services kept the end: the migration sets it, later only."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "participants.migrations.0016_programme_end_after_registration_withdrawn"
    )
    day = datetime.date(2026, 3, 1)
    earlier, renewed = (ParticipantFactory(organisation=cast.project_a) for _ in range(2))
    for person in (earlier, renewed):
        ConsentFactory(participant=person, withdrawn_on=day)
    ConsentFactory(participant=renewed, given_on=day)
    later = ConsentFactory(withdrawn_on=day).participant
    Participant.objects.filter(pk=later.pk).update(ended_on=datetime.date(2026, 5, 1))
    migration.forwards(apps, None)
    ends = dict(
        Participant.objects.filter(pk__in=[earlier.pk, renewed.pk, later.pk]).values_list(
            "pk", "ended_on"
        )
    )
    assert ends == {earlier.pk: day, renewed.pk: None, later.pk: datetime.date(2026, 5, 1)}


def test_someone_back_on_a_course_or_in_a_handover_is_kept_whatever_their_old_end(cast):
    """A programme that ended long ago starts no retention period for someone who came back:
    on the team or the waitlist of a course not over, or in a handover not yet started."""
    from participants.services import expired_participants, programme_end_refresh
    from tests.factories import EnrolmentFactory

    old = CourseFactory(programme=cast.programme_a, status="completed",
                        start_date=datetime.date(2022, 1, 10))  # fmt: skip
    participant = ParticipantFactory(organisation=cast.project_a)
    EnrolmentFactory(course=old, participant=participant, status="completed")
    programme_end_refresh([participant.pk])
    assert participant in expired_participants(months=24)
    back = EnrolmentFactory(course=cast.course_a, participant=participant, status="waitlisted")
    assert participant not in expired_participants(months=24)
    Enrolment.objects.filter(pk=back.pk).update(status="enrolled")
    assert participant not in expired_participants(months=24)
    Enrolment.objects.filter(pk=back.pk).update(status="withdrawn", withdrawn_reason="Flyttet")
    assert participant in expired_participants(months=24)

    # Alma (participant_a) is in a sent handover: kept until she starts (off her course here).
    Participant.objects.filter(pk=cast.participant_a.pk).update(ended_on=old.last_day())
    Enrolment.objects.filter(pk=cast.enrolment_a.pk).update(status="completed")
    assert cast.participant_a not in expired_participants(months=24)
    HandoverParticipant.objects.filter(pk=cast.member_a.pk).update(status="started")
    assert cast.participant_a in expired_participants(months=24)


def test_a_participant_who_left_is_recorded_back_and_can_be_enrolled_again(client, cast):
    """Leaving is undone on its own confirmation page: the status follows, the programme has no
    end again, the access log says who did it, and the course they were taken off takes them
    again (their old place is not given back by itself)."""
    assert leave(client, cast).status_code == 302
    page = client.get(cast.participant_a.get_absolute_url()).content.decode()
    url = reverse("participants:participant_return", args=[cast.participant_a.pk])
    assert url in page and "Tilbage i forløbet" in page
    confirm = client.get(url).content.decode()
    assert "Alma Andersen er tilbage i forløbet" in confirm
    assert "Registrér at deltageren er tilbage" in confirm

    response = client.post(url, {"returned_on": timezone.localdate().isoformat()}, follow=True)
    assert "Det er registreret, at deltageren er tilbage i forløbet." in response.content.decode()
    participant = Participant.objects.get(pk=cast.participant_a.pk)
    assert participant.withdrawn_on is None and participant.withdrawn_reason == ""
    assert participant.ended_on is None
    assert Participant.objects.with_kept_status().get(pk=participant.pk).status != "withdrawn"
    assert (
        participant.access_log.filter(
            action="update", fields="withdrawn_on, withdrawn_reason", user=cast.coordinator_a
        ).count()
        == 2
    )  # left, and back
    assert Enrolment.objects.get(pk=cast.enrolment_a.pk).status == "withdrawn"
    journey.enrolment_create(course=cast.course_a, participant=participant)
    assert Enrolment.objects.get(pk=cast.enrolment_a.pk).status == "enrolled"

    # Nothing left to undo: back to the page, nothing written; the instructor may not.
    logged = participant.access_log.count()
    assert client.post(url).url == participant.get_absolute_url()
    assert participant.access_log.count() == logged
    client.force_login(cast.instructor_a)
    assert client.post(url).status_code == 403


def _timeline(client, participant):
    page = client.get(participant.get_absolute_url()).content.decode()
    return page.split('id="timeline-heading"')[1].split("</details>")[0]


def test_the_timeline_keeps_the_leaving_and_the_return_and_leaving_again(client, cast):
    """Back in the programme: the timeline still says when and why they left, and when they
    were back (the status reads only the current leaving); they can leave again, and each
    leaving stays on the timeline. The day back is typed, checked, and kept when refused."""
    participant = cast.participant_a
    Participant.objects.filter(pk=participant.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )
    client.force_login(cast.coordinator_a)
    left = timezone.localdate() - datetime.timedelta(days=60)
    client.post(
        reverse("participants:participant_withdraw", args=[participant.pk]),
        {"withdrawn_on": left.isoformat(), "reason": "Flyttet midlertidigt"},
    )
    url = reverse("participants:participant_return", args=[participant.pk])
    confirm = client.get(url).content.decode()
    assert 'name="returned_on"' in confirm and timezone.localdate().isoformat() in confirm

    # Refused: before the leaving, or in the future; what was typed is kept, nothing saved.
    too_early = (left - datetime.timedelta(days=1)).isoformat()
    page = client.post(url, {"returned_on": too_early}).content.decode()
    assert "Datoen kan ikke ligge før, deltageren meldte sig ud af forløbet." in page
    assert f'value="{too_early}"' in page
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    page = client.post(url, {"returned_on": future}).content.decode()
    assert "Datoen kan ikke ligge i fremtiden." in page
    # An empty post (the day cleared) is answered with the field's message, not a silent page.
    page = client.post(url, {}).content.decode()
    assert "Dette felt er påkrævet." in page
    assert Participant.objects.get(pk=participant.pk).withdrawn_on == left

    back = left + datetime.timedelta(days=20)
    assert client.post(url, {"returned_on": back.isoformat()}).status_code == 302
    timeline = _timeline(client, participant)
    assert "Flyttet midlertidigt" in timeline
    assert f"{left:%d.%m.%Y}" in timeline and f"{back:%d.%m.%Y}" in timeline
    assert "Udmeldt af forløbet" in timeline and "Tilbage i forløbet" in timeline
    status = client.get(participant.get_absolute_url()).content.decode()
    assert "udmeldt af forløbet den" not in status.split('id="timeline-heading"')[0]

    # Leaving again: the new leaving is the status, and both leavings are on the timeline.
    client.post(
        reverse("participants:participant_withdraw", args=[participant.pk]),
        {"withdrawn_on": timezone.localdate().isoformat(), "reason": "Flyttet igen"},
    )
    timeline = _timeline(client, participant)
    assert "Flyttet midlertidigt" in timeline and "Flyttet igen" in timeline
    assert timeline.count("· Udmeldt af forløbet<br>") == 2 and "Tilbage i forløbet" in timeline
    assert Participant.objects.with_kept_status().get(pk=participant.pk).status == "withdrawn"

    # The participant's data export has the history too.
    export = client.get(reverse("participants:participant_export_json", args=[participant.pk]))
    returns = export.json()["returns_to_the_programme"]
    assert [(r["left_on"], r["left_reason"], r["returned_on"]) for r in returns] == [
        (left.isoformat(), "Flyttet midlertidigt", back.isoformat())
    ]
