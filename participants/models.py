"""The people a bridging programme exists for, their consents, and who looked at their data.

Some of what is held here is health-related (GDPR art. 9). The rules that protect it live in
three places: `ParticipantQuerySet.visible_to` (who sees a participant at all),
`Participant.HEALTH_ROLES` (who sees the health notes), and `services.py` (anonymisation,
consent withdrawal and the access log).
"""

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.choices import choice_label
from common.models import KeptFieldsMixin
from partnerships.models import ActivityType, Membership, Organisation
from partnerships.models.offers import TimeOfDay, Weekday
from partnerships.models.organisations import LOADED_MEMBERSHIPS, ScopedQuerySet
from partnerships.municipalities import validate_municipality

phone_validator = RegexValidator(
    r"^(\+45)?(\s*\d){8}$",
    _("Enter a Danish phone number of eight digits, e.g. 12 34 56 78."),
)

Role = Membership.Role


class ParticipantQuerySet(ScopedQuerySet):
    def scoped_to(self, user):
        """Coordinators see their project's participants; instructors see those enrolled in
        the courses they teach, or all of the project's when the coordinator allows it;
        association staff and everyone else see none.

        Written for the planner: first the projects where the user has a project role (an
        indexed lookup of their memberships, then of the participants by project), and only
        within those the finer rule, so no page scans every participant in the country."""
        loaded = getattr(user, LOADED_MEMBERSHIPS, None)
        if loaded is not None:
            return self.filter(self._scope_of_loaded(user, loaded))
        own = Membership.objects.filter(user=user, role__in=[Role.COORDINATOR, Role.INSTRUCTOR])
        seeing_all = own.filter(
            models.Q(role=Role.COORDINATOR)
            | models.Q(organisation__instructors_see_participants=True)
        )
        return self.filter(organisation__in=own.values("organisation")).filter(
            models.Q(organisation__in=seeing_all.values("organisation"))
            | models.Q(pk__in=self._taught(user))
        )

    def _taught(self, user):
        """The ids of the participants enrolled in a course `user` (a user or an id) teaches:
        the enrolments of the courses in the user's rows of the course-instructor table. Two
        tables, where joining the participant, the enrolment, the course and that table gave
        PostgreSQL four to plan in every query built on the scope (an instructor's participant
        list at national scale: its count about 1.4 -> 0.5 ms to plan and 7 -> 1 ms to run)."""
        # "enrolments" is the reverse name of bridging's Enrolment: named, never imported.
        enrolment = self.model._meta.get_field("enrolments").related_model
        teaching = enrolment._meta.get_field("course").related_model.instructors.through
        return (
            enrolment.objects.filter(
                course__in=teaching.objects.filter(user=user).values("course_id")
            )
            .order_by()
            .values("participant_id")
        )

    def _scope_of_loaded(self, user, memberships) -> models.Q:
        """The same rule as the subqueries of `scoped_to`, from the memberships this request
        has read (`access.user_memberships`, each with its organisation): the projects whose
        participants the user sees all of, and those where they see only whom they teach, as
        lists of ids. A coordinator's scope is then one `organisation_id IN (...)`, which
        PostgreSQL plans at once, with no subquery of memberships to plan and run."""
        return self.scope_condition(user.pk, *self.projects_seen(memberships))

    @staticmethod
    def projects_seen(memberships) -> tuple[list[int], list[int]]:
        """Of the memberships a request has read: the ids of the projects whose participants
        the user sees all of, and of those where they see only whom they teach."""
        projects = [m for m in memberships if m.role in (Role.COORDINATOR, Role.INSTRUCTOR)]
        seeing_all = {
            m.organisation_id
            for m in projects
            if m.role == Role.COORDINATOR or m.organisation.instructors_see_participants
        }
        teaching = {m.organisation_id for m in projects} - seeing_all
        return sorted(seeing_all), sorted(teaching)

    def scope_condition(self, user_id, seeing_all, teaching) -> models.Q:
        """`scoped_to` for the user `user_id` from `projects_seen` of their memberships."""
        sides = []
        if seeing_all:
            sides.append(models.Q(organisation__in=seeing_all))
        if teaching:
            sides.append(models.Q(organisation__in=teaching, pk__in=self._taught(user_id)))
        if not sides:
            return models.Q(pk__in=[])
        return sides[0] if len(sides) == 1 else sides[0] | sides[1]

    def with_status(self, today=None, row_by_row=False):
        """Annotate `status`, a value of `Participant.Status`, derived in SQL from what
        happened. The one definition is registered by the app that holds the journey
        (bridging/status.py, through participants.hooks); see the README.

        `row_by_row` looks each fact the status reads (enrolments, handovers, consents) up
        per participant by index: the same status, but a project's thousands of participants
        read only their own rows instead of PostgreSQL hashing whole tables (the coordinator's
        counts: 0.3 s -> 0.08 s at 5,000 of 100,000). Not for counting everyone at once."""
        from .hooks import status_expression

        return self.annotate(status=status_expression(today, row_by_row))

    def with_kept_status(self, today=None, row_by_row=False):
        """`with_status()` with the journey part read from `journey_status`, where the services
        keep it, instead of derived from the facts again (participants.hooks): the same status,
        cheap to count and filter over a project's thousands of participants. The withdrawal
        is read live (`row_by_row` as for `with_status`)."""
        from .hooks import kept_status_expression

        return self.annotate(status=kept_status_expression(today, row_by_row))

    def of_status(self, status, today=None, row_by_row=False):
        """Those whose status is `status`, as `with_kept_status()` reads it (the participant
        list's filter)."""
        from .hooks import kept_status_condition

        return self.filter(kept_status_condition(status, today, row_by_row))


