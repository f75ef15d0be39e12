"""The secret address of an instructor's calendar feed.

Only a hash of the secret is stored, like the questionnaire links: the address is shown once,
when it is made, and a copy of the database cannot be turned into working addresses.
"""

import secrets

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from common.hashing import hash_secret


def new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeedQuerySet(models.QuerySet):
    def for_token(self, token: str):
        return self.filter(token_hash=hash_secret(token))

    def issue(self, *, user) -> tuple["CalendarFeed", str]:
        """A new secret address for `user`; any old one stops working. Returns the feed and the
        secret, which is shown once and never stored."""
        token = new_token()
        with transaction.atomic():
            self.filter(user=user).delete()
            feed = self.create(user=user, token_hash=hash_secret(token))
        return feed, token


class CalendarFeed(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token_hash = models.CharField(_("hash of the secret"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)
