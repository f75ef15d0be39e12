from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BridgingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bridging"
    verbose_name = _("Bridging")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import (
            participant_hooks,  # noqa: F401  (registers on the participant page)
            status,  # noqa: F401  (registers the participant's derived status)
        )
        from .middleware import start_session_clock

        user_logged_in.connect(start_session_clock, dispatch_uid="start_session_clock")
