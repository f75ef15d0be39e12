"""Partnership readiness (evner, vilje, forståelse): a two-sided checklist between a receiving
organisation and a project. The items are the practitioners' recommendations, word for word."""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .organisations import Membership, Organisation, ScopedQuerySet


class Side(models.TextChoices):
    RECEIVER = "receiver", _("Receiving organisation")
    PROJECT = "project", _("Project")


class Area(models.TextChoices):
    ABILITIES = "abilities", _("Abilities")
    WILL = "will", _("Will")
    UNDERSTANDING = "understanding", _("Understanding")


@dataclass(frozen=True)
class ReadinessItem:
    key: str
    side: str
    area: str
    text: str


READINESS_ITEMS = [
    ReadinessItem("r_admin", Side.RECEIVER, Area.ABILITIES,
                  _("Has an administrative system that can be adapted to a new activity")),
    ReadinessItem("r_staff", Side.RECEIVER, Area.ABILITIES,
                  _("Has staff resources and the ability to enter into collaboration")),
    ReadinessItem("r_expertise", Side.RECEIVER, Area.ABILITIES,
                  _("Has expertise that matches the activity")),
    ReadinessItem("r_capacity", Side.RECEIVER, Area.ABILITIES,
                  _("Can take in a larger number of new members at once")),
    ReadinessItem("r_same", Side.RECEIVER, Area.ABILITIES,
                  _("Can run the activity at the same place, at the same time with the same "
                    "content")),
    ReadinessItem("r_take_on", Side.RECEIVER, Area.WILL,
                  _("Will take on a new activity or adapt an existing one")),
    ReadinessItem("r_adapt", Side.RECEIVER, Area.WILL,
                  _("Is ready to change and adapt")),
    ReadinessItem("r_target_group", Side.RECEIVER, Area.WILL,
                  _("Will work with the target group")),
    ReadinessItem("r_agreement", Side.RECEIVER, Area.WILL,
                  _("Will enter into a formal collaboration agreement - partnership")),
    ReadinessItem("r_fee", Side.RECEIVER, Area.WILL,
                  _("Will adapt the membership fee and make a simple payment method")),
    ReadinessItem("r_needs", Side.RECEIVER, Area.UNDERSTANDING,
                  _("Understands the participants' needs and wishes")),
    ReadinessItem("r_origin", Side.RECEIVER, Area.UNDERSTANDING,
                  _("Understands where they come from (the project)")),
    ReadinessItem("r_intention", Side.RECEIVER, Area.UNDERSTANDING,
                  _("Understands the activity's intention and character")),
    ReadinessItem("p_ready", Side.PROJECT, Area.ABILITIES,
                  _("Can make the participants exit-ready")),
    ReadinessItem("p_pace", Side.PROJECT, Area.ABILITIES,
                  _("Can work at the pace the receiving organisation can manage")),
    ReadinessItem("p_resources", Side.PROJECT, Area.ABILITIES,
                  _("Has resources to facilitate the process")),
    ReadinessItem("p_conditions", Side.PROJECT, Area.WILL,
                  _("Will adapt to the receiving organisation's working conditions")),
    ReadinessItem("p_dialogue", Side.PROJECT, Area.WILL,
                  _("Will enter into dialogue with the receiving organisation and facilitate the "
                    "anchoring process")),
    ReadinessItem("p_agreement", Side.PROJECT, Area.WILL,
                  _("Will enter into a formal collaboration agreement – partnership")),
    ReadinessItem("p_character", Side.PROJECT, Area.UNDERSTANDING,
                  _("Understands the receiving organisation's character and way of working")),
]  # fmt: skip


class ReadinessAnswerQuerySet(ScopedQuerySet):
    def scoped_to(self, user):
        """The two parties see their checklists: the project's coordinators and the receiving
        organisation's staff."""
        mine = Membership.objects.filter(user=user).values("organisation")
        return self.filter(models.Q(project__in=mine) | models.Q(receiver__in=mine))

    def latest(self):
        """The newest answer per (pair, item): the checklist as it stands."""
        newer = self.model.objects.filter(
            project=models.OuterRef("project"),
            receiver=models.OuterRef("receiver"),
            item=models.OuterRef("item"),
            pk__gt=models.OuterRef("pk"),
        )
        return self.exclude(models.Exists(newer))


class ReadinessAnswer(models.Model):
    """One dated answer to one checklist item; a new answer replaces it, the old one stays as
    history."""

    class Answer(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    project = models.ForeignKey(
        Organisation, verbose_name=_("project"), on_delete=models.CASCADE, related_name="+"
    )
    receiver = models.ForeignKey(
        Organisation,
        verbose_name=_("receiving organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    item = models.CharField(
        _("item"), max_length=20, choices=[(i.key, i.text) for i in READINESS_ITEMS]
    )
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    answered_on = models.DateField(_("date"), default=timezone.localdate)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    objects = ReadinessAnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnership readiness answer")
        verbose_name_plural = _("partnership readiness answers")
        ordering = ["pk"]
        indexes = [models.Index(fields=["project", "receiver", "item"])]

    def __str__(self):
        return f"{self.project} / {self.receiver}: {self.item} = {self.answer}"
