"""Model 2: local partnerships between a housing plan (boligsocial helhedsplan) and a
municipality, developed as a community of practice (praksisfællesskab) and documented along
two tracks. The steps, stages and levels carry the practitioners' Danish wording through
translation."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..municipalities import validate_municipality
from .organisations import Membership, Organisation, ScopedQuerySet


class HousingArea(models.Model):
    name = models.CharField(_("name"), max_length=200)
    municipality = models.CharField(
        _("municipality"), max_length=100, validators=[validate_municipality]
    )
    housing_plan = models.ForeignKey(
        Organisation,
        verbose_name=_("housing plan"),
        on_delete=models.PROTECT,
        related_name="housing_areas",
        limit_choices_to={"kind": "housing_plan"},
    )

    class Meta:
        verbose_name = _("housing area")
        verbose_name_plural = _("housing areas")
        ordering = ["municipality", "name"]

    def __str__(self):
        return self.name


class LocalPartnershipQuerySet(ScopedQuerySet):
    def scoped_to(self, user):
        """The coordinators of the housing plan and of the municipality in the partnership."""
        mine = Membership.objects.organisations_of(user, Membership.Role.COORDINATOR)
        return self.filter(models.Q(housing_plan__in=mine) | models.Q(municipality__in=mine))


class LocalPartnership(models.Model):
    class Level(models.IntegerChoices):
        LEVEL_0 = (
            0,
            _(
                "Level 0: the housing plan is equipped to bridge to the municipality's "
                "health offers"
            ),
        )
        LEVEL_1 = 1, _("Level 1: the municipality delivers services in the housing areas")
        LEVEL_2 = 2, _("Level 2: the municipality supports the housing plan's activities")
        LEVEL_3 = 3, _("Level 3: the municipality and the housing plan develop a joint effort")

    name = models.CharField(_("name"), max_length=200)
    housing_plan = models.ForeignKey(
        Organisation,
        verbose_name=_("housing plan"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "housing_plan"},
    )
    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "municipality"},
    )
    areas = models.ManyToManyField(HousingArea, verbose_name=_("housing areas"), blank=True)
    housing_plan_contact = models.CharField(_("contact at the housing plan"), max_length=200)
    municipality_contact = models.CharField(_("contact at the municipality"), max_length=200)
    started_on = models.DateField(_("started on"))
    common_goals = models.TextField(_("common goals"), blank=True)
    common_focus = models.TextField(_("common focus (frame)"), blank=True)

    objects = LocalPartnershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("local partnership")
        verbose_name_plural = _("local partnerships")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("partnerships:local_partnership_detail", args=[self.pk])


class LevelChange(models.Model):
    """The collaboration level (samarbejdskonstellation) as judged on a date, and why."""

    partnership = models.ForeignKey(
        LocalPartnership, on_delete=models.CASCADE, related_name="level_changes"
    )
    level = models.PositiveSmallIntegerField(
        _("collaboration level"), choices=LocalPartnership.Level.choices
    )
    changed_on = models.DateField(_("date"))
    reason = models.TextField(_("why"))
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("judged by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("collaboration level")
        verbose_name_plural = _("collaboration levels")
        ordering = ["-changed_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(level__lte=3), name="level_0_to_3"),
        ]

    def __str__(self):
        return f"{self.partnership}: {self.level}"


class Track(models.TextChoices):
    PARTNERSHIP = "partnership", _("Partnership and activity track")
    DOCUMENTATION = "documentation", _("Documentation track")


TRACK_STEPS = {
    Track.PARTNERSHIP: [
        ("goals", _("Common goals discussed (housing plan and municipality)")),
        ("focus", _("Common focus (frame) decided")),
        ("mobilised", _("Partners mobilised (creative forces and/or residents)")),
        ("mobilisation_activity", _("Mobilisation activity planned and run (optional)")),
        ("activity", _("Activity developed and run")),
    ],
    Track.DOCUMENTATION: [
        ("action_plan", _("Local action plans drawn up")),
        ("first_drafts", _("First drafts of activities")),
        ("description_1", _("Activity description 1")),
        ("registration_1", _("Participant registration")),
        ("description_2", _("Activity description 2")),
        ("follow_ups", _("Follow-ups on activity descriptions")),
        ("registration_2", _("Participant registration (again)")),
    ],
}


class TrackStep(models.Model):
    partnership = models.ForeignKey(
        LocalPartnership, on_delete=models.CASCADE, related_name="track_steps"
    )
    track = models.CharField(_("track"), max_length=20, choices=Track.choices)
    step = models.CharField(
        _("step"),
        max_length=30,
        choices=[(key, label) for steps in TRACK_STEPS.values() for key, label in steps],
    )
    done_on = models.DateField(_("done on"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("track step")
        verbose_name_plural = _("track steps")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "track", "step"], name="track_step_once"
            ),
        ]

    def __str__(self):
        return f"{self.partnership}: {self.step}"


class DevelopmentAssessment(models.Model):
    """Where the collaboration stands: one of the four stages of development, and how far it has
    come towards a (learning) community of practice, with the evidence."""

    class Stage(models.IntegerChoices):
        KNOWING = (
            1,
            _("1. Knowing each other across boundaries, sharing local and professional knowledge"),
        )
        TRUST = 2, _("2. Forming relationships and building trust")
        JOINT_ACTION = 3, _("3. A local community of practice through joint actions")
        INNOVATION = 4, _("4. Developing, running and evaluating innovative practice")

    class Practice(models.TextChoices):
        BOUNDARY_ENCOUNTERS = "encounters", _("Boundary encounters")
        CONNECTIONS = "connections", _("Practice-based connections")
        COMMUNITY = "community", _("Community of practice")
        LEARNING = "learning", _("Learning community of practice")

    class ConnectionForm(models.TextChoices):
        BOUNDARY_PRACTICE = "boundary_practice", _("Boundary practice")
        OVERLAPS = "overlaps", _("Overlaps in carrying out a task")
        PERIPHERIES = "peripheries", _("Peripheries where an outsider is given access")

    partnership = models.ForeignKey(
        LocalPartnership, on_delete=models.CASCADE, related_name="assessments"
    )
    assessed_on = models.DateField(_("date"))
    stage = models.PositiveSmallIntegerField(_("stage"), choices=Stage.choices)
    practice = models.CharField(_("community of practice"), max_length=20, choices=Practice.choices)
    connection_form = models.CharField(
        _("form of the connections"), max_length=20, choices=ConnectionForm.choices, blank=True
    )
    evidence = models.TextField(_("evidence"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("development of the collaboration")
        verbose_name_plural = _("development of the collaboration")
        ordering = ["-assessed_on", "-pk"]

    def __str__(self):
        return f"{self.partnership}: {self.stage}/{self.practice}"


class BoundaryEncounter(models.Model):
    class Kind(models.TextChoices):
        GATHERING = "gathering", _("Gathering")
        MEETING = "meeting", _("Meeting")
        TALK = "talk", _("Talk")
        VISIT = "visit", _("Visit")

    partnership = models.ForeignKey(
        LocalPartnership, on_delete=models.CASCADE, related_name="encounters"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organisations taking part"), related_name="+"
    )
    participants = models.CharField(_("who took part"), max_length=500)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("boundary encounter")
        verbose_name_plural = _("boundary encounters")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.partnership}: {self.date} {self.kind}"


class ActionPlanVersion(models.Model):
    """The local action plan (lokal handleplan). Saving makes a new version; old ones stay."""

    partnership = models.ForeignKey(
        LocalPartnership, on_delete=models.CASCADE, related_name="action_plans"
    )
    version = models.PositiveSmallIntegerField(_("version"))
    goals = models.TextField(_("goals"))
    focus = models.TextField(_("focus"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    planned_activities = models.TextField(_("planned activities"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("local action plan")
        verbose_name_plural = _("local action plans")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "version"], name="action_plan_version"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="action_plan_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.partnership} v{self.version}"


class LocalActivityQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(partnership__in=LocalPartnership.objects.visible_to(user))


DOGMAS = [
    ("wellbeing", _("Well-being")),
    ("movement", _("Movement")),
    ("participation", _("Participation")),
    ("relationships", _("Forming relationships")),
    ("novelty", _("Novelty")),
]


class LocalActivity(models.Model):
    class MunicipalService(models.TextChoices):
        CONVERSATIONS = "conversations", _("Conversations")
        SMOKING = "smoking", _("Smoking-cessation course")
        TEAM = "team", _("Team activity")
        EDUCATION = "education", _("Education")
        EXERCISE = "exercise", _("Exercise guidance")
        HEALTH_CHECK = "health_check", _("Health check")

    partnership = models.ForeignKey(
        LocalPartnership, on_delete=models.CASCADE, related_name="activities"
    )
    title = models.CharField(_("title"), max_length=200)
    areas = models.ManyToManyField(HousingArea, verbose_name=_("housing areas"), blank=True)
    run_by_housing_plan = models.BooleanField(_("the housing plan"), default=False)
    run_by_municipality = models.BooleanField(_("the municipality"), default=False)
    run_by_residents = models.BooleanField(_("residents"), default=False)
    run_by_creative_forces = models.BooleanField(_("creative forces"), default=False)
    wellbeing = models.TextField(_("Well-being"), blank=True)
    movement = models.TextField(_("Movement"), blank=True)
    participation = models.TextField(_("Participation"), blank=True)
    relationships = models.TextField(_("Forming relationships"), blank=True)
    novelty = models.TextField(_("Novelty"), blank=True)
    bonding = models.BooleanField(_("bonding (ties between people who are alike)"), default=False)
    bridging = models.BooleanField(
        _("bridging (ties between people who are not alike)"), default=False
    )
    linking = models.BooleanField(
        _("linking (ties to people with power or resources)"), default=False
    )
    municipal_service = models.CharField(
        _("municipal service (level 1)"),
        max_length=20,
        choices=MunicipalService.choices,
        blank=True,
    )

    objects = LocalActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("partnerships:local_activity_detail", args=[self.pk])

    def social_capital(self):
        """The kinds of social capital it builds, by their usual names: bonding, bridging,
        linking."""
        return [name for name in ("bonding", "bridging", "linking") if getattr(self, name)]

    def dogmas(self):
        """(label, how the activity addresses it) for each dogma it covers."""
        return [(label, getattr(self, key)) for key, label in DOGMAS if getattr(self, key)]


class ActivityDescription(models.Model):
    """Activity description 1, 2, ... and follow-ups on them. A saved version never changes."""

    class Kind(models.TextChoices):
        DESCRIPTION = "description", _("Activity description")
        FOLLOW_UP = "follow_up", _("Follow-up on the activity description")

    activity = models.ForeignKey(
        LocalActivity, on_delete=models.CASCADE, related_name="descriptions"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("activity description")
        verbose_name_plural = _("activity descriptions")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "number"], name="description_number"),
        ]

    def __str__(self):
        return f"{self.activity} #{self.number}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("A saved activity description is never changed.")
        super().save(*args, **kwargs)


class Registration(models.Model):
    """Participant registration for one occurrence of an activity: counts, never names."""

    activity = models.ForeignKey(
        LocalActivity, on_delete=models.CASCADE, related_name="registrations"
    )
    date = models.DateField(_("date"))
    participants = models.PositiveIntegerField(
        _("participants"), validators=[MaxValueValidator(10_000)]
    )
    new = models.PositiveIntegerField(_("of whom new"), default=0)
    age_under_18 = models.PositiveIntegerField(_("under 18"), null=True, blank=True)
    age_18_64 = models.PositiveIntegerField(_("18-64"), null=True, blank=True)
    age_65_plus = models.PositiveIntegerField(_("65 or older"), null=True, blank=True)
    women = models.PositiveIntegerField(_("women"), null=True, blank=True)
    men = models.PositiveIntegerField(_("men"), null=True, blank=True)

    class Meta:
        verbose_name = _("participant registration")
        verbose_name_plural = _("participant registrations")
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(new__lte=models.F("participants")),
                name="registration_new_within_total",
            ),
        ]

    def __str__(self):
        return f"{self.activity} {self.date}: {self.participants}"
