"""The temporary effort: a programme, its courses (hold) and their weekly sessions."""

import datetime
import functools
import operator
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerships.models import Membership, Organisation
from partnerships.models.offers import Weekday
from partnerships.models.organisations import ScopedQuerySet
from partnerships.municipalities import validate_municipality

from .scale import Score

Role = Membership.Role


def _coordinated_organisations(user):
    return Membership.objects.organisations_of(user, Role.COORDINATOR)


def _project_organisations(user):
    """Where the user coordinates or teaches: an indexed lookup that narrows a scope to a few
    projects before the finer rule is checked row by row (see ParticipantQuerySet)."""
    return Membership.objects.filter(
        user=user, role__in=[Role.COORDINATOR, Role.INSTRUCTOR]
    ).values("organisation")


def _taught(user):
    """The courses `user` teaches, as a subquery of ids."""
    return Course.instructors.through.objects.filter(user=user).values("course_id")


def _by_membership_ids(user, organisation: str, taught) -> models.Q | None:
    """The programme and course rule as a condition on the project at the field path
    `organisation`, from the ids of the memberships the request has read
    (`Membership.objects.organisation_ids_of`): the project's coordinators, and its instructors
    where `taught(user)` (a Q) holds. None when the memberships are not read, or for a
    user whom `visible_to` shows everything or nothing. With ids the planner sees a few
    organisations, where the subqueries of the rule cost milliseconds to plan in every query
    built on them; a side where the user has no role is left out, with its joins."""
    if not user.is_authenticated or not user.is_active or user.is_superuser:
        return None
    coordinated = Membership.objects.organisation_ids_of(user, Role.COORDINATOR)
    teaching = Membership.objects.organisation_ids_of(user, Role.INSTRUCTOR)
    if not isinstance(coordinated, list) or not isinstance(teaching, list):
        return None
    sides = []
    if coordinated:
        sides.append(models.Q(**{f"{organisation}__in": coordinated}))
    if teaching:
        sides.append(models.Q(**{f"{organisation}__in": teaching}) & taught(user))
    return functools.reduce(operator.or_, sides) if sides else models.Q(pk__in=[])


def course_scope(user, course: str = "") -> models.Q | None:
    """The courses `user` sees (`CourseQuerySet.scoped_to`) as a condition on the course at the
    field path `course` ("" for a course itself), from the memberships read for the request;
    None when they are not read (see `_by_membership_ids`)."""
    prefix = f"{course}__" if course else ""
    return _by_membership_ids(
        user,
        f"{prefix}programme__organisation_id",
        lambda user: models.Q(**{f"{course or 'pk'}__in": _taught(user)}),
    )


class ProgrammeQuerySet(ScopedQuerySet):
    def scoped_to(self, user):
        """Coordinators see their project's programmes; instructors those they teach in."""
        condition = _by_membership_ids(
            user,
            "organisation_id",
            lambda user: models.Q(
                pk__in=Course.objects.filter(instructors=user).values("programme")
            ),
        )
        if condition is not None:
            return self.filter(condition)
        return self.filter(organisation__in=_project_organisations(user)).filter(
            models.Q(organisation__in=_coordinated_organisations(user))
            | models.Q(pk__in=Course.objects.filter(instructors=user).values("programme"))
        )


