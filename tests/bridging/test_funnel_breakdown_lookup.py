"""The funnel's breakdowns by bridging model and receiver (`programme_breakdowns`), built once
per process and shape of the user's memberships (common.prepared): for every kind of user, of
a programme and of one of its courses, they are `breakdowns` of the members the user sees."""

import pytest

from bridging import handovers
from bridging.funnel import breakdowns, programme_breakdowns, programme_members
from partnerships.models import Membership
from tests.bridging.test_handovers import enrol_with_consent
from tests.factories import CourseFactory, MembershipFactory, request_of

pytestmark = pytest.mark.django_db

Role = Membership.Role


def test_the_prepared_breakdowns_are_those_of_the_members_the_user_sees(cast):
    other_course = CourseFactory(programme=cast.programme_a, name="Hold A2")
    for course, mode, answer in (
        (cast.course_a, "group", "decline"),
        (cast.course_a, "self_organised", None),
        (other_course, "individual", "accept"),
    ):
        member = handovers.handover_propose(
            course=course,
            mode=mode,
            offer=cast.offer_a,
            meeting_place="Hallen",
            enrolments=[enrol_with_consent(cast, cast.association_a)],
            user=cast.coordinator_a,
        ).members.get()
        handovers.handover_send(member=member)
        if answer == "decline":
            handovers.handover_decline(member=member, reason="full", note="", user=cast.staff_a)
        elif answer == "accept":
            handovers.handover_accept(
                member=member,
                first_session_on=cast.course_a.start_date,
                buddy="",
                user=cast.staff_a,
            )
    both = MembershipFactory(
        user=cast.staff_a, organisation=cast.project_b, role=Role.COORDINATOR
    ).user
    superuser = type(both).objects.create_superuser("root", "root@example.org", "x")
    users = [cast.coordinator_a, cast.staff_a, both, cast.coordinator_b, cast.outsider, superuser]
    seen = 0
    for user in users:
        for loaded in (request_of(user).user, type(user).objects.get(pk=user.pk)):
            for course in (None, cast.course_a, other_course):
                expected = breakdowns(programme_members(user, cast.programme_a, course))
                assert programme_breakdowns(loaded, cast.programme_a, course) == expected
                seen += sum(row["handed_over"] for row in expected[1])
    # The comparisons were of something: the coordinator and the superuser see all four
    # handed over (the cast's own and three here: three of course A, one of the other), the
    # staff (also as a coordinator elsewhere) the three sent to them (two of course A), each
    # once as their memberships were read and once not.
    assert seen == 2 * 2 * (4 + 3 + 1) + 2 * 2 * (3 + 2 + 1)
