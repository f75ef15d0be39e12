"""Exit readiness (udslusningsparathed): the four dimensions and their eight indicators,
assessed over time by the instructor or coordinator, and by the participant themself through a
questionnaire link.

The indicators are the domain's own model (DOMAIN.md, "The exit-ready participant"); their
Danish wording comes from the practitioners' source word for word.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .enrolment import Enrolment
from .scale import Score


@dataclass(frozen=True)
class Indicator:
    field: str
    dimension: str
    observed: str  # as the instructor sees it ("Hun ..."), as in the guide
    own_words: str  # as the participant says it ("Jeg ...")
    about: str  # about the participant by first name ("%(name)s ved ..."), on the form


class Dimension(models.TextChoices):
    KNOWLEDGE = "knowledge", _("Knowledge")
    ENGAGEMENT = "engagement", _("Engagement")
    VISION = "vision", _("Vision")
    EXPERIENCES = "experiences", _("Experiences")


INDICATORS = [
    Indicator(
        "knows_offers",
        Dimension.KNOWLEDGE,
        _("She knows which offers there are in the local area"),
        _("I know which offers there are in the local area"),
        _("%(name)s knows which offers there are in the local area"),
    ),
    Indicator(
        "knows_purpose",
        Dimension.KNOWLEDGE,
        _("She knows that the purpose of taking part is continued physical activity"),
        _("I know that the purpose of taking part is continued physical activity"),
        _("%(name)s knows that the purpose of taking part is continued physical activity"),
    ),
    Indicator(
        "takes_part",
        Dimension.ENGAGEMENT,
        _("She shows up and takes part"),
        _("I show up and take part"),
        _("%(name)s shows up and takes part"),
    ),
    Indicator(
        "has_vision",
        Dimension.VISION,
        _("She has a good idea of what she wants and how she gets there"),
        _("I have a good idea of what I want and how I get there"),
        _("%(name)s has a good idea of what to aim for and how to get there"),
    ),
    Indicator(
        "joy_of_movement",
        Dimension.EXPERIENCES,
        _("She has experienced joy of movement"),
        _("I have experienced joy of movement"),
        _("%(name)s has experienced joy of movement"),
    ),
    Indicator(
        "progress",
        Dimension.EXPERIENCES,
        _("She has experienced progress in physical ability or has learned something"),
        _("I have experienced progress in physical ability or have learned something"),
        _("%(name)s has experienced progress in physical ability or has learned something"),
    ),
    Indicator(
        "manages_in_offer",
        Dimension.EXPERIENCES,
        _("She feels able to manage in an exercise offer"),
        _("I feel able to manage in an exercise offer"),
        _("%(name)s feels able to manage in an exercise offer"),
    ),
    Indicator(
        "belonging",
        Dimension.EXPERIENCES,
        _("She has had positive company around movement and felt part of a team – belonging"),
        _("I have had positive company around movement and felt part of a team – belonging"),
        _("%(name)s has had positive company around movement and felt part of a team – belonging"),
    ),
]
INDICATOR_FIELDS = [indicator.field for indicator in INDICATORS]


def _score_field(indicator: Indicator):
    return models.PositiveSmallIntegerField(indicator.observed, choices=Score.choices)


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Assessments go with the course: its coordinators and instructors, nobody else."""
        return self.filter(enrolment__in=Enrolment.objects.visible_to(user))