class Participant(KeptFieldsMixin, models.Model):
    class Gender(models.TextChoices):
        FEMALE = "female", _("Woman")
        MALE = "male", _("Man")
        OTHER = "other", _("Other")

    class Recruitment(models.TextChoices):
        DOCTOR = "doctor", _("General practitioner")
        HEALTH_CENTRE = "health_centre", _("Municipal health centre")
        HOUSING = "housing", _("Housing social worker")
        ASSOCIATION = "association", _("Association")
        FRIEND = "friend", _("Friend or family")
        ADVERTISEMENT = "advertisement", _("Advertisement or poster")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        """The participant's status, in the order of the journey. It is never typed: it is
        derived from what happened, by `ParticipantQuerySet.with_status()` (the journey part
        is kept in `journey_status` by the services, see participants.hooks)."""

        RECRUITED = "recruited", _("Recruited")
        IN_COURSE = "in_course", _("In a course")
        HANDED_OVER = "handed_over", _("Handed over")
        CONTINUED = "continued", _("Continued in a permanent offer")
        ENDED = "ended", _("Ended without continuing")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class TeamPreference(models.TextChoices):
        YES = "yes", _("Yes, with others from the team")
        NO = "no", _("No, on my own is fine")
        NO_PREFERENCE = "no_preference", _("No preference")

    # Roles that see the health notes (of the participants they can see at all).
    HEALTH_ROLES = {Role.COORDINATOR, Role.INSTRUCTOR}
    # Fields blanked by anonymisation; what is left is kept for statistics.
    PERSONAL_FIELDS = [
        "first_name",
        "last_name",
        "phone",
        "email",
        "address",
        "postcode",
        "city",
        "home_area",
        "health_notes",
        "motivation",
    ]

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="participants",
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(
        _("postcode"),
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^\d{4}$", _("Enter a Danish postcode of four digits."))],
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"),
        validators=[MinValueValidator(1900, _("Enter a birth year from 1900 on."))],
    )
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    municipality = models.CharField(
        _("municipality"), max_length=100, validators=[validate_municipality]
    )
    home_area = models.CharField(
        _("home area"),
        max_length=100,
        blank=True,
        help_text=_("Neighbourhood or housing area, e.g. Ellemarken."),
    )
    recruitment = models.CharField(
        _("recruited through"), max_length=20, choices=Recruitment.choices, blank=True
    )
    # Typed by a coordinator: the participant left the programme ("Udmeldt af forløbet").
    withdrawn_on = models.DateField(_("withdrawn from the programme on"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("reason for leaving"), max_length=200, blank=True)
    ended_on = models.DateField(
        _("programme ended on"),
        null=True,
        blank=True,
        help_text=_(
            "When the participant's programme ended: set when a course of theirs is completed "
            "or they leave the programme. Starts the retention period."
        ),
    )
    # The status but for the withdrawal (read live): derived from the journey's facts by the
    # services that change them (hooks.refresh_status), never typed or saved from a form.
    journey_status = models.CharField(
        _("status on the journey"),
        max_length=20,
        choices=Status.choices,
        default=Status.RECRUITED,
        editable=False,
    )
    KEPT_FIELDS = ("journey_status",)  # KeptFieldsMixin: a whole row's save leaves it out
    health_notes = models.TextField(
        _("physical capacity and health considerations"),
        blank=True,
        help_text=_("Sensitive. Only what the instructor needs to know to train safely."),
    )

    # Wishes for afterwards: used to match the participant with permanent offers.
    preferred_activities = models.ManyToManyField(
        ActivityType,
        verbose_name=_("preferred activities"),
        blank=True,
        related_name="+",
    )
    preferred_weekdays = models.JSONField(_("preferred days"), default=list, blank=True)
    preferred_times = models.JSONField(_("preferred times of day"), default=list, blank=True)
    max_travel_km = models.PositiveSmallIntegerField(
        _("will travel at most (km)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(200)],
    )
    max_monthly_fee = models.PositiveIntegerField(
        _("can pay at most per month (kr.)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(10_000)],
    )
    continue_with_team = models.CharField(
        _("would like to continue with others from the team"),
        max_length=20,
        choices=TeamPreference.choices,
        blank=True,
    )
    motivation = models.TextField(_("motivation in their own words"), blank=True)

    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            models.Index(fields=["organisation", "last_name", "first_name"]),
            models.Index(fields=["ended_on"]),
            # A project's participants counted or filtered by status (the kept journey part
            # and, for the withdrawal, withdrawn_on) without reading their rows.
            models.Index(
                fields=["organisation", "journey_status"],
                include=["withdrawn_on", "id"],
                condition=models.Q(anonymised_at__isnull=True),
                name="participant_kept_status",
            ),
        ]
        constraints = [
            # The duplicate rule of ParticipantForm, held by the database too, so that two
            # identical registrations at the same moment cannot both be saved.
            models.UniqueConstraint(
                "organisation",
                Lower("first_name"),
                Lower("last_name"),
                "birth_year",
                "phone",
                condition=models.Q(anonymised_at__isnull=True) & ~models.Q(phone=""),
                name="participant_once_per_project",
                violation_error_message=_(
                    "A participant with the same name, birth year and phone is already registered."
                ),
            ),
        ]

    def __str__(self):
        return self.name_from(self.pk, self.first_name, self.last_name, self.anonymised_at)

    def get_absolute_url(self):
        return reverse("participants:participant_detail", args=[self.pk])

    # What `__str__` reads: a list of names can load only these (`.only()`).
    NAME_FIELDS = ("first_name", "last_name", "anonymised_at")

    @staticmethod
    def name_from(pk, first_name, last_name, anonymised_at) -> str:
        """The name shown for a participant, from plain values (a long export needs no model
        instance per row)."""
        if anonymised_at is not None:
            return str(_("Anonymised participant %(number)s") % {"number": pk})
        return f"{first_name} {last_name}"

    @property
    def is_anonymised(self):
        return self.anonymised_at is not None

    def get_status_display(self):
        """The derived status in words. Read from the `with_status()` annotation when the
        participant came with it, otherwise through the same SQL definition (one query)."""
        status = getattr(self, "status", None)
        if status is None:
            status = Participant.objects.with_status().values_list("status", flat=True)
            status = self.status = status.get(pk=self.pk)
        return Participant.Status(status).label

    def get_preferred_weekdays_display(self):
        return [Weekday(day).label for day in self.preferred_weekdays]

    def preferred_weekdays_in_sentence(self):
        return [Weekday(day).in_sentence for day in self.preferred_weekdays]

    def get_preferred_times_display(self):
        return [TimeOfDay(time).label for time in self.preferred_times]


class ProgrammeReturn(models.Model):
    """A leaving of the programme that was undone ("Tilbage i forløbet"): the day the
    participant left and why, and the day they were back. History only: whether someone has
    left now is `Participant.withdrawn_on` (the status reads that and nothing here), which
    `participant_return` clears after writing this row."""

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="returns",
    )
    left_on = models.DateField(_("left the programme on"))
    left_reason = models.CharField(_("reason for leaving"), max_length=200, blank=True)
    returned_on = models.DateField(_("back in the programme on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("return to the programme")
        verbose_name_plural = _("returns to the programme")
        ordering = ["returned_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(returned_on__gte=models.F("left_on")),
                name="programme_return_after_leaving",
            ),
        ]

    def __str__(self):
        return f"{self.left_on} - {self.returned_on}"


class ConsentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(participant__in=Participant.objects.visible_to(user))

    def of_visible(self, participant):
        """`visible_to` for one participant already read through `Participant.visible_to` (a
        consent is visible exactly when its participant is): their consents, without planning
        the participant's visibility a second time. Keep it in step with `visible_to`."""
        return self.filter(participant=participant)

    def active(self, on=None):
        on = on or timezone.localdate()
        return self.filter(given_on__lte=on).filter(
            models.Q(withdrawn_on__isnull=True) | models.Q(withdrawn_on__gt=on)
        )


class Consent(models.Model):
    class Purpose(models.TextChoices):
        REGISTRATION = "registration", _("Registration in the programme")
        SHARE_CONTACT = "share_contact", _("Sharing name and contact details with an organisation")
        FOLLOW_UP = "follow_up", _("Follow-up contact after the programme")
        STATISTICS = "statistics", _("Use in anonymised statistics")

    class Method(models.TextChoices):
        PAPER = "paper", _("On paper")
        VERBAL = "verbal", _("Verbally")
        DIGITAL = "digital", _("Digitally")

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="consents",
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("receiving organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Only for sharing contact details: the organisation they may go to."),
    )
    text_version = models.CharField(_("text version"), max_length=20)
    given_on = models.DateField(_("given on"))
    method = models.CharField(_("how"), max_length=10, choices=Method.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawal recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-pk"]
        indexes = [
            # The participant's status asks of every participant whether a registration
            # consent was withdrawn: rare, so a small index answers "no" without the table.
            models.Index(
                fields=["participant"],
                condition=models.Q(purpose="registration", withdrawn_on__isnull=False),
                name="consent_registration_withdrawn",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(purpose="share_contact", organisation__isnull=False)
                    | (~models.Q(purpose="share_contact") & models.Q(organisation__isnull=True))
                ),
                name="consent_organisation_only_for_sharing",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_on__isnull=True)
                | models.Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} ({self.given_on})"

    def get_purpose_display(self):
        # The label of the one choice (Django's own translates every choice on each call; the
        # participant page shows each consent's purpose twice): see common.choices.
        return choice_label(self.Purpose, self.purpose)

    def get_method_display(self):
        return choice_label(self.Method, self.method)

    def clean(self):
        if self.purpose and not self.text:
            raise ValidationError({"text_version": _("There is no consent text of this version.")})

    @property
    def text(self):
        from .consent_texts import consent_text

        return consent_text(self.purpose, self.text_version)


class ParticipantAccessQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Only coordinators read the access log, of the participants they can see: a
        coordinator sees every participant of their project (ParticipantQuerySet), so the
        project's own participants are exactly those."""
        if user.is_authenticated and user.is_superuser:
            return self.all()
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(
            participant__organisation__in=Membership.objects.organisations_of(
                user, Role.COORDINATOR
            ),
        )

    def of_participant(self, user, participant):
        """`visible_to(user)` of one participant's entries. The rule depends on the participant
        alone, so when the request has read the user's memberships it is checked on the
        participant (read already) and the entries are read newest first off their index:
        joined to the rule, PostgreSQL read and sorted every entry of a log that only grows."""
        ids = Membership.objects.organisation_ids_of(user, Role.COORDINATOR)
        if not isinstance(ids, list) or not user.is_active or user.is_superuser:
            return self.visible_to(user).filter(participant=participant)
        if participant.organisation_id not in ids:
            return self.none()
        return self.filter(participant=participant)


class AccessEntry(models.Model):
    """What every line of the access log says: who (the user and the role they acted in), did
    what (`action`), with which fields, when. `ParticipantAccess` is a line about one
    participant, `ListAccess` a line about a list of many.

    It records field names, never values, so the log itself holds no personal data and
    survives anonymisation unchanged.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Registered")
        VIEW = "view", _("Viewed")
        UPDATE = "update", _("Changed")
        CONSENT = "consent", _("Recorded consent")
        WITHDRAW = "withdraw", _("Recorded withdrawal of consent")
        EXPORT_JSON = "export_json", _("Exported as JSON")
        EXPORT_PAGE = "export_page", _("Exported as a printable page")
        EXPORT_LIST = "export_list", _("Exported in a list")
        INBOX = "inbox", _("Seen in the receiving organisation's inbox")
        ANONYMISE = "anonymise", _("Anonymised")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=20, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    fields = models.CharField(_("fields"), max_length=500, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action}"


class ParticipantAccess(AccessEntry):
    """One line of the access log: who did what with a participant's personal data."""

    # No foreign-key constraints in the database (Django still cascades and nulls on delete):
    # the log is append-only and written in bulk from rows that exist, and PostgreSQL checks a
    # constraint row by row, which was most of the time of exporting a list of 2,500 names.
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="access_log",
        db_constraint=False,
        db_index=False,  # the index below starts with the participant
    )
    # AccessEntry's user, without the constraint.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_constraint=False,
    )
    # `at` (AccessEntry) has no B-tree index: no query reads the log by time alone (a
    # participant's entries are found by `participant`), and every entry written would update
    # it. On PostgreSQL a BRIN index (migration 0009) serves a search by time: the log is
    # written in time order.

    objects = ParticipantAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]
        indexes = [
            # A participant's newest entries first (the participant page shows 20), read off
            # the index instead of sorting every entry of a log that only grows.
            models.Index(fields=["participant", "-at", "-id"], name="access_log_newest"),
        ]

    def get_fields_display(self):
        """The fields in words: a consent's purposes by their labels, a changed field by its
        name on the form ("telefon", not "phone")."""
        names = [name.strip() for name in self.fields.split(",") if name.strip()]
        words = []
        for name in names:
            if name in Consent.Purpose.values:
                words.append(str(Consent.Purpose(name).label).lower())
            else:
                try:
                    words.append(str(Participant._meta.get_field(name).verbose_name))
                except FieldDoesNotExist:
                    words.append(name)
        return ", ".join(words)

    def get_action_display(self):
        """The action in words (the participant page lists twenty: see common.choices)."""
        return choice_label(self.Action, self.action)

    def get_role_display(self):
        return choice_label(Role, self.role) if self.role else _("System")


