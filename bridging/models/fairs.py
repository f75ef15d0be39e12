"""The association fair (foreningsmesse): local organisations present their offers, and the
participants' interests are registered on the spot."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.models import Participant
from partnerships.models import Offer, Organisation

from .courses import Programme


class FairQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(programme__in=Programme.objects.visible_to(user))


class Fair(models.Model):
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="fairs"
    )
    name = models.CharField(_("name"), max_length=200)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organisations taking part"), related_name="fairs"
    )
    offers = models.ManyToManyField(
        Offer, verbose_name=_("offers presented"), blank=True, related_name="fairs"
    )

    objects = FairQuerySet.as_manager()

    class Meta:
        verbose_name = _("association fair")
        verbose_name_plural = _("association fairs")
        ordering = ["-date"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("bridging:fair_detail", args=[self.pk])


class FairInterest(models.Model):
    """A participant at the fair, and how interested they are in one offer (or just that they
    came, when `offer` is empty)."""

    class Level(models.TextChoices):
        INTERESTED = "interested", _("Interested")
        TRIAL = "trial", _("Wants a trial session")

    fair = models.ForeignKey(
        Fair, verbose_name=_("fair"), on_delete=models.CASCADE, related_name="interests"
    )
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="fair_interests",
    )
    offer = models.ForeignKey(
        Offer,
        verbose_name=_("offer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    level = models.CharField(_("interest"), max_length=20, choices=Level.choices, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)

    class Meta:
        verbose_name = _("interest at a fair")
        verbose_name_plural = _("interests at fairs")
        constraints = [
            models.UniqueConstraint(
                fields=["fair", "participant", "offer"], name="fair_interest_once_per_offer"
            ),
            models.UniqueConstraint(
                fields=["fair", "participant"],
                condition=models.Q(offer__isnull=True),
                name="fair_visit_once",
            ),
            models.CheckConstraint(
                condition=models.Q(offer__isnull=True, level="")
                | (models.Q(offer__isnull=False) & ~models.Q(level="")),
                name="fair_interest_level_with_offer",
            ),
        ]

    def __str__(self):
        return f"{self.participant} @ {self.fair}: {self.offer or '-'} {self.level}"
