from django.utils.functional import SimpleLazyObject

from partnerships.access import active_membership
from partnerships.models import Membership

from .work_queue import inbox_waiting


def inbox(request):
    """For the navigation of association staff: how many people wait for their answer. Counted
    only when a template shows it."""

    def count():
        membership = active_membership(request)
        if membership is None or membership.role != Membership.Role.STAFF:
            return 0
        return inbox_waiting(request.user, membership.organisation).count()

    return {"inbox_waiting": SimpleLazyObject(count)}
