"""The coordinator's funnel: how many got how far across the bridge, computed in SQL.

enrolled -> completed -> exit-ready -> handed over -> accepted -> started -> active at the
follow-up months. A participant counts once per enrolment (course).
"""

from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Assessment, Attendance, Enrolment, FollowUp, HandoverParticipant, Session
from .models.readiness import INDICATORS, Dimension

FOLLOW_UP_MONTHS = [3, 6, 12]
Status = HandoverParticipant.Status


def _count_subquery(queryset):
    """COUNT(*) of a correlated queryset, as a subquery (0 when empty)."""
    counted = queryset.order_by().annotate(_group=Value(1)).values("_group")
    return Coalesce(
        Subquery(counted.annotate(n=Count("*")).values("n")[:1], output_field=IntegerField()),
        Value(0),
    )


def _exit_ready(enrolments, today):
    """Annotate `exit_ready`: the latest staff assessment meets the programme's threshold on
    every dimension and attendance meets its minimum (or no session has been held yet)."""
    latest = Assessment.objects.filter(enrolment=OuterRef("pk"), source="staff").order_by(
        "-assessed_on", "-created_at"
    )
    scores = {i.field: Subquery(latest.values(i.field)[:1]) for i in INDICATORS}
    present = Attendance.objects.filter(enrolment=OuterRef("pk"), status="present")
    held = Session.objects.filter(course=OuterRef("course"), date__lte=today).exclude(
        status=Session.Status.CANCELLED
    )
    enrolments = enrolments.annotate(
        **{f"s_{field}": value for field, value in scores.items()},
        n_present=_count_subquery(present),
        n_held=_count_subquery(held),
    )
    threshold = F("course__programme__readiness_threshold")
    dimension_means = {}
    for dimension in Dimension.values:
        fields = [f"s_{i.field}" for i in INDICATORS if i.dimension == dimension]
        total = sum((F(name) for name in fields[1:]), F(fields[0]))
        dimension_means[dimension] = ExpressionWrapper(
            total * 1.0 / len(fields), output_field=FloatField()
        )
    enrolments = enrolments.annotate(**{f"d_{d}": expr for d, expr in dimension_means.items()})
    ready = Q(s_knows_offers__isnull=False)
    for dimension in Dimension.values:
        ready &= Q(**{f"d_{dimension}__gte": threshold})
    # The same comparison as readiness.evaluate: the unrounded share of sessions attended.
    enrolments = enrolments.annotate(
        share=ExpressionWrapper(
            F("n_present") * 100.0 / NullIf(F("n_held"), 0), output_field=FloatField()
        )
    )
    ready &= Q(n_held=0) | Q(share__gte=F("course__programme__minimum_attendance"))
    return enrolments, ready


def funnel(enrolments, today=None) -> list[dict]:
    """The stages as [{"key", "label", "count"}], counted in one query."""
    today = today or timezone.localdate()
    enrolments = enrolments.exclude(status=Enrolment.Status.WAITLISTED)
    members = HandoverParticipant.objects.filter(enrolment=OuterRef("pk"))
    enrolments, ready = _exit_ready(enrolments, today)
    enrolments = enrolments.annotate(
        has_handover=Exists(members),
        has_accepted=Exists(members.filter(status__in=[Status.ACCEPTED, Status.STARTED])),
        has_started=Exists(members.filter(status=Status.STARTED)),
        **{
            f"has_active_{months}": Exists(
                FollowUp.objects.filter(
                    member__enrolment=OuterRef("pk"), months=months, answer="active"
                )
            )
            for months in FOLLOW_UP_MONTHS
        },
    )
    counts = enrolments.aggregate(
        enrolled=Count("pk"),
        completed=Count("pk", filter=Q(status=Enrolment.Status.COMPLETED)),
        exit_ready=Count("pk", filter=ready),
        handed_over=Count("pk", filter=Q(has_handover=True)),
        accepted=Count("pk", filter=Q(has_accepted=True)),
        started=Count("pk", filter=Q(has_started=True)),
        **{
            f"active_{months}": Count("pk", filter=Q(**{f"has_active_{months}": True}))
            for months in FOLLOW_UP_MONTHS
        },
    )
    labels = {
        "enrolled": _("Enrolled"),
        "completed": _("Completed the course"),
        "exit_ready": _("Exit-ready"),
        "handed_over": _("Handed over"),
        "accepted": _("Accepted"),
        "started": _("Started"),
        **{
            f"active_{months}": _("Active after %(months)s months") % {"months": months}
            for months in FOLLOW_UP_MONTHS
        },
    }
    stages, previous = [], None
    first = counts["enrolled"] or 0
    for key, label in labels.items():
        count = counts[key]
        stages.append(
            {
                "key": key,
                "label": label,
                "count": count,
                "of_enrolled": round(100 * count / first) if first else None,
                "of_previous": round(100 * count / previous) if previous else None,
            }
        )
        previous = count
    return stages


def breakdown(members, field: str) -> list[dict]:
    """Handed over -> accepted -> started -> active, grouped by `field` (mode or receiver)."""
    active = {
        f"active_{months}": Count(
            "pk",
            distinct=True,
            filter=Q(follow_ups__months=months, follow_ups__answer="active"),
        )
        for months in FOLLOW_UP_MONTHS
    }
    return list(
        members.values(field)
        .annotate(
            handed_over=Count("pk", distinct=True),
            accepted=Count(
                "pk", distinct=True, filter=Q(status__in=[Status.ACCEPTED, Status.STARTED])
            ),
            declined=Count("pk", distinct=True, filter=Q(status=Status.DECLINED)),
            started=Count("pk", distinct=True, filter=Q(status=Status.STARTED)),
            **active,
        )
        .order_by(field)
    )
