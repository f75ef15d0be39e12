"""The participant's status is derived from what happened (bridging/status.py), never typed: one
definition in SQL for the participant page, the list and its filter, and the overview's counts.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bridging import handovers
from bridging.services import (
    JourneyError,
    course_complete,
    course_complete_undo,
    enrolment_create,
)
from participants import services as participant_services
from participants.models import Participant
from partnerships.models import Membership
from tests.factories import (
    ConsentFactory,
    CourseFactory,
    MembershipFactory,
    ParticipantFactory,
)

Status = Participant.Status


def status_of(participant):
    return Participant.objects.with_status().get(pk=participant.pk).status


def coordinator(cast):
    return Membership.objects.get(user=cast.coordinator_a, organisation=cast.project_a)


def journey(cast):
    """One participant in each status, every step through the services the pages call.
    Returns {name: (participant, expected status)}. Alma (the cast's) is in a sent handover."""
    project, offer = cast.project_a, cast.offer_a
    running = cast.course_a
    finished = CourseFactory(programme=cast.programme_a, name="Afsluttet hold", capacity=10)
    full = CourseFactory(programme=cast.programme_a, name="Fuldt hold", capacity=1)

    def person(first):
        return ParticipantFactory(organisation=project, first_name=first, last_name="Test")

    people = {"alma": (cast.participant_a, Status.HANDED_OVER)}
    people["rita"] = (person("Rita"), Status.RECRUITED)
    waiting = person("Vera")
    enrolment_create(course=full, participant=person("Fie"))
    enrolment_create(course=full, participant=waiting)  # on the waitlist: still recruited
    people["vera"] = (waiting, Status.RECRUITED)
    people["fie"] = (Participant.objects.get(first_name="Fie"), Status.IN_COURSE)
    in_course = person("Inge")
    enrolment_create(course=running, participant=in_course)
    people["inge"] = (in_course, Status.IN_COURSE)

    finishers = {name: person(name.title()) for name in ["carla", "dorte", "ellen", "sif"]}
    enrolments = {
        name: enrolment_create(course=finished, participant=p) for name, p in finishers.items()
    }
    course_complete(course=finished)
    for enrolment in enrolments.values():
        enrolment.refresh_from_db()
        ConsentFactory(participant=enrolment.participant, purpose="share_contact",
                       organisation=offer.organisation, given_on=timezone.localdate())  # fmt: skip
    user = cast.coordinator_a
    # Carla started at the offer; Dorte was declined; Ellen only completed; Sif was proposed
    # (a draft, not sent): she too has ended, for now, without continuing.
    started = handovers.handover_propose(course=finished, mode="individual", offer=offer,
                                         enrolments=[enrolments["carla"]], user=user,
                                         send_now=True).members.get()  # fmt: skip
    handovers.handover_accept(
        member=started, first_session_on=timezone.localdate(), buddy="", user=user
    )
    handovers.handover_start(member=started, started_on=timezone.localdate())
    declined = handovers.handover_propose(course=finished, mode="individual", offer=offer,
                                          enrolments=[enrolments["dorte"]], user=user,
                                          send_now=True).members.get()  # fmt: skip
    handovers.handover_decline(member=declined, reason="full", note="", user=user)
    handovers.handover_propose(course=finished, mode="individual", offer=offer,
                               enrolments=[enrolments["sif"]], user=user)  # fmt: skip
    people["carla"] = (finishers["carla"], Status.CONTINUED)
    people["dorte"] = (finishers["dorte"], Status.ENDED)
    people["ellen"] = (finishers["ellen"], Status.ENDED)
    people["sif"] = (finishers["sif"], Status.ENDED)

    leaving = person("Lene")
    enrolment_create(course=running, participant=leaving)
    participant_services.participant_withdraw(
        participant=leaving, membership=coordinator(cast), on=timezone.localdate(), reason="Flyttet"
    )
    people["lene"] = (leaving, Status.WITHDRAWN)
    unregistered = person("Ulla")
    (consent,) = participant_services.consents_record(
        participant=unregistered, membership=coordinator(cast), purposes=["registration"],
        organisations=[], given_on=timezone.localdate(), method="paper",
    )  # fmt: skip
    participant_services.consent_withdraw(
        consent=consent, membership=coordinator(cast), on=timezone.localdate()
    )
    people["ulla"] = (unregistered, Status.WITHDRAWN)
    return people


def test_each_step_of_the_journey_gives_its_status(cast):
    for name, (participant, expected) in journey(cast).items():
        assert (name, status_of(participant)) == (name, expected)


def test_overview_counts_open_lists_that_agree_with_each_participant_page(client, cast):
    people = journey(cast)
    client.force_login(cast.coordinator_a)
    overview = client.get(reverse("bridging:coordinator_overview"))
    counts = {status["value"]: status["count"] for status in overview.context["participants"]}
    assert counts == {
        Status.RECRUITED: 2,
        Status.IN_COURSE: 2,
        Status.HANDED_OVER: 1,
        Status.CONTINUED: 1,
        Status.ENDED: 3,
        Status.WITHDRAWN: 2,
    }
    assert sum(counts.values()) == len(people)
    html = overview.content.decode()
    for status in Status:
        url = reverse("participants:participant_list") + f"?status={status.value}"
        assert f'href="{url}"' in html
        listed = client.get(url).context["page"]
        assert listed.paginator.count == counts[status]
        for participant in listed.object_list:
            page = client.get(participant.get_absolute_url())
            assert page.context["participant"].status == status
            assert f'<span class="participant-status">{status.label}</span>' in (
                page.content.decode()
            )
    expected = {
        status: sorted(p.pk for p, s in people.values() if s == status) for status in Status
    }
    for status in Status:
        url = reverse("participants:participant_list")
        listed = client.get(url, {"status": status.value}).context["page"].object_list
        assert sorted(p.pk for p in listed) == expected[status]


def test_a_coordinator_of_two_projects_sees_the_counts_and_list_of_the_one_acted_for(client, cast):
    MembershipFactory(user=cast.coordinator_a, organisation=cast.project_b,
                      role=Membership.Role.COORDINATOR)  # fmt: skip
    client.force_login(cast.coordinator_a)  # acts for the first by name: Projekt A
    overview = client.get(reverse("bridging:coordinator_overview"))
    counts = {status["value"]: status["count"] for status in overview.context["participants"]}
    listed = client.get(reverse("participants:participant_list")).context["page"]
    assert listed.paginator.count == sum(counts.values()) == 1
    assert [p.pk for p in listed.object_list] == [cast.participant_a.pk]


def test_the_registration_form_asks_for_neither_status_nor_end_date(client, cast):
    client.force_login(cast.coordinator_a)
    form = client.get(reverse("participants:participant_create")).context["form"]
    assert "status" not in form.fields and "ended_on" not in form.fields


def test_completing_a_course_ends_the_programme_on_its_last_day_and_undo_clears_it(cast):
    course = CourseFactory(
        programme=cast.programme_a, start_date=timezone.localdate() - datetime.timedelta(weeks=14)
    )
    participant = ParticipantFactory(organisation=cast.project_a)
    enrolment_create(course=course, participant=participant)
    course_complete(course=course)
    participant.refresh_from_db()
    assert participant.ended_on == min(course.scheduled_dates()[-1], timezone.localdate())
    assert status_of(participant) == Status.ENDED
    course_complete_undo(course=course)
    participant.refresh_from_db()
    assert participant.ended_on is None
    assert status_of(participant) == Status.IN_COURSE


# --- Leaving the programme: a coordinator's action with its own confirmation ---------------------


def test_coordinator_records_that_a_participant_left_and_the_waitlist_moves_up(client, cast):
    full = CourseFactory(programme=cast.programme_a, capacity=1)
    leaving = ParticipantFactory(organisation=cast.project_a, first_name="Lene")
    waiting = ParticipantFactory(organisation=cast.project_a, first_name="Vera")
    enrolment_create(course=full, participant=leaving)
    waitlisted = enrolment_create(course=full, participant=waiting)
    client.force_login(cast.coordinator_a)
    url = reverse("participants:participant_withdraw", args=[leaving.pk])
    assert "Udmeldt" not in client.get(leaving.get_absolute_url()).content.decode()
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"withdrawn_on": timezone.localdate().isoformat(), "reason": "Flyttet"}
    )
    assert response.status_code == 302
    leaving.refresh_from_db()
    assert (leaving.withdrawn_on, leaving.withdrawn_reason, leaving.ended_on) == (
        timezone.localdate(), "Flyttet", timezone.localdate(),
    )  # fmt: skip
    assert status_of(leaving) == Status.WITHDRAWN
    assert leaving.enrolments.get().status == "withdrawn"
    waitlisted.refresh_from_db()
    assert waitlisted.status == "enrolled"
    page = client.get(leaving.get_absolute_url()).content.decode()
    assert "Udmeldt" in page and "Flyttet" in page
    assert client.get(url).status_code == 403  # only once