class ListAccessQuerySet(models.QuerySet):
    def of_participant(self, user, participant):
        """The lists that included `participant`, by the access log's rule
        (`ParticipantAccessQuerySet`): superusers and the coordinators of the participant's
        project read them."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        lists = self.including(participant)
        if user.is_superuser:
            return lists
        ids = Membership.objects.organisation_ids_of(user, Role.COORDINATOR)
        if isinstance(ids, list):
            return lists if participant.organisation_id in ids else self.none()
        return lists.filter(set__entries__participant__organisation__in=ids)

    def including(self, participant):
        """The lists whose set of participants has `participant` (found by the set rows'
        primary key, which starts with the participant, then the lists by their set)."""
        return self.filter(
            set__in=ListSetParticipant.objects.filter(participant=participant).values("set")
        )


class ListSet(models.Model):
    """The participants of a list, stored once for every list of exactly these people
    (`ListSetParticipant` holds them). `digest` names the set by its content: the SHA-256 (in
    hex) of the participants' ids in ascending order joined by commas
    (`participants.services.set_digest`). A list logged again with the same people (an
    export of an unchanged handover list) refers to the set written the first time: one row
    for the entry and none per participant.

    A set is never changed after it is written, except that deleting a participant deletes
    their row (as it deleted their row of each list before): the digest then still names the
    ids the set was written with, which no list can have again (ids are not reused)."""

    digest = models.CharField(_("digest"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("set of participants in lists")
        verbose_name_plural = _("sets of participants in lists")

    def __str__(self):
        return self.digest


class ListAccess(AccessEntry):
    """One line of the access log for a list of many participants (an export of the handover
    list, the people an inbox page shows): who, when and what, written once; its `set`
    (`ListSet`) holds who was in it.

    For each participant in the list it counts as a `ParticipantAccess` of its own: the
    participant's page and their data export show it among their entries (`access_history`).
    A list of 2,418 names writes one row here and, the first time these 2,418 people are
    logged together, 2,418 narrow rows with one index; logged again, none."""

    set = models.ForeignKey(
        ListSet, verbose_name=_("participants"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ListAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry for a list")
        verbose_name_plural = _("access log for lists")

    @property
    def entries(self):
        """The participants in this list (the rows of its set)."""
        return ListSetParticipant.objects.filter(set_id=self.set_id)

    def entry_for(self, participant) -> ParticipantAccess:
        """This list's access as the participant's own entry (not saved: read only)."""
        return ParticipantAccess(
            participant=participant,
            user=self.user,
            role=self.role,
            action=self.action,
            fields=self.fields,
            at=self.at,
        )


class ListSetParticipant(models.Model):
    """A participant in a set of `ListSet`. The primary key (participant, set) finds a
    participant's sets, and deleting a participant deletes theirs. It cannot find a set's
    participants (it starts with the participant): on PostgreSQL a BRIN index on `set`
    (migration 0015, not in the model state) does."""

    pk = models.CompositePrimaryKey("participant", "set")
    # No foreign-key constraints in the database, as for ParticipantAccess: written in bulk
    # from rows that exist (Django still cascades on delete).
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    set = models.ForeignKey(
        ListSet,
        verbose_name=_("set"),
        on_delete=models.CASCADE,
        related_name="entries",
        db_constraint=False,
        db_index=False,
    )

    class Meta:
        verbose_name = _("participant in a set of lists")
        verbose_name_plural = _("participants in sets of lists")

    def __str__(self):
        return f"{self.participant_id} in {self.set_id}"


def access_history(entries, lists, participant, limit=None) -> list[ParticipantAccess]:
    """A participant's access log, newest first: their own entries (`entries`, a queryset of
    ParticipantAccess) and the lists that included them (`lists`, of ListAccess), each list as
    an entry of the participant's. With `limit` only that many (each source read as far)."""
    entries = entries.order_by("-at", "-pk")
    lists = lists.order_by("-at", "-pk")
    if limit is not None:
        entries, lists = entries[:limit], lists[:limit]
    merged = [*entries, *(access.entry_for(participant) for access in lists)]
    merged.sort(key=lambda entry: entry.at, reverse=True)  # stable: ties keep their order
    return merged[:limit] if limit is not None else merged
