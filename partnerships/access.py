"""Which organisation a signed-in user is acting for, and in which role.

A user may work in several organisations (say, coordinator in one project and staff in an
association). The one they act for is kept in the session and can be switched; without a choice
it is their first membership. Everything is read once per request and cached on it.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404

from common.prepared import Prepared

from .models import Membership, Organisation
from .models.organisations import LOADED_MEMBERSHIPS

SESSION_KEY = "active_membership_id"


def user_memberships(request) -> list[Membership]:
    """The signed-in user's own memberships, each with its organisation."""
    if not hasattr(request, "_user_memberships"):
        user = request.user
        memberships = _own_memberships(user) if user.is_authenticated else []
        for membership in memberships:
            membership.user = user  # already loaded: no join to the user table
        request._user_memberships = memberships
        if user.is_authenticated:
            # Read once for the request: the handover scopes use the ids from here.
            setattr(user, LOADED_MEMBERSHIPS, memberships)
    return request._user_memberships


def _own_memberships(user) -> list[Membership]:
    """`Membership.objects.own(user)` with each organisation, by name. Read on every page, so
    the query is built by the ORM once per process (common.prepared) and only run here:
    building it again on each request cost as much as the floor's own queries. `own` first
    checks the user; the prepared query is built from an id alone, so the same check is made
    here and the query is `own`'s lookup after it (`of_user_id`)."""
    if not user.is_authenticated or not user.is_active:  # as `own`: no memberships
        return []
    return _OWN_MEMBERSHIPS.all(user=user.pk)


_OWN_MEMBERSHIPS = Prepared(
    lambda user: (
        Membership.objects.of_user_id(user)
        .select_related("organisation")
        .order_by("organisation__name")
    )
)


def active_membership(request) -> Membership | None:
    memberships = user_memberships(request)
    chosen = request.session.get(SESSION_KEY)
    for membership in memberships:
        if membership.pk == chosen:
            return membership
    return memberships[0] if memberships else None


def activate_membership(request, membership: Membership) -> None:
    request.session[SESSION_KEY] = membership.pk


def role_required(*roles, hidden=False):
    """Let a view through only when the active membership has one of `roles`; else 403, or
    404 with `hidden=True` for pages whose very existence other roles should not learn."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            membership = active_membership(request)
            if membership is None or membership.role not in roles:
                raise Http404 if hidden else PermissionDenied
            request.membership = membership
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def may_edit_offers_of(user, organisation: Organisation) -> bool:
    """Whether `user` may keep `organisation`'s offers (Organisation.objects.offers_kept_by)."""
    return Organisation.objects.offers_kept_by(user).filter(pk=organisation.pk).exists()
