"""The reporting API for the journey: programmes and courses with their counts, and the funnel
per programme and per course. Aggregates only: no endpoint names or describes a participant.

Authenticated with an organisation's API token (partnerships/api_auth.py); every queryset is
`visible_to(request.user)` narrowed to the token's organisation, so another organisation's
programme is a 404.
"""

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from partnerships.access import user_memberships
from partnerships.api_auth import TokenScoped

from . import figures
from . import funnel as funnel_module
from .models import Course, Enrolment, Handover, Programme, Session

Status = Enrolment.Status


def _count(queryset):
    """COUNT(*) of a correlated queryset as a subquery, 0 when empty. Each count is its own
    subquery: joining enrolments and sessions in one query would multiply the rows."""
    counted = queryset.order_by().annotate(_group=Value(1)).values("_group")
    return Coalesce(
        Subquery(counted.annotate(n=Count("*")).values("n")[:1], output_field=IntegerField()),
        Value(0),
    )


def _enrolment_counts(path):
    """Enrolled, waitlisted, completed and withdrawn, for the row at OuterRef("pk") via `path`."""
    enrolments = Enrolment.objects.filter(**{path: OuterRef("pk")})
    return {
        f"{status}_count": _count(enrolments.filter(status=status))
        for status in (Status.ENROLLED, Status.WAITLISTED, Status.COMPLETED, Status.WITHDRAWN)
    }


class EnrolmentCounts(serializers.Serializer):
    enrolled = serializers.IntegerField(source="enrolled_count")
    waitlisted = serializers.IntegerField(source="waitlisted_count")
    completed = serializers.IntegerField(source="completed_count")
    withdrawn = serializers.IntegerField(source="withdrawn_count")


class ProgrammeSerializer(serializers.ModelSerializer):
    courses = serializers.IntegerField(source="course_count")
    enrolments = EnrolmentCounts(source="*")

    class Meta:
        model = Programme
        fields = [
            "id",
            "name",
            "target_group",
            "starts_on",
            "ends_on",
            "default_bridging_model",
            "courses",
            "enrolments",
        ]


class CourseSerializer(serializers.ModelSerializer):
    # As the course's page shows it (Course.shown_status_expression): a planned course whose
    # sessions have begun is running.
    status = serializers.ChoiceField(
        choices=Course.Status.choices,
        source="shown_status",
        help_text="As the course's page shows it: a planned course whose sessions have begun "
        "(one not cancelled, on or before today) is running.",
    )
    enrolments = EnrolmentCounts(source="*")
    sessions_planned = serializers.IntegerField(source="sessions_planned_count")
    sessions_held = serializers.IntegerField(source="sessions_held_count")

    class Meta:
        model = Course
        fields = [
            "id",
            "programme",
            "name",
            "status",
            "venue",
            "municipality",
            "weekday",
            "start_time",
            "end_time",
            "start_date",
            "weeks",
            "capacity",
            "enrolments",
            "sessions_planned",
            "sessions_held",
        ]


class ProgrammeFilter(filters.FilterSet):
    name = filters.CharFilter(lookup_expr="icontains")
    starts_from = filters.DateFilter(field_name="starts_on", lookup_expr="gte")
    starts_until = filters.DateFilter(field_name="starts_on", lookup_expr="lte")
    running_on = filters.DateFilter(method="filter_running_on", label="running on this date")

    class Meta:
        model = Programme
        fields = ["name", "starts_from", "starts_until", "running_on"]

    def filter_running_on(self, queryset, name, value):
        return queryset.filter(starts_on__lte=value, ends_on__gte=value)


class CourseFilter(filters.FilterSet):
    name = filters.CharFilter(lookup_expr="icontains")
    # The status given (shown_status), not the one stored.
    status = filters.ChoiceFilter(field_name="shown_status", choices=Course.Status.choices)
    start_from = filters.DateFilter(field_name="start_date", lookup_expr="gte")
    start_until = filters.DateFilter(field_name="start_date", lookup_expr="lte")

    class Meta:
        model = Course
        fields = ["programme", "status", "name", "start_from", "start_until"]


class JourneyView(TokenScoped):
    """The token's user's memberships are read once, before the view: the programme and course
    scopes then use their ids (`course_scope`), not subqueries planned in every query."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        user_memberships(request)


def _programmes(request):
    return Programme.objects.visible_to(request.user).filter(
        organisation_id=request.auth.organisation_id
    )


def _courses(request):
    return Course.objects.visible_to(request.user).filter(
        programme__organisation_id=request.auth.organisation_id
    )


class ProgrammeList(JourneyView, generics.ListAPIView):
    """The organisation's programmes, each with its number of courses and enrolments."""

    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular
            return Programme.objects.none()
        return _programmes(self.request).annotate(
            course_count=_count(Course.objects.filter(programme=OuterRef("pk"))),
            **_enrolment_counts("course__programme"),
        )


