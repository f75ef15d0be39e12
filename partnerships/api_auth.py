"""Token authentication and per-token throttling for the reporting API.

A client sends `Authorization: Bearer <token>`. The token is looked up by the hash of the secret
(with its organisation and maker, in one query); a revoked token, or one whose maker is no longer
an active coordinator of the organisation, is refused with 401. The request then acts as that
coordinator, and `request.auth` is the token: views scope every queryset by
`visible_to(request.user)` and to the token's organisation.
"""

import datetime

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.throttling import SimpleRateThrottle

from common.hashing import hash_secret

from .models import ApiToken

# The last-used time is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)
KEYWORDS = (b"bearer", b"token")


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the header as: Bearer <token>."))
        try:
            secret = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from None
        token = (
            ApiToken.objects.usable()
            .select_related("organisation", "created_by")
            .filter(key_hash=hash_secret(secret))
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("The token is not valid or has been revoked."))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            _record_use(token, now)
            token.last_used_at = now
        return token.created_by, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


def _record_use(token, now):
    """Write the token's last-used time. It is bookkeeping: on PostgreSQL, outside a
    transaction (as a request runs), its commit does not wait for the log to reach disk
    (`SET LOCAL synchronous_commit TO OFF`, for this one write; both statements go in one round
    trip and run in one transaction). A crash in the next fraction of a second can lose the
    time; nothing else is written with it. Waiting would add one flush to the log, several
    milliseconds on a busy disk, to one API request per token a minute. Inside a caller's
    transaction it is an ordinary write, so the caller's commit stays durable."""
    if connection.vendor == "postgresql" and connection.get_autocommit():
        table = connection.ops.quote_name(ApiToken._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                "SET LOCAL synchronous_commit TO OFF;\n"
                f"UPDATE {table} SET last_used_at = %s WHERE id = %s",
                [now, token.pk],
            )
    else:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


class ApiTokenThrottle(SimpleRateThrottle):
    """A rate per token (the setting API_THROTTLE_RATE), whoever uses it."""

    scope = "api_token"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A token made by a coordinator under 'API-nøgler', sent as "
                "`Authorization: Bearer brb_...`."
            ),
        }


class TokenScoped:
    """For the reporting API's views: the token's organisation, and answers never cached."""

    @property
    def organisation_id(self) -> int:
        return self.request.auth.organisation_id

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response
