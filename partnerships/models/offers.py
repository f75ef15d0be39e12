"""Offers: the ongoing activities that participants can move on to (tilbud)."""

import datetime
import functools
import uuid as uuid_lib

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Concat, Upper
from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ..municipalities import validate_municipality
from .organisations import ActivityType, Membership, Organisation, ScopedQuerySet

# The open offer directory's search (HSDS `search`) looks for a word in any of these fields of the
# offer at once, in one text: on PostgreSQL a trigram index on its upper case (migration
# 0011_offer_search_trigram) finds it without reading every offer.
SEARCH_DOCUMENT_FIELDS = ("name", "description", "municipality", "area", "venue", "target_group")


def search_document():
    """The fields above joined by spaces. A search word has no space, so it matches the text
    exactly where it matches one of the fields."""
    parts = []
    for field in SEARCH_DOCUMENT_FIELDS:
        parts += [field, models.Value(" ")]
    return Concat(*parts[:-1], output_field=models.TextField())


class Weekday(models.IntegerChoices):
    """The days of the week, as Python numbers them (Monday is 0); shared by every app."""

    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")

    @property
    def in_sentence(self) -> str:
        """The day's name inside a sentence as the language writes it: "fredag" in Danish,
        "Friday" in English (lower-casing the label wrote "friday")."""
        return str(_IN_SENTENCE[self.value])


_IN_SENTENCE = [
    pgettext_lazy("weekday in a sentence", "Monday"),
    pgettext_lazy("weekday in a sentence", "Tuesday"),
    pgettext_lazy("weekday in a sentence", "Wednesday"),
    pgettext_lazy("weekday in a sentence", "Thursday"),
    pgettext_lazy("weekday in a sentence", "Friday"),
    pgettext_lazy("weekday in a sentence", "Saturday"),
    pgettext_lazy("weekday in a sentence", "Sunday"),
]


class TimeOfDay(models.TextChoices):
    """Parts of the day, shared by offers and participants' wishes."""

    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")
    EVENING = "evening", _("Evening")

    @classmethod
    def of(cls, time: datetime.time) -> "TimeOfDay":
        if time.hour < 12:
            return cls.MORNING
        return cls.AFTERNOON if time.hour < 17 else cls.EVENING


class OfferQuerySet(ScopedQuerySet):
    def scoped_to(self, user):
        """The shared directory: every offer, for anyone who works in an organisation. (A
        condition on the user alone, so the directory's sort can walk its index.)"""
        return self.filter(models.Exists(Membership.objects.filter(user_id=user.pk)))

    def published(self):
        """The open offer directory: active offers their organisation lists publicly. Seen by
        anyone, signed in or not (the HSDS API and its export)."""
        return self.filter(is_active=True, is_listed=True)

    def editable_by(self, user):
        """The offers `user` may keep: see Organisation.objects.offers_kept_by."""
        return self.filter(organisation__in=Organisation.objects.offers_kept_by(user))

    def with_weekday(self, weekday: int):
        return self.annotate(_day=models.F("weekday_mask").bitand(1 << weekday)).filter(_day__gt=0)


