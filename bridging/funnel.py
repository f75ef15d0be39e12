"""The coordinator's funnel: how many got how far across the bridge, computed in SQL.

A participant counts once per enrolment (course); waitlisted enrolments never had a place and do
not count. Each stage is a subset of the stage it builds on, so no share can pass 100 %:

    enrolled
    └ completed the course
      ├ exit-ready (of the completed)
      └ handed over (of the completed: sent to an organisation or a self-organised group)
        └ accepted
          └ started
            └ active after 3 / 6 / 12 months, of those whose follow-up is due (or answered);
              those whose follow-up at that month is still ahead are "not yet due" (a month
              the programme does not ask has neither)

Participants handed over without completing the course, and those handed over without being
exit-ready, are counted on lines of their own beside the funnel. One query, built on the
attendance and exit-ready expressions of figures.py.
"""

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from common.prepared import Prepared
from partnerships.models import Membership
from partnerships.models.organisations import LOADED_MEMBERSHIPS

from .figures import _fetch, _table, as_now, exit_ready_ctes
from .models import Enrolment, FollowUp, Handover, HandoverParticipant

FOLLOW_UP_MONTHS = [3, 6, 12]

# A participant withdrawn from a handover (their consent to share was withdrawn) keeps the
# stages they had reached: sent, accepted (answered, never declined) and started (a start date).
HANDED_OVER = "(hp.status <> 'proposed' AND NOT (hp.status = 'withdrawn' AND hp.sent_at IS NULL))"
ACCEPTED = (
    "(hp.status IN ('accepted', 'started') "
    "OR (hp.status = 'withdrawn' AND hp.answered_at IS NOT NULL))"
)
STARTED = "(hp.status = 'started' OR (hp.status = 'withdrawn' AND hp.started_on IS NOT NULL))"


def _counts(enrolments, now) -> dict[str, int]:
    # Exit-ready counts only among those who completed the course (both lines that use it).
    ctes, params = exit_ready_ctes(
        enrolments.exclude(status=Enrolment.Status.WAITLISTED),
        now,
        of_status=Enrolment.Status.COMPLETED,
    )
    member, follow_up = _table(HandoverParticipant), _table(FollowUp)
    today = now.date().isoformat()
    follow_columns, follow_params = [], []
    for months in FOLLOW_UP_MONTHS:
        follow_columns.append(
            f"MAX(CASE WHEN {STARTED} AND f.months = {months} "
            f"AND (f.answer <> '' OR f.due_on <= %s) THEN 1 ELSE 0 END) AS due_{months}, "
            f"MAX(CASE WHEN {STARTED} AND f.months = {months} AND f.answer = 'active' "
            f"THEN 1 ELSE 0 END) AS active_{months}, "
            f"MAX(CASE WHEN {STARTED} AND f.months = {months} "
            f"AND f.answer = '' AND f.due_on > %s THEN 1 ELSE 0 END) AS ahead_{months}"
        )
        follow_params.extend([today, today])
    done = "r.status = 'completed'"
    sums = {
        "enrolled": "1 = 1",
        "completed": done,
        "exit_ready": f"{done} AND r.ready = 1",
        "handed_over": f"{done} AND m.handed_over = 1",
        "accepted": f"{done} AND m.accepted = 1",
        "started": f"{done} AND m.started = 1",
        **{
            key: f"{done} AND m.started = 1 AND m.{key} = 1"
            for months in FOLLOW_UP_MONTHS
            for key in (f"due_{months}", f"active_{months}")
        },
        # Not yet due: a follow-up at that month is asked and still ahead (someone started
        # at two offers counts where one is due already). A month the programme does not ask
        # has no follow-up, so no one waits for it.
        **{
            f"not_due_{months}": f"{done} AND m.started = 1 AND m.due_{months} = 0 "
            f"AND m.ahead_{months} = 1"
            for months in FOLLOW_UP_MONTHS
        },
        "handed_over_not_completed": "r.status <> 'completed' AND m.handed_over = 1",
        "handed_over_not_ready": f"{done} AND m.handed_over = 1 AND r.ready = 0",
    }
    select = ", ".join(
        f"COALESCE(SUM(CASE WHEN {condition} THEN 1 ELSE 0 END), 0) AS {key}"
        for key, condition in sums.items()
    )
    # readiness has one row per enrolment of the scope. The members are found through the
    # handovers of the scope's courses (a handover's members come from its course's roster),
    # by the handover's course index, not by a lookup per enrolment; the join to readiness
    # keeps those of the scope. Each member's follow-ups are read in the same pass. On
    # PostgreSQL the courses are handed over as an array: planned as a semi-join with the
    # scope, PostgreSQL guessed half of all handovers and read every member and follow-up of
    # the installation (50,000 and 43,000 rows) for the 2,500 of a programme.
    of_scope = "h.course_id IN (SELECT course_id FROM scope)"
    if connection.vendor == "postgresql":
        of_scope = "h.course_id = ANY(ARRAY(SELECT DISTINCT course_id FROM scope))"
    sql = f"""WITH {ctes},
    members AS (
        SELECT hp.enrolment_id,
            MAX(CASE WHEN {HANDED_OVER} THEN 1 ELSE 0 END) AS handed_over,
            MAX(CASE WHEN {ACCEPTED} THEN 1 ELSE 0 END) AS accepted,
            MAX(CASE WHEN {STARTED} THEN 1 ELSE 0 END) AS started,
            {", ".join(follow_columns)}
        FROM {member} hp LEFT JOIN {follow_up} f ON f.member_id = hp.id
        WHERE hp.handover_id IN (
            SELECT h.id FROM {_table(Handover)} h
            WHERE {of_scope}
        )
        GROUP BY hp.enrolment_id
    )
    SELECT {select}
    FROM readiness r
    LEFT JOIN members m ON m.enrolment_id = r.enrolment_id"""
    row = _fetch(sql, [*params, *follow_params])[0]
    return {key: int(value or 0) for key, value in zip(sums, row, strict=True)}


