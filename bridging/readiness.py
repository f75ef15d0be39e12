"""The exit-ready rule and the writes of assessments and questionnaires.

A participant is exit-ready when the latest assessment by staff puts every one of the eight
indicators at or above the programme's minimum *and* their attendance of the held sessions is at
or above the programme's minimum share. Self-assessments are shown beside it but do not decide
it. The same rule in SQL is in figures.py.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.hashing import hash_secret

from .figures import AttendanceFigures
from .models import INDICATORS, Assessment, Dimension, Enrolment, Programme, Questionnaire, Score
from .services import JourneyError

QUESTIONNAIRE_VALID_DAYS = 14
DISAGREEMENT = 1  # a difference of a whole step on the scale is worth talking about


@dataclass
class Verdict:
    assessment: Assessment | None
    figures: AttendanceFigures
    minimum: int
    minimum_attendance: int
    holding_back: list[tuple[str, str]] = field(default_factory=list)
    attendance_short: bool = False

    @property
    def attendance_rate(self) -> int | None:
        """Whole per cent, for showing; the rule compares the exact counts."""
        return self.figures.rate

    @property
    def minimum_label(self) -> str:
        return Score(self.minimum).label

    @property
    def assessed(self) -> bool:
        return self.assessment is not None

    @property
    def exit_ready(self) -> bool:
        return self.assessed and not self.holding_back and not self.attendance_short

    @property
    def scores(self) -> dict[str, float]:
        return self.assessment.dimension_scores if self.assessment else {}


def evaluate(
    *, assessment: Assessment | None, figures: AttendanceFigures | None, programme: Programme
) -> Verdict:
    """The exit-ready rule for one enrolment: the same rule as the SQL in figures.py
    (`exit_ready_ctes`), compared on whole numbers so that both agree at every boundary."""
    figures = figures or AttendanceFigures()
    verdict = Verdict(
        assessment=assessment,
        figures=figures,
        minimum=programme.readiness_threshold,
        minimum_attendance=programme.minimum_attendance,
    )
    if assessment is not None:
        verdict.holding_back = [
            (indicator.observed, Score(getattr(assessment, indicator.field)).label)
            for indicator in INDICATORS
            if getattr(assessment, indicator.field) < programme.readiness_threshold
        ]
    held, present = figures.held_sessions, figures.present_count
    verdict.attendance_short = held > 0 and present * 100 < programme.minimum_attendance * held
    return verdict


def latest_by_enrolment(assessments) -> dict[int, Assessment]:
    """The newest assessment per enrolment, from an iterable ordered oldest first."""
    latest = {}
    for assessment in assessments:
        latest[assessment.enrolment_id] = assessment
    return latest


def disagreements(staff: Assessment | None, own: Assessment | None) -> list[str]:
    """Dimensions where the participant's own view and the staff's differ by a step or more."""
    if staff is None or own is None:
        return []
    return [
        Dimension(dimension).label
        for dimension, score in staff.dimension_scores.items()
        if abs(score - own.dimension_scores[dimension]) >= DISAGREEMENT
    ]


def _check_assessable(enrolment: Enrolment) -> None:
    if enrolment.status not in (Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED):
        raise JourneyError(_("Only participants who are or were on the course can be assessed."))


@transaction.atomic
def assessment_create(*, form, enrolment: Enrolment, user) -> Assessment:
    _check_assessable(enrolment)
    assessment = form.save(commit=False)
    assessment.enrolment = enrolment
    assessment.source = Assessment.Source.STAFF
    assessment.assessed_by = user
    assessment.full_clean()
    assessment.save()
    return assessment


@transaction.atomic
def questionnaire_create(*, enrolment: Enrolment, kind: str, user) -> tuple[Questionnaire, str]:
    """Make a personal link; returns the questionnaire and the secret, which is shown once."""
    _check_assessable(enrolment)
    token = Questionnaire.new_token()
    questionnaire = Questionnaire.objects.create(
        enrolment=enrolment,
        kind=kind,
        token_hash=hash_secret(token),
        expires_at=timezone.now() + datetime.timedelta(days=QUESTIONNAIRE_VALID_DAYS),
        created_by=user,
    )
    return questionnaire, token


def questionnaire_for_token(token: str) -> Questionnaire | None:
    return (
        Questionnaire.objects.select_related("enrolment__course", "enrolment__participant")
        .filter(token_hash=hash_secret(token))
        .first()
    )


def check_open(questionnaire: Questionnaire) -> None:
    if questionnaire.is_answered:
        raise JourneyError(_("This questionnaire has already been answered. Thank you!"))
    if questionnaire.is_expired:
        raise JourneyError(_("This link has expired. Ask your instructor for a new one."))


@transaction.atomic
def questionnaire_answer(
    *, questionnaire: Questionnaire, form, on: datetime.date | None = None
) -> Assessment:
    """Save the participant's answers once: the row lock makes a double submit harmless. `on`
    dates an answer given on paper earlier (today when not given)."""
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    check_open(questionnaire)
    assessment = form.save(commit=False)
    assessment.enrolment_id = questionnaire.enrolment_id
    assessment.kind = questionnaire.kind
    assessment.source = Assessment.Source.SELF
    if on is not None:
        assessment.assessed_on = on
    assessment.full_clean()
    assessment.save()
    questionnaire.answer = assessment
    questionnaire.save(update_fields=["answer"])
    return assessment