class Programme(models.Model):
    class BridgingModel(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        GROUP = "group", _("Group")
        TEAM = "team", _("Whole team")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    target_group = models.CharField(_("target group"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    exit_goal = models.TextField(
        _("exit goal statement"),
        blank=True,
        help_text=_(
            "How the programme tells participants from the start that the goal is to continue "
            "in a permanent offer."
        ),
    )
    default_bridging_model = models.CharField(
        _("default bridging model"),
        max_length=20,
        choices=BridgingModel.choices,
        default=BridgingModel.TEAM,
    )
    readiness_threshold = models.PositiveSmallIntegerField(
        _("minimum on every indicator"),
        choices=Score.choices,
        default=Score.MOSTLY,
        help_text=_(
            "Exit-ready means at least this on every one of the eight indicators, and the "
            "minimum attendance."
        ),
    )
    follow_up_months = models.CharField(
        _("follow-up after (months)"),
        max_length=50,
        default="3,6,12",
        validators=[
            RegexValidator(
                r"^\d{1,2}(,\d{1,2})*$", _("Enter months separated by commas, e.g. 3,6,12.")
            )
        ],
        help_text=_("When to ask whether a handed-over participant is still active."),
    )
    minimum_attendance = models.PositiveSmallIntegerField(
        _("minimum attendance (%)"),
        default=75,
        validators=[MaxValueValidator(100)],
        help_text=_("Share of the sessions held so far that a participant must have attended."),
    )

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="programme_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("bridging:programme_detail", args=[self.pk])

    def get_follow_up_months(self) -> list[int]:
        return sorted({int(month) for month in self.follow_up_months.split(",") if month})


class CourseQuerySet(ScopedQuerySet):
    def scoped_to(self, user):
        """Coordinators see their project's courses; instructors the courses they teach."""
        if (condition := course_scope(user)) is not None:
            return self.filter(condition)
        return self.filter(programme__organisation__in=_project_organisations(user)).filter(
            models.Q(programme__organisation__in=_coordinated_organisations(user))
            | models.Q(pk__in=Course.objects.filter(instructors=user).values("pk"))
        )

    def with_shown_status(self, today=None):
        """Each course with `shown_status` (Course.shown_status_expression)."""
        return self.annotate(shown_status=Course.shown_status_expression(today))


class Course(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    # Not over: its sessions are being held or are to come (the stored status stays "planned"
    # until the coordinator says it runs, so the figures of a course being held read both).
    NOT_OVER = (Status.PLANNED.value, Status.RUNNING.value)

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="courses"
    )
    name = models.CharField(_("name"), max_length=200)
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("instructors"),
        blank=True,
        related_name="courses_taught",
    )
    venue = models.CharField(_("venue"), max_length=200)
    address = models.CharField(_("address"), max_length=200, blank=True)
    municipality = models.CharField(
        _("municipality"),
        max_length=100,
        blank=True,
        validators=[validate_municipality],
        help_text=_("Where the venue is; offers near it are listed for the participants."),
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("starts at"))
    end_time = models.TimeField(_("ends at"))
    start_date = models.DateField(_("first session on or after"))
    weeks = models.PositiveSmallIntegerField(
        _("number of weeks"),
        default=12,
        validators=[
            MinValueValidator(1, _("A course runs at least one week.")),
            MaxValueValidator(104),
        ],
    )
    capacity = models.PositiveSmallIntegerField(
        _("places"),
        validators=[
            MinValueValidator(1, _("A course needs at least one place.")),
            MaxValueValidator(500),
        ],
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="course_ends_after_start",
            ),
            models.CheckConstraint(condition=models.Q(capacity__gt=0), name="course_capacity"),
            models.CheckConstraint(condition=models.Q(weeks__gt=0), name="course_weeks"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("bridging:course_detail", args=[self.pk])

    @staticmethod
    def shown_status_expression(today=None, course: str = "pk"):
        """The one definition of the status pages show, the API gives and the work queue's
        "courses ending soon" reads, as SQL: a planned course runs from the day of its first
        session that is not cancelled (held or being held today: it follows its sessions, as
        a session's shown status does); otherwise the status the coordinator set (running set
        early, completed, cancelled). `course` names the course on the rows annotated: "pk" on
        courses, e.g. "course" on enrolments."""
        today = today or timezone.localdate()
        prefix = "" if course == "pk" else f"{course}__"
        begun = Session.objects.filter(course=models.OuterRef(course), date__lte=today).exclude(
            status=Session.Status.CANCELLED
        )
        return models.Case(
            models.When(
                models.Q(**{f"{prefix}status": Course.Status.PLANNED}) & models.Exists(begun),
                then=models.Value(Course.Status.RUNNING.value),
            ),
            default=models.F(f"{prefix}status"),
            output_field=models.CharField(),
        )

    def get_shown_status_display(self):
        """The label of `shown_status`, read with the course (`with_shown_status`)."""
        return Course.Status(self.__dict__["shown_status"]).label

    def scheduled_dates(self) -> list[datetime.date]:
        """The weekly dates of the schedule: the first `weekday` on or after start_date, and
        every seventh day after it."""
        first = self.start_date + datetime.timedelta(
            days=(self.weekday - self.start_date.weekday()) % 7
        )
        return [first + datetime.timedelta(weeks=week) for week in range(self.weeks)]

    def last_day(self) -> datetime.date:
        """The course's last day: its last scheduled or added session, or, completed early,
        the last one held; never after today."""
        sessions = self.sessions.exclude(status=Session.Status.CANCELLED)
        if self.status == Course.Status.COMPLETED:
            sessions = sessions.filter(date__lte=timezone.localdate())
        last = sessions.aggregate(last=models.Max("date"))["last"]
        return min(last or self.scheduled_dates()[-1], timezone.localdate())


class SessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        if (condition := course_scope(user, "course")) is not None:
            return self.filter(condition)
        return self.filter(course__in=Course.objects.visible_to(user))


class Session(models.Model):
    """One training session of a course, and the instructor's log of it."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="sessions"
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("starts at"))
    end_time = models.TimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    content = models.TextField(_("what we did"), blank=True)
    exit_theme = models.BooleanField(
        _("exit was a theme"),
        default=False,
        help_text=_("In the teaching or in the talk after training."),
    )
    exit_note = models.CharField(_("about the exit talk"), max_length=300, blank=True)
    team_building = models.BooleanField(_("we worked on the team feeling"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["date", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="session_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="cancelled") | ~models.Q(cancel_reason=""),
                name="session_cancel_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["course", "date"])]

    def __str__(self):
        return f"{self.course} {self.date:%d.%m.%Y}"

    # What the kept attendance figures (Enrolment.kept_*) read of a session with marks: whether
    # it is cancelled and when it begins. A session saved with another of these (cancelled,
    # moved) or deleted keeps the figures of the enrolments marked at it, in the same
    # transaction.
    def save(self, *args, **kwargs):
        if not self._marks_count_differently(kwargs.get("update_fields")):
            super().save(*args, **kwargs)
            self._counted_as = self._counted()
            return
        from ..figures import attendance_refresh

        with transaction.atomic(savepoint=False):
            super().save(*args, **kwargs)
            attendance_refresh(self.attendances.values("enrolment_id"))
        self._counted_as = self._counted()

    def get_absolute_url(self):
        return reverse("bridging:session_detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        from ..figures import attendance_refresh

        with transaction.atomic(savepoint=False):
            marked = list(self.attendances.values_list("enrolment_id", flat=True))
            deleted = super().delete(*args, **kwargs)
            attendance_refresh(marked)
        return deleted

    @classmethod
    def from_db(cls, db, field_names, values):
        session = super().from_db(db, field_names, values)
        session._counted_as = session._counted()
        return session

    def _counted(self):
        """What the kept figures read of the session, as it is now (None: not all loaded)."""
        if self.get_deferred_fields() & {"date", "start_time", "status", "course_id"}:
            return None
        return (self.date, self.start_time, self.is_cancelled, self.course_id)

    def _marks_count_differently(self, update_fields) -> bool:
        """Whether saving may change what the kept figures read (see `save`)."""
        if self._state.adding and self.pk is None:
            return False  # a new session has no marks
        if update_fields is not None and not set(update_fields) & {
            "date", "start_time", "status", "course", "course_id",
        }:  # fmt: skip
            return False
        counted_as = getattr(self, "_counted_as", None)
        return counted_as is None or counted_as != self._counted()

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    def shown_status(self, now: datetime.datetime | None = None) -> str:
        """The status as pages show it, by the figures' rule of a held session
        (figures.held_condition): cancelled, else held once it has begun, else planned. The
        stored status says only whether it is cancelled (a log can be written ahead, and
        attendance taken without one)."""
        from ..figures import now_local

        if self.is_cancelled:
            return self.Status.CANCELLED
        begun = self.starts_at() <= (now or now_local())
        return self.Status.HELD if begun else self.Status.PLANNED

    def get_shown_status_display(self) -> str:
        return self.Status(self.shown_status()).label

    def starts_at(self) -> datetime.datetime:
        return datetime.datetime.combine(self.date, self.start_time, ZoneInfo(settings.TIME_ZONE))

    def ends_at(self) -> datetime.datetime:
        return datetime.datetime.combine(self.date, self.end_time, ZoneInfo(settings.TIME_ZONE))
