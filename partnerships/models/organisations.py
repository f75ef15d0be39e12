"""Organisations and the people who work in them.

`visible_to(user)` on each queryset is the single place that decides who sees which rows;
views never filter by role themselves (see the README's architecture section).
"""

import uuid as uuid_lib

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..municipalities import validate_municipality

# The attribute on a request's user that holds the memberships read for that request.
LOADED_MEMBERSHIPS = "_loaded_memberships"


class ScopedQuerySet(models.QuerySet):
    """The shape of the access choke point. `visible_to(user)` shows a signed-out or deactivated
    user nothing and a superuser everything (for support); for everyone else each model's
    `scoped_to(user)` says what they see."""

    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.scoped_to(user)

    def scoped_to(self, user):
        raise NotImplementedError

    def parties(self, user, *, project: str, receiver: str, received=None) -> models.Q:
        """Rows between a project and a receiving organisation (given as field paths): seen by
        the project's coordinators and the receiving organisation's staff (of the rows where
        `received` holds, if given). The organisations are ids when the request has read the
        user's memberships (`Membership.objects.organisation_ids_of`): a side where the user
        has no role is left out, and with it its joins, where an OR of two subqueries made
        PostgreSQL join and scan every row of an organisation."""
        condition = None
        for path, role, extra in (
            (project, "coordinator", models.Q()),
            (receiver, "staff", received or models.Q()),
        ):
            ids = Membership.objects.organisation_ids_of(user, role)
            if isinstance(ids, list) and not ids:
                continue
            side = models.Q(**{f"{path}__in": ids}) & extra
            condition = side if condition is None else condition | side
        return models.Q(pk__in=[]) if condition is None else condition


class OrganisationQuerySet(ScopedQuerySet):
    def scoped_to(self, user):
        """The shared directory: every organisation, for anyone who works in one."""
        return self.filter(models.Exists(Membership.objects.filter(user_id=user.pk)))

    def partners_of(self, user):
        """The organisations that `user`'s projects (where they coordinate) work with: a
        partnership agreement, a readiness checklist or, registered by the apps above, a
        handover. Never a project."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        # Imported here: these models import this module.
        from ..hooks import partner_providers
        from .agreements import PartnershipAgreement
        from .readiness import ReadinessAnswer

        loaded = getattr(user, LOADED_MEMBERSHIPS, None)
        if loaded is None:
            projects = Membership.objects.filter(
                user=user,
                role=Membership.Role.COORDINATOR,
                organisation__kind=Organisation.Kind.PROJECT,
            ).values("organisation")
        else:  # the same projects, from the memberships this request has read (see parties)
            projects = [
                membership.organisation_id
                for membership in loaded
                if membership.role == Membership.Role.COORDINATOR
                and membership.organisation.kind == Organisation.Kind.PROJECT
            ]
            if not projects:
                return self.none()
        partners = [
            PartnershipAgreement.objects.filter(project__in=projects).values("receiver"),
            ReadinessAnswer.objects.filter(project__in=projects).values("receiver"),
            *(provider(projects) for provider in partner_providers),
        ]
        works_with = models.Q()
        for receivers in partners:
            works_with |= models.Q(pk__in=receivers)
        return self.filter(works_with).exclude(kind=Organisation.Kind.PROJECT)

    def offers_kept_by(self, user):
        """The organisations whose offers `user` may keep (add, edit, pause). An organisation's
        own staff keep its offers. A project's coordinators keep them only for an organisation
        without staff of its own that their project works with (`partners_of`)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        staffed = Membership.objects.filter(role=Membership.Role.STAFF).values("organisation")
        own = Membership.objects.organisation_ids_of(user, Membership.Role.STAFF)
        unstaffed_partners = self.partners_of(user).exclude(pk__in=staffed).values("pk")
        return self.filter(models.Q(pk__in=own) | models.Q(pk__in=unstaffed_partners))


class Organisation(models.Model):
    class Kind(models.TextChoices):
        PROJECT = "project", _("Project (temporary effort)")
        ASSOCIATION = "association", _("Association")
        EVENING_SCHOOL = "evening_school", _("Evening school")
        SELF_ORGANISED = "self_organised", _("Self-organised group")
        MUNICIPALITY = "municipality", _("Municipality")
        HOUSING_PLAN = "housing_plan", _("Housing plan")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    municipality = models.CharField(
        _("municipality"), max_length=100, validators=[validate_municipality]
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(
        _("postcode"),
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^\d{4}$", _("Enter a Danish postcode of four digits."))],
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    instructors_see_participants = models.BooleanField(
        _("instructors see the participants"),
        default=False,
        help_text=_(
            "For a project: whether its instructors may see its participants, "
            "health notes included."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The public identifier in the open offer directory (HSDS): never the database id.
    uuid = models.UUIDField(default=uuid_lib.uuid4, unique=True, editable=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "municipality"], name="organisation_unique_name_per_municipality"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("partnerships:organisation_detail", args=[self.pk])

    @property
    def is_project(self):
        return self.kind == self.Kind.PROJECT


class ActivityType(models.Model):
    """A kind of activity (gymnastik, dans, gang ...): the managed list that offers and
    participants' wishes share, so the two can be matched."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    uuid = models.UUIDField(default=uuid_lib.uuid4, unique=True, editable=False)

    class Meta:
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")
        ordering = ["name"]

    def __str__(self):
        return self.name


class MembershipQuerySet(ScopedQuerySet):
    def scoped_to(self, user):
        """Memberships of the organisations the user works in (their own and their colleagues')."""
        return self.filter(organisation__memberships__user=user)

    def own(self, user):
        """The user's own memberships: the same rows as `visible_to(user).filter(user=user)`
        (each is visible to the person it belongs to), without the join through colleagues'
        memberships. Read on every signed-in page, so it is kept to one indexed lookup."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.of_user_id(user.pk)

    def of_user_id(self, user_id: int):
        """The memberships of the user with the id `user_id`: `own` after its check that the
        user is signed in and active, for a caller that has made that check itself and has
        only the id (`partnerships.access`, whose query is built once per process with a
        stand-in id: common.prepared)."""
        return self.filter(user_id=user_id)

    def organisations_of(self, user, role: str):
        """The organisations where `user` has `role`, as a subquery of ids."""
        return self.filter(user=user, role=role).values("organisation")

    def organisation_ids_of(self, user, role: str):
        """The same organisations as `organisations_of`, as a list of ids when this request has
        already read the user's memberships (`access.user_memberships`), else the subquery.
        A list lets the planner see the few ids (and Django drop a branch with none), where
        an OR of two subqueries made it join and scan every handover of an organisation."""
        loaded = getattr(user, LOADED_MEMBERSHIPS, None)
        if loaded is None:
            return self.organisations_of(user, role)
        return [membership.organisation_id for membership in loaded if membership.role == role]


class Membership(models.Model):
    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        INSTRUCTOR = "instructor", _("Instructor")
        STAFF = "staff", _("Association staff")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_unique_user_organisation"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["coordinator", "instructor", "staff"]),
                name="membership_role_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"
