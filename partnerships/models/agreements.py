"""The partnership agreement (samarbejdsaftale) between a project and a receiving organisation.

Lifecycle: draft -> sent -> signed (by both sides) -> active -> ended. Only a draft can be
edited; a signed agreement is changed by making a new version (a new draft that points back).
The transitions are the functions in partnerships/services.py.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .offers import Offer
from .organisations import Organisation, ScopedQuerySet


class AgreementQuerySet(ScopedQuerySet):
    def scoped_to(self, user):
        """The project's coordinators and the receiving organisation's staff; nobody else."""
        return self.filter(self.parties(user, project="project", receiver="receiver"))


class PartnershipAgreement(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent for signing")
        SIGNED = "signed", _("Signed")
        ACTIVE = "active", _("In force")
        ENDED = "ended", _("Ended")

    project = models.ForeignKey(
        Organisation, verbose_name=_("project"), on_delete=models.PROTECT, related_name="+"
    )
    receiver = models.ForeignKey(
        Organisation,
        verbose_name=_("receiving organisation"),
        on_delete=models.PROTECT,
        related_name="agreements_received",
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("previous version"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_version",
    )
    programmes = models.ManyToManyField(
        "bridging.Programme", verbose_name=_("programmes"), blank=True, related_name="+"
    )
    offers = models.ManyToManyField(Offer, verbose_name=_("offers"), blank=True, related_name="+")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    adapted_fee = models.PositiveIntegerField(
        _("adapted fee (kr. per month)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100_000)],
    )
    adapted_fee_months = models.PositiveSmallIntegerField(
        _("adapted fee applies for (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    payment_method = models.CharField(_("simple payment method"), max_length=200, blank=True)
    same_place_time_content = models.BooleanField(
        _("the activity continues at the same place, time and with the same content"),
        default=False,
    )
    intake_at_once = models.PositiveSmallIntegerField(
        _("new members that can be received at once"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )
    project_contact = models.CharField(_("contact person at the project"), max_length=200)
    receiver_contact = models.CharField(
        _("contact person at the receiving organisation"), max_length=200
    )
    facilitation = models.TextField(
        _("who facilitates the transition, and how"),
        blank=True,
    )
    terms = models.TextField(_("other terms"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    project_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed for the project by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    project_signed_at = models.DateTimeField(_("signed for the project"), null=True, blank=True)
    receiver_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed for the receiving organisation by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    receiver_signed_at = models.DateTimeField(
        _("signed for the receiving organisation"), null=True, blank=True
    )
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnership agreement")
        verbose_name_plural = _("partnership agreements")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="agreement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["signed", "active", "ended"])
                | (
                    models.Q(project_signed_at__isnull=False)
                    & models.Q(receiver_signed_at__isnull=False)
                ),
                name="agreement_signed_by_both",
            ),
        ]

    def __str__(self):
        return str(
            _("Agreement between %(project)s and %(receiver)s (version %(version)s)")
            % {"project": self.project, "receiver": self.receiver, "version": self.version}
        )

    def get_absolute_url(self):
        return reverse("partnerships:agreement_detail", args=[self.pk])

    @property
    def is_editable(self):
        return self.status == self.Status.DRAFT
