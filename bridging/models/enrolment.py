"""A participant's place on a course (or on its waitlist)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.models import KeptFieldsMixin
from participants.models import Participant

from .courses import Course, course_scope


class EnrolmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        if (condition := course_scope(user, "course")) is not None:
            return self.filter(condition)
        return self.filter(course__in=Course.objects.visible_to(user))

    def on_roster(self):
        """Enrolled or completed: the people whose attendance is taken."""
        return self.filter(status__in=Enrolment.ON_ROSTER)


class Enrolment(KeptFieldsMixin, models.Model):
    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        WAITLISTED = "waitlisted", _("On the waitlist")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # The statuses of the people whose attendance is taken (`on_roster`), for SQL of its own.
    ON_ROSTER = (Status.ENROLLED.value, Status.COMPLETED.value)

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="enrolments"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    enrolled_on = models.DateField(_("enrolled on"), default=timezone.localdate)
    recruitment = models.CharField(
        _("recruited through"),
        max_length=20,
        choices=Participant.Recruitment.choices,
        blank=True,
    )
    exit_goal_explained = models.BooleanField(
        _("exit goal explained at recruitment"),
        default=False,
        help_text=_("Was the participant told that the goal is to continue in a permanent offer?"),
    )
    withdrawn_reason = models.CharField(_("reason for withdrawing"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The attendance figures as they are kept (figures.attendance_refresh, never typed or saved
    # from a form): the run of absences, the present count and the last attended day worked
    # out by the definition (figures.attendance_ctes) as if every session not cancelled had
    # begun, and when the latest of those sessions with a mark of this enrolment begins. Once
    # that has begun they are the figures as they stand; the dropout warnings read them so.
    kept_absences = models.PositiveSmallIntegerField(
        _("absences in a row"), default=0, editable=False
    )
    kept_present = models.PositiveSmallIntegerField(_("present"), default=0, editable=False)
    kept_last_attended = models.DateField(_("last attended"), null=True, editable=False)
    kept_marked_on = models.DateField(_("latest marked session"), null=True, editable=False)
    kept_marked_at = models.TimeField(_("latest marked session starts"), null=True, editable=False)
    # The lowest of the eight scores of the latest staff assessment (null: none yet), kept by
    # figures.readiness_refresh as assessments are written: the exit-ready rule compares it with
    # the programme's minimum, without looking the latest assessment up per enrolment.
    kept_lowest_score = models.PositiveSmallIntegerField(
        _("lowest score of the latest staff assessment"), null=True, editable=False
    )

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["participant__last_name", "participant__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "course"], name="enrolment_once_per_course"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="withdrawn") | ~models.Q(withdrawn_reason=""),
                name="enrolment_withdrawal_has_reason",
            ),
        ]
        indexes = [
            # Whether a participant is on a course now (their status, bridging/status.py): looked
            # up for each of a project's thousands of participants, read without the table.
            models.Index(
                fields=["participant"],
                include=["course"],
                condition=models.Q(status="enrolled"),
                name="enrolment_enrolled",
            ),
            # The dropout warnings (bridging/figures.py): those enrolled with a kept run of
            # absences (the threshold, DROPOUT_THRESHOLD, or more), by course, read without
            # the table; and those marked at a session that has not begun, by its date.
            models.Index(
                fields=["course"],
                include=[
                    "id",
                    "participant",
                    "kept_absences",
                    "kept_present",
                    "kept_last_attended",
                    "kept_marked_on",
                    "kept_marked_at",
                ],
                condition=models.Q(status="enrolled", kept_absences__gte=2),
                name="enrolment_kept_warning",
            ),
            models.Index(
                fields=["kept_marked_on", "kept_marked_at"],
                condition=models.Q(status="enrolled"),
                name="enrolment_kept_marked",
            ),
        ]

    def __str__(self):
        return f"{self.participant} · {self.course}"

    # Written only by figures.attendance_refresh and figures.readiness_refresh
    # (KeptFieldsMixin).
    KEPT_FIELDS = (
        "kept_absences",
        "kept_present",
        "kept_last_attended",
        "kept_marked_on",
        "kept_marked_at",
        "kept_lowest_score",
    )
