from django.db import models
from django.utils.translation import gettext_lazy as _


class UsedFormToken(models.Model):
    """A create form's one-time token, stored in the same transaction as what the form made.

    A second post of the same form (a double click, a reload, a retry on a slow line) finds its
    token taken and is sent to what the first post made instead of making it again. On
    PostgreSQL a concurrent second post waits on the unique key until the first commits.
    """

    token = models.CharField(_("token"), max_length=64, primary_key=True)
    url = models.CharField(_("address of what was made"), max_length=200, blank=True)
    used_at = models.DateTimeField(_("used"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("used form token")
        verbose_name_plural = _("used form tokens")

    def __str__(self):
        return self.token


class KeptFieldsMixin:
    """For a model some of whose fields are kept by a service with an UPDATE of their own
    (`KEPT_FIELDS`): saving a whole row leaves them out, so an instance read before the service
    refreshed them does not put back the values it was read with."""

    KEPT_FIELDS: tuple[str, ...] = ()

    def save(self, *args, **kwargs):
        whole_row = kwargs.get("update_fields") is None and not kwargs.get("force_insert")
        if whole_row and not self._state.adding:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in self.KEPT_FIELDS
            ]
        super().save(*args, **kwargs)
