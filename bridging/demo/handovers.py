"""Chapter 7: the bridge itself: handovers in every mode and state, and follow-ups."""

import datetime

from django.utils import timezone

from bridging import handovers
from bridging.demo import pages
from bridging.demo.people import cast, consent_to
from bridging.models import (
    Course,
    Enrolment,
    FollowUp,
    Handover,
    HandoverParticipant,
)
from bridging.services import course_complete, enrolment_create
from participants.models import ParticipantAccess
from participants.services import log_list_access_for
from partnerships.models import Membership

# Some of this year's participants still go to last year's team at the association (started, not
# stopped): another handover for them needs the coordinator's reason (one bridge at a time).
STILL_ON_LAST_YEARS_TEAM = (
    "Går stadig på sidste års hold i foreningen og vil gerne have et tilbud mere ved siden af."
)


def seed_handovers(organisations, programme, offers, activity_types, users):
    """Handovers in every mode and state. Last year's programme shows the whole path: a team
    that continued at an association, answered follow-ups at 3 and 6 months."""
    if Handover.objects.filter(course__programme__organisation=programme.organisation).exists():
        return
    coordinator, staff = users["koordinator"], users["forening"]
    today = timezone.localdate()
    project = programme.organisation
    gym = organisations["Vesterbro Seniorgymnastik"]

    # Last year: a 12-week course whose whole team continued at the association; the rest of
    # last year's team completed the course without continuing.
    last_year = pages.programme(
        project,
        "Seniorer i bevægelse 2025",
        {
            "starts_on": today - datetime.timedelta(weeks=52),
            "ends_on": today - datetime.timedelta(weeks=36),
            "exit_goal": "Holdet fortsætter sammen i en forening efter 12 uger.",
            **PROGRAMME_SETTINGS,
        },
    )
    old_course = pages.course(
        last_year,
        "Hold 2025: Vesterbro, tirsdag formiddag",
        {
            "venue": "Vesterbro Hallen",
            "address": "Vesterbrogade 150",
            "municipality": "København",
            "weekday": 1,
            "start_time": "10:00",
            "end_time": "11:30",
            "start_date": today - datetime.timedelta(weeks=50),
            "weeks": 12,
            "capacity": 12,
            "status": Course.Status.RUNNING,  # completed below, once the team is enrolled
            "instructors": [users["instruktor"].pk],
        },
    )
    team = cast(project, "last_year")[:6]
    enrolments = []
    for participant in team + cast(project, "ended"):
        enrolment = enrolment_create(
            course=old_course,
            participant=participant,
            exit_goal_explained=True,
            enrolled_on=old_course.start_date - datetime.timedelta(days=14),
        )
        if participant in team:
            enrolments.append(enrolment)
    course_complete(course=old_course)
    seed_long_ago(project, users)
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
        handovers.handover_send(member=member, at=_at(started_on - datetime.timedelta(weeks=3)))
        handovers.handover_accept(
            member=member,
            first_session_on=started_on,
            buddy="Frida Forening",
            user=staff,
            at=_at(started_on - datetime.timedelta(weeks=2)),
        )
        handovers.handover_start(member=member, started_on=started_on)
        # At 3 months the last one has stopped; at 6 months one more is unknown.
        stopped = number == len(members) - 1
        answers = {3: "stopped" if stopped else "active"}
        if not stopped:
            answers[6] = "unknown" if number == len(members) - 2 else "active"
        for months, answer in answers.items():
            follow_up = FollowUp.objects.get(member=member, months=months)
            handovers.follow_up_answer(
                follow_up=follow_up,
                answer=answer,
                user=staff,
                stop_reason="Flyttet til Jylland" if answer == "stopped" else "",
                at=_at(follow_up.due_on),
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
        overlap_reason=STILL_ON_LAST_YEARS_TEAM,
    )
    member = individual.members.get()
    handovers.handover_send(member=member, at=_at(today - datetime.timedelta(days=24)))
    handovers.handover_accept(
        member=member,
        first_session_on=today - datetime.timedelta(14),
        buddy="Ole Aftenskole",
        user=coordinator,
        at=_at(today - datetime.timedelta(days=20)),
    )
    handovers.handover_start(member=member, started_on=today - datetime.timedelta(days=14))
    group = handovers.handover_propose(
        course=finished,
        mode=Handover.Mode.GROUP,
        enrolments=roster[1:3],
        offer=walking,
        user=coordinator,
        overlap_reason=STILL_ON_LAST_YEARS_TEAM,
    )
    for member in group.members.all():
        handovers.handover_send(member=member, at=_at(today - datetime.timedelta(days=25)))
        handovers.handover_decline(
            member=member,
            reason="full",
            note="Holdet er fuldt til foråret.",
            user=coordinator,
            at=_at(today - datetime.timedelta(days=22)),
        )
    self_organised = handovers.handover_propose(
        course=finished,
        mode=Handover.Mode.SELF_ORGANISED,
        enrolments=roster[3:7],
        offer=None,
        user=coordinator,
        overlap_reason=STILL_ON_LAST_YEARS_TEAM,
        contact_participant=roster[3].participant,
        meeting_place="Valby Parken, ved legepladsen",
        meeting_time="Torsdag kl. 10",
    )
    for member in self_organised.members.all():
        handovers.handover_send(member=member, at=_at(today - datetime.timedelta(days=28)))
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
        overlap_reason=STILL_ON_LAST_YEARS_TEAM,
        note="De tre vil gerne starte sammen. Ring gerne til dem inden første gang.",
    )
    for member in pending.members.all():
        handovers.handover_send(member=member, at=_at(today - datetime.timedelta(days=20)))

    # The coordinator exported the handover list: each participant in it has the export in
    # their access log (one entry for the list, as the export logs it).
    log_list_access_for(
        HandoverParticipant.objects.filter(
            handover__course__programme__organisation=project
        ).values("participant_id"),
        membership=Membership.objects.get(user=coordinator, organisation=project),
        action=ParticipantAccess.Action.EXPORT_LIST,
    )


PROGRAMME_SETTINGS = {
    "default_bridging_model": "team",
    "readiness_threshold": 3,
    "follow_up_months": "3,6,12",
    "minimum_attendance": 75,
}


def seed_long_ago(project, users):
    """A course two and a half years ago: its participants' programme ended then, and those
    without a consent to follow-up contact are due for anonymisation (the retention command's
    dry run lists them)."""
    today = timezone.localdate()
    programme = pages.programme(
        project,
        "Seniorer i bevægelse 2024",
        {
            "starts_on": today - datetime.timedelta(weeks=132),
            "ends_on": today - datetime.timedelta(weeks=116),
            **PROGRAMME_SETTINGS,
        },
    )
    course = pages.course(
        programme,
        "Hold 2024: Valby, fredag formiddag",
        {
            "venue": "Valby Hallen",
            "municipality": "København",
            "weekday": 4,
            "start_time": "10:00",
            "end_time": "11:30",
            "start_date": today - datetime.timedelta(weeks=130),
            "weeks": 12,
            "capacity": 12,
            "status": Course.Status.RUNNING,
            "instructors": [users["instruktor"].pk],
        },
    )
    if course.status == Course.Status.COMPLETED:
        return
    for participant in cast(project, "long_ago"):
        enrolment_create(
            course=course,
            participant=participant,
            exit_goal_explained=True,
            enrolled_on=course.start_date - datetime.timedelta(days=14),
        )
    course_complete(course=course)


def _at(day):
    """Ten in the morning of `day`: when the demo tells that a step happened."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
