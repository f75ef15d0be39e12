"""The reporting API for Model 2: local partnerships with their collaboration level, stage of
development, activities and participant registrations, as counts. Free-text notes (reasons,
evidence, descriptions) and who recorded what are not included.

Authenticated with an organisation's API token (api_auth.py): the partnerships where the token's
organisation is the housing plan or the municipality, as `visible_to(request.user)` allows.
"""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django_filters import rest_framework as filters
from rest_framework import generics, serializers

from .api_auth import TokenScoped
from .models import DevelopmentAssessment, LevelChange, LocalActivity, LocalPartnership
from .models.local import DOGMAS, Registration


def _latest(queryset, field):
    return Subquery(queryset.values(field)[:1])


def _registration_totals(path):
    """Registrations, participants and new participants for the row at OuterRef("pk")."""
    registrations = Registration.objects.filter(**{path: OuterRef("pk")}).order_by()
    grouped = registrations.annotate(_group=Value(1)).values("_group")

    def total(expression):
        return Coalesce(
            Subquery(grouped.annotate(n=expression).values("n")[:1], output_field=IntegerField()),
            Value(0),
        )

    return {
        "registration_count": total(Count("*")),
        "participant_total": total(Sum("participants")),
        "new_total": total(Sum("new")),
    }


class Registrations(serializers.Serializer):
    registrations = serializers.IntegerField(
        source="registration_count", help_text="Occurrences with a registration."
    )
    participants = serializers.IntegerField(
        source="participant_total",
        help_text="Attendances: each occasion's count of participants, summed (someone who came "
        "to four occasions counts four times; registrations hold counts, never names).",
    )
    new = serializers.IntegerField(source="new_total", help_text="Of whom new, summed.")


class PartnershipSerializer(serializers.ModelSerializer):
    housing_plan = serializers.CharField(source="housing_plan.name")
    municipality = serializers.CharField(source="municipality.name")
    housing_areas = serializers.SlugRelatedField(
        source="areas", many=True, read_only=True, slug_field="name"
    )
    level = serializers.IntegerField(
        source="current_level", allow_null=True, help_text="Collaboration level 0-3, latest."
    )
    stage = serializers.IntegerField(
        source="current_stage", allow_null=True, help_text="Stage of development 1-4, latest."
    )
    community_of_practice = serializers.CharField(source="current_practice", allow_null=True)
    activities = serializers.IntegerField(source="activity_count")
    registrations = Registrations(source="*")

    class Meta:
        model = LocalPartnership
        fields = [
            "id",
            "name",
            "housing_plan",
            "municipality",
            "housing_areas",
            "started_on",
            "level",
            "stage",
            "community_of_practice",
            "activities",
            "registrations",
        ]


class LevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = LevelChange
        fields = ["level", "changed_on"]


class StageSerializer(serializers.ModelSerializer):
    class Meta:
        model = DevelopmentAssessment
        fields = ["stage", "practice", "connection_form", "assessed_on"]


class ActivitySerializer(serializers.ModelSerializer):
    dogmas = serializers.SerializerMethodField(help_text="The dogmas the activity describes.")
    social_capital = serializers.SerializerMethodField()
    run_by = serializers.SerializerMethodField()
    registrations = Registrations(source="*")

    class Meta:
        model = LocalActivity
        fields = [
            "id",
            "title",
            "dogmas",
            "social_capital",
            "run_by",
            "municipal_service",
            "registrations",
        ]

    def get_dogmas(self, activity) -> list[str]:
        return [key for key, _label in DOGMAS if getattr(activity, key)]

    def get_social_capital(self, activity) -> list[str]:
        return [kind for kind in ("bonding", "bridging", "linking") if getattr(activity, kind)]

    def get_run_by(self, activity) -> list[str]:
        runners = ["housing_plan", "municipality", "residents", "creative_forces"]
        return [runner for runner in runners if getattr(activity, f"run_by_{runner}")]


class PartnershipDetailSerializer(PartnershipSerializer):
    level_history = LevelSerializer(source="level_changes", many=True)
    stage_history = StageSerializer(source="assessments", many=True)
    activity_list = ActivitySerializer(source="activities", many=True)

    class Meta(PartnershipSerializer.Meta):
        fields = [
            *PartnershipSerializer.Meta.fields,
            "level_history",
            "stage_history",
            "activity_list",
        ]


class PartnershipFilter(filters.FilterSet):
    name = filters.CharFilter(lookup_expr="icontains")
    level = filters.NumberFilter(field_name="current_level")
    started_from = filters.DateFilter(field_name="started_on", lookup_expr="gte")

    class Meta:
        model = LocalPartnership
        fields = ["name", "level", "started_from"]


def _partnerships(request):
    organisation = request.auth.organisation_id
    levels = LevelChange.objects.filter(partnership=OuterRef("pk")).order_by("-changed_on", "-pk")
    stages = DevelopmentAssessment.objects.filter(partnership=OuterRef("pk")).order_by(
        "-assessed_on", "-pk"
    )
    activities = LocalActivity.objects.filter(partnership=OuterRef("pk")).order_by()
    return (
        LocalPartnership.objects.visible_to(request.user)
        .filter(Q(housing_plan_id=organisation) | Q(municipality_id=organisation))
        .select_related("housing_plan", "municipality")
        .prefetch_related("areas")
        .annotate(
            current_level=_latest(levels, "level"),
            current_stage=_latest(stages, "stage"),
            current_practice=_latest(stages, "practice"),
            activity_count=Coalesce(
                Subquery(
                    activities.annotate(_group=Value(1))
                    .values("_group")
                    .annotate(n=Count("*"))
                    .values("n")[:1],
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
            **_registration_totals("activity__partnership"),
        )
        .order_by("name", "pk")
    )


class LocalPartnershipList(TokenScoped, generics.ListAPIView):
    """The local partnerships of the token's organisation (housing plan or municipality)."""

    serializer_class = PartnershipSerializer
    filterset_class = PartnershipFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular
            return LocalPartnership.objects.none()
        return _partnerships(self.request)


class LocalPartnershipDetail(TokenScoped, generics.RetrieveAPIView):
    """One local partnership with its level and stage history and its activities' counts."""

    serializer_class = PartnershipDetailSerializer

    def get_queryset(self):
        return _partnerships(self.request).prefetch_related(
            "level_changes",
            "assessments",
            Prefetch(
                "activities",
                queryset=LocalActivity.objects.annotate(**_registration_totals("activity")),
            ),
        )
