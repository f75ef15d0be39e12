"""The bridge itself: handing participants over from a course to a permanent offer (udslusning),
the receiving organisation's answer, and the follow-ups months later.

A Handover groups the participants moved together in one mode; each participant's path through
it is a HandoverParticipant with its own state: proposed -> sent -> accepted or declined ->
started, then FollowUps at the programme's months. One service function per transition lives in
bridging/handovers.py.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.choices import choice_label
from participants.models import Participant
from partnerships.models import Offer, Organisation
from partnerships.models.organisations import ScopedQuerySet

from .courses import Course
from .enrolment import Enrolment


class HandoverQuerySet(ScopedQuerySet):
    def scoped_to(self, user):
        """The project's coordinators, and the receiving organisation's staff once sent."""
        return self.filter(
            self.parties(user, project="course__programme__organisation", receiver="receiver")
        )


class Handover(models.Model):
    class Mode(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        GROUP = "group", _("Group")
        TEAM = "team", _("Whole team")
        SELF_ORGANISED = "self_organised", _("Self-organised")

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="handovers"
    )
    mode = models.CharField(_("bridging model"), max_length=20, choices=Mode.choices)
    offer = models.ForeignKey(
        Offer,
        verbose_name=_("offer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handovers",
    )
    receiver = models.ForeignKey(
        Organisation,
        verbose_name=_("receiving organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handovers_received",
    )
    # A self-organised group: who holds it together, and where and when it meets.
    contact_participant = models.ForeignKey(
        Participant,
        verbose_name=_("contact person in the group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    meeting_place = models.CharField(_("where the group meets"), max_length=200, blank=True)
    meeting_time = models.CharField(_("when the group meets"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = HandoverQuerySet.as_manager()

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mode="self_organised")
                | (models.Q(offer__isnull=False) & models.Q(receiver__isnull=False)),
                name="handover_offer_unless_self_organised",
            ),
        ]

    def __str__(self):
        target = self.offer.name if self.offer_id else self.meeting_place
        return f"{self.course} → {target}"

    def get_absolute_url(self):
        return reverse("bridging:handover_detail", args=[self.pk])

    def get_mode_display(self):
        # The label of the one choice (Django's own translates every choice on each call, and
        # lists show it on every row).
        return choice_label(self.Mode, self.mode)

    @property
    def proposer_name(self) -> str:
        """Who proposed it, for the receiver; empty once that user is deleted."""
        user = self.proposed_by
        return (user.get_full_name() or user.username) if user else ""


class HandoverParticipantQuerySet(ScopedQuerySet):
    def scoped_to(self, user):
        """Coordinators see every state; the receiving organisation only what was sent to it."""
        return self.filter(self.scope(user))

    def scope(self, user, member: str = "") -> models.Q:
        """The rule of `scoped_to` as a condition on the handed-over participant at the field
        path `member` ("" for the row itself). A row that belongs to one (a follow-up) is
        then filtered through the joins its query has anyway, where a subquery of the
        visible handed-over participants made every query on it a dozen tables to plan. For
        a user whom `visible_to` shows everything or nothing, see `visible_condition`."""
        prefix = f"{member}__" if member else ""
        hidden = [HandoverParticipant.Status.PROPOSED, HandoverParticipant.Status.WITHDRAWN]
        return self.parties(
            user,
            project=f"{prefix}handover__course__programme__organisation",
            receiver=f"{prefix}handover__receiver",
            received=~models.Q(**{f"{prefix}status__in": hidden}),
        )

    def visible_condition(self, user, member: str) -> models.Q:
        """`visible_to(user)` as a condition on the handed-over participant at the field path
        `member` ("" for the row itself): the rule of `scope`, or for a user who sees
        everything or nothing a subquery of what `visible_to` shows them."""
        if user.is_authenticated and user.is_active and not user.is_superuser:
            return self.scope(user, member)
        return models.Q(**{f"{member or 'pk'}__in": self.visible_to(user)})


class HandoverParticipant(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        SENT = "sent", _("Sent to the organisation")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        STARTED = "started", _("Started")
        WITHDRAWN = "withdrawn", _("Withdrawn from the handover")

    # A participant is on their way in these states: another handover needs a stated reason.
    # (Started counts until a follow-up says they stopped; see handovers.open_handovers.)
    OPEN_STATUSES = (Status.PROPOSED, Status.SENT, Status.ACCEPTED, Status.STARTED)

    class DeclineReason(models.TextChoices):
        FULL = "full", _("Full")
        NOT_SUITABLE = "not_suitable", _("Not suitable")
        NO_RESPONSE = "no_response", _("No response")
        CHANGED_MIND = "changed_mind", _("The participant changed their mind")
        OTHER = "other", _("Other")

    handover = models.ForeignKey(
        Handover, verbose_name=_("handover"), on_delete=models.CASCADE, related_name="members"
    )
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="handovers",
    )
    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    first_session_on = models.DateField(_("first session"), null=True, blank=True)
    buddy = models.CharField(_("contact or buddy at the organisation"), max_length=200, blank=True)
    decline_reason = models.CharField(
        _("reason"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    decline_note = models.CharField(_("about the reason"), max_length=300, blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    # Why the coordinator handed over someone already in an open handover (one bridge at a time).
    overlap_reason = models.CharField(
        _("why another handover while one is open"), max_length=300, blank=True
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("why withdrawn"), max_length=300, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    flagged_at = models.DateTimeField(_("flagged to the coordinator"), null=True, blank=True)
    # When the mail about sending and about the answer was accepted by the mail server.
    notified_at = models.DateTimeField(_("organisation notified"), null=True, blank=True)
    answer_notified_at = models.DateTimeField(
        _("coordinator notified of the answer"), null=True, blank=True
    )
    withdrawal_notified_at = models.DateTimeField(
        _("organisation notified of the withdrawal"), null=True, blank=True
    )

    objects = HandoverParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("handed-over participant")
        verbose_name_plural = _("handed-over participants")
        ordering = ["participant__first_name", "participant__last_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["handover", "participant"], name="handover_participant_once"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(decline_reason=""),
                name="handover_decline_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="withdrawn") | models.Q(withdrawn_at__isnull=False),
                name="handover_withdrawn_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "sent_at"]),
            # Who waits for an answer, looked up per handover of a receiving organisation (the
            # inbox and the navigation's count): small, and read without touching the table.
            models.Index(
                fields=["handover", "sent_at"],
                condition=models.Q(status="sent"),
                name="handover_member_waiting",
            ),
            # Those accepted and not yet started (the inbox), likewise.
            models.Index(
                fields=["handover", "first_session_on"],
                condition=models.Q(status="accepted"),
                name="handover_member_accepted",
            ),
            # The receiving organisation's response figures (the inbox), likewise.
            models.Index(
                fields=["handover"],
                include=["status", "sent_at", "answered_at"],
                condition=models.Q(answered_at__isnull=False),
                name="handover_member_answered",
            ),
        ]

    def __str__(self):
        return f"{self.participant} ({self.get_status_display()})"

    def get_status_display(self):
        return choice_label(self.Status, self.status)  # as Handover.get_mode_display


class FollowUp(models.Model):
    """Months after the start: is the participant still active at the offer (still coming and
    paying, in the associations' sense of membership)?"""

    class Answer(models.TextChoices):
        ACTIVE = "active", _("Active")
        STOPPED = "stopped", _("Stopped")
        UNKNOWN = "unknown", _("Unknown")

    member = models.ForeignKey(
        HandoverParticipant,
        verbose_name=_("handed-over participant"),
        on_delete=models.CASCADE,
        related_name="follow_ups",
        db_index=False,  # follow_up_of_member_in_order starts with it
    )
    months = models.PositiveSmallIntegerField(_("months after the start"))
    due_on = models.DateField(_("due on"))
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices, blank=True)
    stop_reason = models.CharField(_("why they stopped"), max_length=300, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    prompted_at = models.DateTimeField(_("prompted"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["member", "months"], name="follow_up_once_per_month"),
        ]
        indexes = [
            # A member's follow-ups in their order (`ordering`), read from the index in that
            # order: the handover export reads 2,500 members' at national scale, each without
            # a sort of its own. It also serves the foreign key.
            models.Index(fields=["member", "due_on", "id"], name="follow_up_of_member_in_order"),
            # The follow-ups due and not answered: few, whatever the history.
            models.Index(fields=["due_on"], condition=models.Q(answer=""), name="follow_up_open"),
            # The same by `open_due_on()`, for the work queue: PostgreSQL keeps statistics of
            # an index's expression, so it knows how few open follow-ups are due and starts
            # from them (a partial index has none: it took answered and due as independent,
            # expected 10,000 rows and walked the project's 2,500 handed-over members instead).
            models.Index(
                models.Case(models.When(answer="", then="due_on")), name="follow_up_open_due"
            ),
        ]

    def __str__(self):
        return f"{self.member} +{self.months}"

    @staticmethod
    def stopped(member):
        """The one definition of "stopped at the offer": the follow-ups of `member` (an
        OuterRef to a handed-over participant) that said stopped and that no later follow-up
        (by months) answered "active". So the member has stopped when their latest definite
        answer (active or stopped; "unknown" tells nothing) is "stopped", and someone who came
        back counts as active again. The status (status.py), whether a handover is still open
        (handovers.open_condition) and the note beside a later follow-up's question all read
        it; the funnel's "active after N months" is the N-month answer itself, so a comeback
        counts there as it does here."""
        came_back = FollowUp.objects.filter(
            member=models.OuterRef("member"),
            months__gt=models.OuterRef("months"),
            answer=FollowUp.Answer.ACTIVE,
        )
        return FollowUp.objects.filter(member=member, answer=FollowUp.Answer.STOPPED).exclude(
            models.Exists(came_back)
        )

    @staticmethod
    def open_due_on():
        """The day an open follow-up falls due, null once answered: `open_due_on() <= today`
        is "due and not answered", written as the index `follow_up_open_due` holds it."""
        return models.Case(models.When(answer="", then="due_on"))