@pytest.mark.parametrize(
    ("data", "message"),
    [  # "withdrawn_on": days from today as the test runs (a run can cross midnight), or text
        ({"withdrawn_on": 1, "reason": "Flyttet"}, "Datoen kan ikke ligge i fremtiden."),
        ({"withdrawn_on": 0, "reason": ""}, "Dette felt er påkrævet."),
        ({"withdrawn_on": "i går", "reason": "Flyttet"}, "Indtast en gyldig dato."),
    ],
)
def test_leaving_with_bad_input_says_why_keeps_the_text_and_saves_nothing(
    client, cast, data, message
):
    if isinstance(data["withdrawn_on"], int):
        day = timezone.localdate() + datetime.timedelta(days=data["withdrawn_on"])
        data = {**data, "withdrawn_on": day.isoformat()}
    participant = cast.participant_a
    client.force_login(cast.coordinator_a)
    url = reverse("participants:participant_withdraw", args=[participant.pk])
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    if data["reason"]:
        assert f'value="{data["reason"]}"' in html
    participant.refresh_from_db()
    assert participant.withdrawn_on is None
    assert cast.enrolment_a.__class__.objects.get(pk=cast.enrolment_a.pk).status == "enrolled"


def test_a_participant_who_left_cannot_be_enrolled_again(cast):
    participant = ParticipantFactory(organisation=cast.project_a)
    participant_services.participant_withdraw(
        participant=participant,
        membership=coordinator(cast),
        on=timezone.localdate(),
        reason="Flyttet",
    )
    with pytest.raises(JourneyError, match="udmeldt af forløbet"):
        enrolment_create(course=cast.course_a, participant=participant)
    assert not participant.enrolments.exists()
    assert status_of(participant) == Status.WITHDRAWN


