from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BridgingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bridging"
    verbose_name = _("Bridging")

    def ready(self):
        from . import participant_hooks  # noqa: F401  (registers on the participant page)