class Offer(models.Model):
    class Season(models.TextChoices):
        ALL_YEAR = "all_year", _("All year")
        WINTER = "winter", _("Autumn and winter")
        SUMMER = "summer", _("Spring and summer")

    class Level(models.TextChoices):
        GENTLE = "gentle", _("Gentle")
        MODERATE = "moderate", _("Moderate")
        DEMANDING = "demanding", _("Demanding")

    class FeePeriod(models.TextChoices):
        MONTH = "month", _("per month")
        HALF_YEAR = "half_year", _("per half year")
        YEAR = "year", _("per year")

    class Payment(models.TextChoices):
        MOBILEPAY = "mobilepay", _("MobilePay")
        TRANSFER = "transfer", _("Bank transfer")
        BETALINGSSERVICE = "betalingsservice", _("Betalingsservice")
        CASH = "cash", _("Cash")
        ONLINE = "online", _("Online payment")

    MONTHS = {FeePeriod.MONTH: 1, FeePeriod.HALF_YEAR: 6, FeePeriod.YEAR: 12}

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="offers",
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    activity_type = models.ForeignKey(
        ActivityType, verbose_name=_("activity type"), on_delete=models.PROTECT, related_name="+"
    )
    venue = models.CharField(_("venue"), max_length=200)
    address = models.CharField(_("address"), max_length=200, blank=True)
    municipality = models.CharField(
        _("municipality"), max_length=100, validators=[validate_municipality]
    )
    area = models.CharField(_("area"), max_length=100, blank=True)
    weekday_mask = models.PositiveSmallIntegerField(_("weekdays"), default=0)
    start_time = models.TimeField(_("starts at"))
    end_time = models.TimeField(_("ends at"))
    time_of_day = models.CharField(max_length=10, choices=TimeOfDay.choices, editable=False)
    season = models.CharField(
        _("season"), max_length=10, choices=Season.choices, default=Season.ALL_YEAR
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    suits_newcomers = models.BooleanField(_("suits people new to exercise"), default=False)
    target_group = models.CharField(_("target group"), max_length=200, blank=True)
    min_age = models.PositiveSmallIntegerField(
        _("from age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    max_age = models.PositiveSmallIntegerField(
        _("to age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    fee = models.PositiveIntegerField(
        _("fee (kr.)"), validators=[MinValueValidator(0), MaxValueValidator(100_000)]
    )
    fee_period = models.CharField(
        _("fee period"), max_length=10, choices=FeePeriod.choices, default=FeePeriod.MONTH
    )
    monthly_fee = models.PositiveIntegerField(editable=False, default=0)
    adapted_fee = models.PositiveIntegerField(
        _("adapted fee for programme participants (kr.)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100_000)],
        help_text=_("In the same period as the regular fee."),
    )
    adapted_fee_months = models.PositiveSmallIntegerField(
        _("adapted fee applies for (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    payment = models.CharField(_("payment"), max_length=20, choices=Payment.choices)
    trial_sessions = models.PositiveSmallIntegerField(
        _("free trial sessions"), default=0, validators=[MaxValueValidator(20)]
    )
    free_places = models.PositiveSmallIntegerField(
        _("places for new members"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(1000)],
        help_text=_("Leave empty if you do not know."),
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    accessibility = models.TextField(_("accessibility"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_listed = models.BooleanField(
        _("listed in the open offer directory"),
        default=True,
        help_text=_(
            "Published as open data (Open Referral HSDS) while the offer is active, for "
            "municipalities, citizen-service desks and other directories to reuse."
        ),
    )
    contact_public = models.BooleanField(
        _("publish the contact details"),
        default=False,
        help_text=_("Show the contact person, email and phone in the open offer directory."),
    )
    # Public identifiers in the open offer directory (HSDS): the offer as a service and as a
    # service at its venue. Never the database id.
    uuid = models.UUIDField(default=uuid_lib.uuid4, unique=True, editable=False)
    site_uuid = models.UUIDField(default=uuid_lib.uuid4, unique=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The text the open offer directory's `search` reads, kept by the database in capitals: a
    # trigram index on it (migration 0014, PostgreSQL only) finds a word anywhere in it.
    search_text = models.GeneratedField(
        expression=Upper(search_document()), output_field=models.TextField(), db_persist=True
    )

    # The municipality and area in capitals, kept by the database: matching offers compares
    # them with the participant's as `iexact` does (UPPER on both sides) without working out
    # UPPER again for each of 27,000 offers on every visit.
    municipality_upper = models.GeneratedField(
        expression=Upper("municipality"), output_field=models.TextField(), db_persist=True
    )
    area_upper = models.GeneratedField(
        expression=Upper("area"), output_field=models.TextField(), db_persist=True
    )

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["is_active", "activity_type"]),
            models.Index(fields=["is_active", "municipality"]),
            models.Index(fields=["is_active", "monthly_fee"]),
            models.Index(fields=["is_active", "time_of_day"]),
            # The open offer directory (HSDS): its order, and `modified_after`.
            models.Index(
                fields=["name", "uuid"],
                include=["id"],
                condition=models.Q(is_active=True, is_listed=True),
                name="offer_published_order",
            ),
            models.Index(
                fields=["organisation"],
                condition=models.Q(is_active=True, is_listed=True),
                name="offer_published_organisation",
            ),
            models.Index(
                fields=["updated_at"],
                condition=models.Q(is_active=True, is_listed=True),
                name="offer_published_updated",
            ),
            # The search's offers of an activity type, read off the index alone.
            models.Index(
                fields=["activity_type"],
                include=["id"],
                condition=models.Q(is_active=True, is_listed=True),
                name="offer_published_activity_type",
            ),
            # The directory's order: a late page is read off the index, not sorted anew.
            models.Index(fields=["is_active", "name", "id"], name="offer_directory_order"),
            # Matching offers ranks every active offer by score and fee off this index alone:
            # the columns of the score, without reading the offers' wide rows.
            models.Index(
                fields=["monthly_fee", "id"],
                include=[
                    "activity_type",
                    "weekday_mask",
                    "time_of_day",
                    "suits_newcomers",
                    "free_places",
                    "municipality_upper",
                    "area_upper",
                ],
                condition=models.Q(is_active=True),
                name="offer_match_rank",
            ),
            # And on PostgreSQL only, outside the model state (SQLite has no such index):
            # offer_published_search_text, a trigram index on search_text (migration 0014).
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="offer_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(weekday_mask__lte=127), name="offer_weekdays_valid"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.time_of_day = TimeOfDay.of(self.start_time)
        self.monthly_fee = round(self.fee / self.MONTHS[self.fee_period])
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "time_of_day", "monthly_fee"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("partnerships:offer_detail", args=[self.pk])

    @property
    def weekdays(self) -> list[int]:
        return [day for day in range(7) if self.weekday_mask & (1 << day)]

    @weekdays.setter
    def weekdays(self, days):
        self.weekday_mask = sum(1 << int(day) for day in set(days))

    def get_weekdays_display(self) -> str:
        return weekdays_display(self.weekday_mask)


def weekdays_display(mask: int) -> str:
    """The days of a weekday mask in words, in the active language (Offer.get_weekdays_display
    for a mask read without its offer)."""
    return _weekdays_display(mask, get_language())


@functools.lru_cache(maxsize=512)
def _weekdays_display(mask: int, language: str | None) -> str:
    """The days of a weekday mask in words, in `language` (the active one): a list of a hundred
    offers asks for the same few combinations again and again."""
    return ", ".join(str(Weekday(day).label) for day in range(7) if mask & (1 << day))