def test_instructor_cannot_record_that_a_participant_left(client, cast):
    client.force_login(cast.instructor_a)
    url = reverse("participants:participant_withdraw", args=[cast.participant_a.pk])
    assert (
        client.post(
            url, {"withdrawn_on": timezone.localdate().isoformat(), "reason": "X"}
        ).status_code
        == 403
    )
    cast.participant_a.refresh_from_db()
    assert cast.participant_a.withdrawn_on is None


# --- Query budgets of the pages that show the status --------------------------------------------


def _more_journeys(cast, extra):
    for n in range(extra):
        participant = ParticipantFactory(organisation=cast.project_a, last_name=f"Ekstra{n}")
        if n % 2:
            enrolment_create(course=cast.course_a, participant=participant)


@pytest.mark.parametrize("extra", [2, 14])
def test_filtered_participant_list_query_budget(client, cast, django_assert_num_queries, extra):
    _more_journeys(cast, extra)
    client.force_login(cast.coordinator_a)
    url = reverse("participants:participant_list")
    # 1 session, 2 user, 3 own memberships, 4 count for the paginator, 5 the page (each with
    # its derived status)
    with django_assert_num_queries(5):
        assert client.get(url, {"status": "in_course"}).status_code == 200


@pytest.mark.parametrize("extra", [0, 12])
def test_overview_counts_query_budget(client, cast, django_assert_num_queries, extra):
    journey(cast)
    _more_journeys(cast, extra)
    client.force_login(cast.coordinator_a)
    # 1 session, 2 user, 3 own memberships, 4-9 the six queues (no one drifting away here),
    # 10 participants per derived status, 11 programmes
    with django_assert_num_queries(11):
        assert client.get(reverse("bridging:coordinator_overview")).status_code == 200
