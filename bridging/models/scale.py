"""The four-step scale of the readiness indicators, shared by the programme's minimum and the
assessments."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Score(models.IntegerChoices):
    NOT_YET = 1, _("Not yet")
    PARTLY = 2, _("Partly")
    MOSTLY = 3, _("Mostly")
    FULLY = 4, _("Fully")
