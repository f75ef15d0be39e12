"""The participant's status, derived from what happened on the journey: one definition in SQL,
registered with participants.hooks so that `Participant.objects.with_status()` (the participant
list and page, the coordinator's overview, the exports) uses it everywhere.

Rule 1 (withdrawn) is participants' own `withdrawn_condition`, read live as it depends on the
day; rules 2-6 are the journey part defined here. The journey part is also kept on the
participant (`journey_status`): every service below that changes a fact it reads (enrolments,
a course's state, handover members, follow-up answers) calls `refresh_status` in its
transaction, which re-derives it with this same definition.

In the order of precedence, the first that holds:

1. withdrawn: the coordinator recorded that they left the programme, or the consent to be
   registered was withdrawn and none is in force;
2. continued at a permanent offer: started at an offer (or a self-organised group) and no
   follow-up has said they stopped, or a later one said they are active again
   (`FollowUp.stopped`);
3. handed over: in an open handover, i.e. sent or accepted;
4. in a course: enrolled (not waitlisted) on a planned or running course;
5. ended without continuing: completed or left a course, or a handover was declined or they
   stopped, and nothing above is open;
6. recruited: registered and nothing else yet (also: only waitlisted, or a handover proposed
   but not sent).
"""

from django.db.models import Case, CharField, Exists, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _

from participants.hooks import (
    per_participant,
    programme_end_provider,
    refresh_status,
    status_definition,
    still_in_programme,
    withdrawal_handler,
)
from participants.models import Participant

from .models import Course, Enrolment, FollowUp, HandoverParticipant

Status = Participant.Status
Member = HandoverParticipant.Status


@status_definition
def journey_status(row_by_row: bool = False):
    """Rules 2-6: the status of a participant who has not withdrawn."""
    members = per_participant(
        HandoverParticipant.objects.filter(participant=OuterRef("pk")), row_by_row
    )
    stopped = FollowUp.stopped(OuterRef("pk"))  # the latest definite answer said stopped
    # Withdrawn from a handover after starting (the consent to share was withdrawn): they
    # still started, as the funnel counts them (funnel.STARTED).
    started = members.filter(
        Q(status=Member.STARTED) | Q(status=Member.WITHDRAWN, started_on__isnull=False)
    )
    continuing = started.exclude(Exists(stopped))
    enrolments = per_participant(Enrolment.objects.filter(participant=OuterRef("pk")), row_by_row)
    return Case(
        When(Exists(continuing), then=Value(Status.CONTINUED)),
        When(
            Exists(members.filter(status__in=[Member.SENT, Member.ACCEPTED])),
            then=Value(Status.HANDED_OVER),
        ),
        When(
            Exists(
                enrolments.filter(
                    status=Enrolment.Status.ENROLLED,
                    course__status__in=Course.NOT_OVER,
                )
            ),
            then=Value(Status.IN_COURSE),
        ),
        When(
            Exists(
                enrolments.filter(
                    status__in=[Enrolment.Status.COMPLETED, Enrolment.Status.WITHDRAWN]
                )
            )
            | Exists(members.filter(status=Member.DECLINED))
            | Exists(started),
            then=Value(Status.ENDED),
        ),
        default=Value(Status.RECRUITED),
        output_field=CharField(),
    )


@withdrawal_handler
def leave_courses(participant):
    """Leaving the programme takes the participant off every planned or running course (the
    first on the waitlist gets the place), in the same transaction."""
    courses_leave(participant=participant, reason=str(_("Left the programme")))


def courses_leave(*, participant, reason: str) -> None:
    """Take the participant off every planned or running course (and its waitlist), the first
    on the waitlist getting the place: on leaving the programme, and on withdrawing the consent
    to be registered in it (participant_hooks), in the caller's transaction."""
    from .services import enrolment_withdraw

    for enrolment in Enrolment.objects.filter(
        participant=participant,
        status__in=[Enrolment.Status.ENROLLED, Enrolment.Status.WAITLISTED],
        course__status__in=Course.NOT_OVER,
    ):
        enrolment_withdraw(enrolment=enrolment, reason=reason)


def status_refresh_for_courses(course_ids) -> int:
    """Re-derive the kept status of everyone enrolled (in any state) in the courses: after a
    course changed its state, or its enrolments changed together."""
    return refresh_status(Enrolment.objects.filter(course__in=course_ids).values("participant_id"))


@still_in_programme
def on_a_course():
    """On the team or the waitlist of a course not over: still in the programme, whatever
    their end date says."""
    return Enrolment.objects.filter(
        status__in=[Enrolment.Status.ENROLLED, Enrolment.Status.WAITLISTED],
        course__status__in=Course.NOT_OVER,
    ).values("participant_id")


@still_in_programme
def in_a_handover_not_started():
    """In a handover not yet started: still on the way (a started one has crossed the bridge;
    the follow-ups ask after them by their own consent)."""
    return HandoverParticipant.objects.filter(
        status__in=[Member.PROPOSED, Member.SENT, Member.ACCEPTED]
    ).values("participant_id")


@programme_end_provider
def completed_course_ends(participant_ids) -> dict:
    """The last day of the latest course each participant completed: one of the days their
    programme can end on (participants.services.programme_end_refresh takes the latest)."""
    completed = Enrolment.objects.filter(
        participant__in=participant_ids, status=Enrolment.Status.COMPLETED
    ).select_related("course")
    ends = {}
    for enrolment in completed:
        end = enrolment.course.last_day()
        ends[enrolment.participant_id] = max(ends.get(enrolment.participant_id, end), end)
    return ends
