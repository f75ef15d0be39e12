"""Chapter 7: the bridge itself: handovers in every mode and state, and follow-ups."""

import datetime

from django.utils import timezone

from bridging import handovers
from bridging.demo.people import cast, consent_to
from bridging.models import (
    Course,
    Enrolment,
    FollowUp,
    Handover,
    HandoverParticipant,
    Programme,
)
from bridging.services import course_complete, enrolment_create


def seed_handovers(organisations, programme, offers, activity_types, users):
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
    team = cast(project, "last_year")[:6]
    enrolments = []
    for participant in team:
        enrolment = enrolment_create(
            course=old_course,
            participant=participant,
            exit_goal_explained=True,
            enrolled_on=old_course.start_date - datetime.timedelta(days=14),
        )
        enrolments.append(enrolment)
    course_complete(course=old_course)
    enrolments = list(Enrolment.objects.filter(pk__in=[e.pk for e in enrolments]))
    continuing = handovers.continuing_offer_create(
        course=old_course,
        organisation=gym,
        activity_type=next(a for a in activity_types if a.name == "Gymnastik"),
    )
    consent_to(team, gym, coordinator)
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
        member = _happened(member, sent=started_on - datetime.timedelta(weeks=3),
                           answered=started_on - datetime.timedelta(weeks=2))  # fmt: skip
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
    consent_to([roster[0].participant], valby, coordinator)
    consent_to([e.participant for e in roster[1:3]], walkers, coordinator)
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
    member = _happened(member, sent=today - datetime.timedelta(days=24),
                       answered=today - datetime.timedelta(days=20))  # fmt: skip
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
        member = _happened(member, sent=today - datetime.timedelta(days=28))
        handovers.handover_start(member=member, started_on=today - datetime.timedelta(21))

    # The running course: a group sent to the association three weeks ago, still waiting.
    running = programme.courses.get(status=Course.Status.RUNNING)
    waiting = list(running.enrolments.on_roster().select_related("participant"))[:3]
    gym_offer = next(o for o in offers if o.organisation == gym and o.is_active)
    consent_to([e.participant for e in waiting], gym, coordinator)
    pending = handovers.handover_propose(
        course=running,
        mode=Handover.Mode.GROUP,
        enrolments=waiting,
        offer=gym_offer,
        user=coordinator,
        note="De tre vil gerne starte sammen. Ring gerne til dem inden første gang.",
    )
    for member in pending.members.all():
        handovers.handover_send(member=member)
    pending.members.update(sent_at=timezone.now() - datetime.timedelta(days=20))


def _happened(member, *, sent, answered=None):
    """History needs its dates: the services stamp "now", so a handover the demo tells as
    weeks old gets the days it was sent and answered (timestamps only, never a state)."""
    moment = datetime.time(10)
    stamps = {"sent_at": timezone.make_aware(datetime.datetime.combine(sent, moment))}
    if answered is not None:
        stamps["answered_at"] = timezone.make_aware(datetime.datetime.combine(answered, moment))
    HandoverParticipant.objects.filter(pk=member.pk).update(**stamps)
    return HandoverParticipant.objects.get(pk=member.pk)