def _share(count: int, base: int | None) -> int | None:
    return round(100 * count / base) if base else None


def funnel(enrolments, now=None) -> dict:
    """{"stages": [...], "aside": [...]} for a queryset of enrolments (already scoped).

    Each stage: key, label, count, base (the count it is a share of), of_enrolled and
    of_previous (whole per cent, None when the base is 0); the follow-up stages also due and
    not_due."""
    now = as_now(now)
    counts = _counts(enrolments, now)
    enrolled = counts["enrolled"]
    plan = [
        ("enrolled", _("Enrolled"), None),
        ("completed", _("Completed the course"), "enrolled"),
        ("exit_ready", _("Exit-ready (of those who completed)"), "completed"),
        ("handed_over", _("Handed over (of those who completed)"), "completed"),
        ("accepted", _("Accepted"), "handed_over"),
        ("started", _("Started"), "accepted"),
    ]
    stages = []
    for key, label, base_key in plan:
        count = counts[key]
        base = counts[base_key] if base_key else None
        stages.append(
            {
                "key": key,
                "label": label,
                "count": count,
                "base": base,
                "of_enrolled": _share(count, enrolled),
                "of_previous": _share(count, base),
            }
        )
    for months in FOLLOW_UP_MONTHS:
        active, due = counts[f"active_{months}"], counts[f"due_{months}"]
        stages.append(
            {
                "key": f"active_{months}",
                "label": _("Active after %(months)s months") % {"months": months},
                "count": active,
                "base": due,
                "of_enrolled": _share(active, enrolled),
                "of_previous": _share(active, due),
                "due": due,
                "not_due": counts[f"not_due_{months}"],
            }
        )
    aside = [
        {
            "key": "handed_over_not_completed",
            "label": _("Handed over without completing the course"),
            "count": counts["handed_over_not_completed"],
        },
        {
            "key": "handed_over_not_ready",
            "label": _("Handed over without being exit-ready"),
            "count": counts["handed_over_not_ready"],
        },
    ]
    return {"stages": stages, "aside": aside}


def breakdown(members, *fields: str) -> list[dict]:
    """Handed over -> accepted -> started -> active, grouped by `fields` (mode, receiver) and
    in their order. Proposed but never sent does not count as handed over."""
    return list(_breakdown_query(members, *fields))


