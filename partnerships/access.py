"""Which organisation a signed-in user is acting for, and in which role.

A user may work in several organisations (say, coordinator in one project and staff in an
association). The one they act for is kept in the session and can be switched; without a choice
it is their first membership. Everything is read once per request and cached on it.
"""

from functools import cache, wraps

from django.core.exceptions import PermissionDenied
from django.db import connections, router
from django.http import Http404

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
    the query is built by the ORM once per process (`_own_memberships_query`) and only run
    here: building it again on each request cost as much as the floor's own queries."""
    if not user.is_active:  # as `own`: a deactivated user has no memberships
        return []
    alias = router.db_for_read(Membership)
    connection = connections[alias]
    sql, membership_fields, organisation_fields, converters = _own_memberships_query(alias)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk])
        rows = cursor.fetchall()
    count = len(membership_fields)
    memberships = []
    for row in rows:
        if converters:  # SQLite's dates, booleans and uuids (none on PostgreSQL)
            row = list(row)
            for i, (functions, expression) in converters.items():
                for function in functions:
                    row[i] = function(row[i], expression, connection)
        membership = Membership.from_db(alias, membership_fields, row[:count])
        organisation = Organisation.from_db(alias, organisation_fields, row[count:])
        Membership.organisation.field.set_cached_value(membership, organisation)
        memberships.append(membership)
    return memberships


@cache
def _own_memberships_query(alias):
    """The SQL of `_own_memberships` as the ORM writes it, the names of the columns it reads
    (the membership's, then the organisation's) and the database converters of its columns."""
    query = (
        Membership.objects.using(alias)
        .filter(user_id=0)
        .select_related("organisation")
        .order_by("organisation__name")
        .query
    )
    compiler = query.get_compiler(alias)
    sql, params = compiler.as_sql()
    assert list(params) == [0], params  # the user's id is the only parameter
    columns = [column for column, _sql, _alias in compiler.select]
    membership_fields = [field.attname for field in Membership._meta.concrete_fields]
    organisation_fields = [field.attname for field in Organisation._meta.concrete_fields]
    assert [column.target.attname for column in columns] == [
        *membership_fields,
        *organisation_fields,
    ]
    converters = compiler.get_converters(columns)
    return sql, membership_fields, organisation_fields, converters


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