class Assessment(models.Model):
    """One assessment of one enrolment at one point in time: by staff, or the participant's own."""

    class Kind(models.TextChoices):
        START = "start", _("At the start")
        MIDWAY = "midway", _("Midway")
        END = "end", _("At the end")
        FOLLOW_UP = "follow_up", _("Follow-up")
        AD_HOC = "ad_hoc", _("Ad hoc")

    class Source(models.TextChoices):
        STAFF = "staff", _("Instructor or coordinator")
        SELF = "self", _("The participant")

    enrolment = models.ForeignKey(
        Enrolment,
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    kind = models.CharField(_("when"), max_length=20, choices=Kind.choices)
    source = models.CharField(_("by"), max_length=10, choices=Source.choices)
    assessed_on = models.DateField(_("date"), default=timezone.localdate)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    knows_offers = _score_field(INDICATORS[0])
    knows_purpose = _score_field(INDICATORS[1])
    takes_part = _score_field(INDICATORS[2])
    has_vision = _score_field(INDICATORS[3])
    joy_of_movement = _score_field(INDICATORS[4])
    progress = _score_field(INDICATORS[5])
    manages_in_offer = _score_field(INDICATORS[6])
    belonging = _score_field(INDICATORS[7])
    indicator_notes = models.JSONField(_("notes per indicator"), default=dict, blank=True)
    note = models.TextField(_("overall note"), blank=True)
    # The participant's own answers to the exit questions (self-assessments only).
    wishes_after = models.TextField(_("what I would like to do after the course"), blank=True)
    known_offers = models.TextField(_("offers I know"), blank=True)
    continue_with_team = models.CharField(
        _("I would like to continue with others from the team"),
        max_length=20,
        choices=[
            ("yes", _("Yes")),
            ("no", _("No")),
            ("no_preference", _("It does not matter")),
        ],
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("readiness assessment")
        verbose_name_plural = _("readiness assessments")
        ordering = ["assessed_on", "created_at"]
        indexes = [
            # The "latest staff assessment" of an enrolment, read from the index alone: newest
            # first, with the eight scores (figures.readiness_refresh keeps its lowest score on
            # the enrolment for the exit-ready rule).
            models.Index(
                fields=["enrolment", "-assessed_on", "-created_at", "-id"],
                include=INDICATOR_FIELDS,
                condition=models.Q(source="staff"),
                name="assessment_latest_staff",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    **{f"{field}__gte": Score.NOT_YET for field in INDICATOR_FIELDS},
                    **{f"{field}__lte": Score.FULLY for field in INDICATOR_FIELDS},
                ),
                name="assessment_scores_on_scale",
            ),
        ]

    def __str__(self):
        return f"{self.enrolment} {self.get_kind_display()} {self.assessed_on}"

    # An assessment written through the ORM keeps its enrolment's lowest score of the latest
    # staff assessment (Enrolment.kept_lowest_score) in the same transaction.
    def save(self, *args, **kwargs):
        from ..figures import lock_enrolments, readiness_refresh

        with transaction.atomic(savepoint=False):
            lock_enrolments([self.enrolment_id])
            super().save(*args, **kwargs)
            readiness_refresh([self.enrolment_id], locked=True)

    def delete(self, *args, **kwargs):
        from ..figures import lock_enrolments, readiness_refresh

        with transaction.atomic(savepoint=False):
            enrolment_id = self.enrolment_id
            lock_enrolments([enrolment_id])
            deleted = super().delete(*args, **kwargs)
            readiness_refresh([enrolment_id], locked=True)
        return deleted

    @cached_property
    def dimension_scores(self) -> dict[str, float]:
        """Each dimension's score: the mean of its indicators, on the 1-4 scale. Whole scores
        divided once: the same float as statistics.mean, which works through fractions and was
        most of the time of a team's readiness table."""
        scores = {}
        for dimension in Dimension.values:
            values = [getattr(self, i.field) for i in INDICATORS if i.dimension == dimension]
            scores[dimension] = sum(values) / len(values)
        return scores


class QuestionnaireQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(enrolment__in=Enrolment.objects.visible_to(user))


class Questionnaire(models.Model):
    """A personal, single-use link for the participant to assess themself.

    Only a hash of the link's secret is stored, so the database does not hold working links.
    """

    KINDS = [
        (Assessment.Kind.START, Assessment.Kind.START.label),
        (Assessment.Kind.END, Assessment.Kind.END.label),
        (Assessment.Kind.FOLLOW_UP, Assessment.Kind.FOLLOW_UP.label),
    ]

    enrolment = models.ForeignKey(
        Enrolment,
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="questionnaires",
    )
    kind = models.CharField(_("when"), max_length=20, choices=KINDS)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    answer = models.OneToOneField(
        Assessment,
        verbose_name=_("answer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questionnaire",
    )

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.enrolment} {self.get_kind_display()}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @property
    def is_answered(self):
        return self.answer_id is not None

    @property
    def is_expired(self):
        return timezone.now() >= self.expires_at