def _breakdown_query(members, *fields: str):
    Status = HandoverParticipant.Status
    withdrawn = Q(status=Status.WITHDRAWN)
    members = members.exclude(status=Status.PROPOSED).exclude(withdrawn & Q(sent_at__isnull=True))
    active = {
        f"active_{months}": Count(
            "pk",
            distinct=True,
            filter=Q(follow_ups__months=months, follow_ups__answer="active"),
        )
        for months in FOLLOW_UP_MONTHS
    }
    return (
        members.values(*fields)
        .annotate(
            handed_over=Count("pk", distinct=True),
            accepted=Count(
                "pk",
                distinct=True,
                filter=Q(status__in=[Status.ACCEPTED, Status.STARTED])
                | (withdrawn & Q(answered_at__isnull=False)),
            ),
            declined=Count("pk", distinct=True, filter=Q(status=Status.DECLINED)),
            started=Count(
                "pk",
                distinct=True,
                filter=Q(status=Status.STARTED) | (withdrawn & Q(started_on__isnull=False)),
            ),
            **active,
        )
        .order_by(*fields)
    )


MODE, RECEIVER = "handover__mode", "handover__receiver__name"
_COUNTS = ("handed_over", "accepted", "declined", "started") + tuple(
    f"active_{months}" for months in FOLLOW_UP_MONTHS
)


def breakdowns(members) -> tuple[list[dict], list[dict]]:
    """`breakdown` by bridging model and by receiving organisation's name, from one query:
    counted per (receiver, model) and added up. Each member is in one handover, with one model
    and one receiver, so the sums are the counts of each group; the receivers keep the
    database's order of their names, the models are sorted by their value."""
    return _added_up(breakdown(members, RECEIVER, MODE))


def _added_up(rows) -> tuple[list[dict], list[dict]]:
    by_mode, by_receiver = {}, {}
    for row in rows:
        counts = {key: value for key, value in row.items() if key not in (MODE, RECEIVER)}
        for found, field in ((by_mode, MODE), (by_receiver, RECEIVER)):
            total = found.setdefault(row[field], {field: row[field], **dict.fromkeys(counts, 0)})
            for key, value in counts.items():
                total[key] += value
    return [by_mode[mode] for mode in sorted(by_mode)], list(by_receiver.values())


def programme_members(user, programme, course=None):
    """The handed-over members of `programme` (or of `course`, one of its courses) that `user`
    sees: what the funnel page and the API break down."""
    members = HandoverParticipant.objects.visible_to(user).filter(
        handover__course__programme=programme
    )
    return members if course is None else members.filter(handover__course=course)


def programme_breakdowns(user, programme, course=None) -> tuple[list[dict], list[dict]]:
    """`breakdowns(programme_members(user, programme, course))`. Building and compiling the
    breakdown's counts took a quarter of the funnel page's Python: it is built once per
    process and shape of the user's memberships (common.prepared), then only run. The scope
    (`visible_to`) reads only the organisations where the user coordinates or is staff."""
    coordinated = Membership.objects.organisation_ids_of(user, Membership.Role.COORDINATOR)
    staff = Membership.objects.organisation_ids_of(user, Membership.Role.STAFF)
    loaded = isinstance(coordinated, list) and isinstance(staff, list)
    if user.is_superuser or not user.is_active or not loaded:
        return breakdowns(programme_members(user, programme, course))
    rows = _BREAKDOWN_ROWS.rows(
        user=user.pk,
        coordinated=coordinated,
        staff=staff,
        programme=programme.pk,
        courses=[] if course is None else [course.pk],
    )
    return _added_up([dict(zip((RECEIVER, MODE, *_COUNTS), row, strict=True)) for row in rows])


def _breakdown_build(user, coordinated, staff, programme, courses):
    stand_in = get_user_model()(pk=user, is_active=True, is_superuser=False)
    setattr(
        stand_in,
        LOADED_MEMBERSHIPS,
        [Membership(organisation_id=id_, role=Membership.Role.COORDINATOR) for id_ in coordinated]
        + [Membership(organisation_id=id_, role=Membership.Role.STAFF) for id_ in staff],
    )
    members = programme_members(stand_in, programme)
    if courses:
        members = members.filter(handover__course__in=courses)
    return _breakdown_query(members, RECEIVER, MODE).values_list(RECEIVER, MODE, *_COUNTS)


_BREAKDOWN_ROWS = Prepared(_breakdown_build)
