"""The login page, which names the demo users while the demo data is there (never in
production), so a newcomer trying the application knows how to get in."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.utils.translation import gettext_lazy as _

from ..demo.organisations import DEMO_PASSWORD
from ..demo.organisations import DEMO_USERS as SEEDED_USERS

DESCRIPTIONS = {
    "koordinator": _("coordinator of a project: the work queue, programmes, handovers"),
    "koege": _("coordinator of another project: sees only its own participants"),
    "instruktor": _("instructor: the week's sessions and attendance, on a phone"),
    "forening": _("staff of an association: the inbox of people on their way"),
    "boligsocial": _("coordinator in housing plans: the local partnerships"),
}


def demo_users():
    """The demo users, when seed_demo has made them all and this is not production."""
    if settings.PRODUCTION:
        return []
    names = [user[0] for user in SEEDED_USERS]
    present = get_user_model().objects.filter(username__in=names, is_active=True).count()
    if present != len(names):
        return []
    return [(name, DESCRIPTIONS.get(name, "")) for name in names]


class LoginView(auth_views.LoginView):
    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs, demo_users=demo_users(), demo_password=DEMO_PASSWORD
        )