class CourseList(JourneyView, generics.ListAPIView):
    """The organisation's courses, each with its enrolments and sessions planned and held."""

    serializer_class = CourseSerializer
    filterset_class = CourseFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular
            return Course.objects.none()
        sessions = Session.objects.filter(course=OuterRef("pk")).exclude(
            status=Session.Status.CANCELLED
        )
        return (
            _courses(self.request)
            .with_shown_status()
            .annotate(
                **_enrolment_counts("course"),
                sessions_planned_count=_count(sessions),
                sessions_held_count=_count(sessions.filter(figures.held_q(figures.now_local()))),
            )
            .order_by("start_date", "name", "pk")
        )


class FunnelStage(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    base = serializers.IntegerField(
        allow_null=True, help_text="The count this stage is a share of (none for the first)."
    )
    of_enrolled = serializers.IntegerField(
        allow_null=True, help_text="Per cent of the enrolled (whole per cent)."
    )
    of_previous = serializers.IntegerField(
        allow_null=True, help_text="Per cent of the base (whole per cent)."
    )
    due = serializers.IntegerField(
        required=False, help_text="Follow-up stages: started and whose follow-up is due."
    )
    not_due = serializers.IntegerField(
        required=False, help_text="Follow-up stages: started, follow-up not yet due."
    )


class FunnelAside(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class FunnelBreakdown(serializers.Serializer):
    label = serializers.CharField()
    handed_over = serializers.IntegerField()
    accepted = serializers.IntegerField()
    declined = serializers.IntegerField()
    started = serializers.IntegerField()
    active = serializers.DictField(
        child=serializers.IntegerField(), help_text="Active at each follow-up month."
    )


class Funnel(serializers.Serializer):
    programme = serializers.IntegerField()
    course = serializers.IntegerField(allow_null=True)
    stages = FunnelStage(many=True)
    aside = FunnelAside(
        many=True, help_text="Handed over without completing, or without being exit-ready."
    )
    by_bridging_model = FunnelBreakdown(
        many=True,
        help_text="Counted in handovers, not people: someone handed over twice counts in each row.",
    )
    by_receiving_organisation = FunnelBreakdown(
        many=True,
        help_text="Counted in handovers, not people: someone handed over twice counts in each row.",
    )


def _breakdown(rows, label_of):
    return [
        {
            "label": label_of(row),
            "handed_over": row["handed_over"],
            "accepted": row["accepted"],
            "declined": row["declined"],
            "started": row["started"],
            "active": {
                key.removeprefix("active_"): value
                for key, value in row.items()
                if key.startswith("active_")
            },
        }
        for row in rows
    ]


def _funnel(request, programme, course=None) -> dict:
    """The funnel's one definition (bridging/funnel.py) over the programme's or course's
    enrolments, as the funnel page shows it."""
    enrolments = Enrolment.objects.visible_to(request.user).filter(course__programme=programme)
    if course is not None:
        enrolments = enrolments.filter(course=course)
    modes = dict(Handover.Mode.choices)
    result = funnel_module.funnel(enrolments)
    by_mode, by_receiver = funnel_module.programme_breakdowns(request.user, programme, course)
    return {
        "programme": programme.pk,
        "course": course.pk if course else None,
        "stages": result["stages"],
        "aside": result["aside"],
        "by_bridging_model": _breakdown(
            by_mode,
            lambda row: str(modes.get(row["handover__mode"], "")),
        ),
        "by_receiving_organisation": _breakdown(
            by_receiver,
            lambda row: row["handover__receiver__name"] or _("Self-organised"),
        ),
    }


class ProgrammeFunnel(JourneyView, generics.GenericAPIView):
    """How far the programme's participants got across the bridge, as counts."""

    serializer_class = Funnel
    pagination_class = None
    filter_backends = []

    @extend_schema(responses=Funnel)
    def get(self, request, pk):
        programme = get_object_or_404(_programmes(request), pk=pk)
        return Response(_funnel(request, programme))


class CourseFunnel(JourneyView, generics.GenericAPIView):
    """How far the course's participants got across the bridge, as counts."""

    serializer_class = Funnel
    pagination_class = None
    filter_backends = []

    @extend_schema(responses=Funnel)
    def get(self, request, pk):
        course = get_object_or_404(_courses(request).select_related("programme"), pk=pk)
        return Response(_funnel(request, course.programme, course))
