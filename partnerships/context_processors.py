from .access import active_membership, user_memberships


def memberships(request):
    """The navigation's view of who is acting: evaluated only when a template asks."""
    return {
        "active_membership": lambda: active_membership(request),
        "user_memberships": lambda: user_memberships(request),
    }
