"""API tokens for the reporting API: an organisation's, made and revoked by its coordinators.

The secret is shown once when the token is made; only its SHA-256 hash is stored (the secret
is 256 random bits, so a plain hash cannot be reversed). A request with the token acts as the
coordinator who made it, scoped to the token's organisation by the same `visible_to` rules as
the pages; the token stops working when it is revoked or that person is no longer a
coordinator there.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .organisations import Membership, Organisation, ScopedQuerySet

PREFIX = "brb_"


class ApiTokenQuerySet(ScopedQuerySet):
    def scoped_to(self, user):
        """The tokens of the organisations the user coordinates."""
        return self.filter(
            organisation__in=Membership.objects.organisations_of(user, Membership.Role.COORDINATOR)
        )

    def usable(self):
        """Not revoked, and their maker is still an active coordinator of the organisation."""
        return self.filter(
            revoked_at__isnull=True,
            created_by__is_active=True,
        ).filter(
            models.Exists(
                Membership.objects.filter(
                    user=models.OuterRef("created_by"),
                    organisation=models.OuterRef("organisation"),
                    role=Membership.Role.COORDINATOR,
                )
            )
        )


class ApiToken(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(
        _("name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the municipality's reporting tool."),
    )
    key_prefix = models.CharField(_("starts with"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["revoked_at", "-created_at"]

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"

    @staticmethod
    def new_secret() -> str:
        return PREFIX + secrets.token_urlsafe(32)
