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
