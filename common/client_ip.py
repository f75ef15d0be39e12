"""The address a request came from, for the login lockout (django-axes' AXES_CLIENT_IP_CALLABLE).

Behind `TRUSTED_PROXY_COUNT` reverse proxies, each proxy appends the address it received the
request from to `X-Forwarded-For`, so the client's address is that many entries from the right;
whatever stands further left was written by the client and proves nothing. Without proxies it is
REMOTE_ADDR. (django-axes would ask django-ipware, which this project does not install.)
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return remote
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [entry for entry in forwarded if entry]
    if len(forwarded) < count:
        return remote  # not through all the proxies: the peer itself is the client
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
