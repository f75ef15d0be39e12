"""Who came to a session, and every later correction of it."""

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .courses import Session
from .enrolment import Enrolment


class AttendanceQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(session__in=Session.objects.visible_to(user))


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendances"
    )
    enrolment = models.ForeignKey(
        Enrolment,
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrolment"], name="attendance_once_per_session"
            ),
        ]

    def __str__(self):
        return f"{self.enrolment.participant} {self.session}: {self.get_status_display()}"

    # A mark written through the ORM keeps its enrolment's attendance figures (Enrolment.kept_*)
    # in the same transaction; the services that write marks in SQL of their own (marking in
    # one statement, marking everyone present) keep them themselves.
    def save(self, *args, **kwargs):
        from ..figures import attendance_refresh, lock_enrolments

        with transaction.atomic(savepoint=False):
            lock_enrolments([self.enrolment_id])
            super().save(*args, **kwargs)
            attendance_refresh([self.enrolment_id], locked=True)

    def delete(self, *args, **kwargs):
        from ..figures import attendance_refresh, lock_enrolments

        with transaction.atomic(savepoint=False):
            enrolment_id = self.enrolment_id
            lock_enrolments([enrolment_id])
            deleted = super().delete(*args, **kwargs)
            attendance_refresh([enrolment_id], locked=True)
        return deleted


class AttendanceChange(models.Model):
    """A correction: the attendance was `old_status` and became `new_status`."""

    attendance = models.ForeignKey(
        Attendance, on_delete=models.CASCADE, related_name="changes", verbose_name=_("attendance")
    )
    old_status = models.CharField(_("was"), max_length=10, choices=Attendance.Status.choices)
    new_status = models.CharField(_("became"), max_length=10, choices=Attendance.Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("attendance correction")
        verbose_name_plural = _("attendance corrections")
        ordering = ["-changed_at"]

    def __str__(self):
        return f"{self.attendance_id}: {self.old_status} → {self.new_status}"
