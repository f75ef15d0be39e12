"""Ranking the directory's offers against one participant's wishes, with the reasons shown.

The score is computed in SQL (one query, whatever the size of the directory); the reasons are
worked out again in Python for the few offers shown. Travel distance is approximated by the
municipality and home area: the directory holds no coordinates.
"""

from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Upper
from django.utils.translation import gettext as _

from partnerships.models import Offer
from partnerships.models.offers import TimeOfDay, Weekday

from .models import Participant

WEIGHTS = {
    "activity": 4,
    "weekday": 2,
    "time": 1,
    "fee": 2,
    "too_expensive": -3,
    "municipality": 1,
    "area": 1,
    "newcomers": 1,
    "full": -4,
}


# What the page and `_explain` read of the offers shown: not the directory's other columns.
SHOWN = [
    "name", "organisation__name", "activity_type__name", "weekday_mask", "start_time", "venue",
    "municipality", "area", "time_of_day", "monthly_fee", "suits_newcomers", "free_places",
]  # fmt: skip


@dataclass
class Match:
    offer: Offer
    score: int
    reasons: list[str]
    warnings: list[str]


def _when(condition, weight):
    return Case(When(condition, then=Value(weight)), default=Value(0), output_field=IntegerField())


def matching_offers(participant: Participant, offers, limit: int = 10) -> list[Match]:
    # As the page read them already (prefetched), or in one query.
    activities = [activity.pk for activity in participant.preferred_activities.all()]
    day_mask = sum(1 << day for day in participant.preferred_weekdays)
    score = _when(Q(suits_newcomers=True), WEIGHTS["newcomers"]) + _when(
        Q(free_places=0), WEIGHTS["full"]
    )
    if activities:
        score += _when(Q(activity_type__in=activities), WEIGHTS["activity"])
    if day_mask:
        offers = offers.annotate(day_overlap=F("weekday_mask").bitand(day_mask))
        score += _when(Q(day_overlap__gt=0), WEIGHTS["weekday"])
    if participant.preferred_times:
        score += _when(Q(time_of_day__in=participant.preferred_times), WEIGHTS["time"])
    if participant.max_monthly_fee is not None:
        score += _when(Q(monthly_fee__lte=participant.max_monthly_fee), WEIGHTS["fee"])
        score += _when(Q(monthly_fee__gt=participant.max_monthly_fee), WEIGHTS["too_expensive"])
    # `iexact` (UPPER on both sides), with the offers' side kept in capitals by the database.
    if participant.municipality:
        same = Q(municipality_upper=Upper(Value(participant.municipality)))
        score += _when(same, WEIGHTS["municipality"])
    if participant.home_area:
        score += _when(Q(area_upper=Upper(Value(participant.home_area))), WEIGHTS["area"])
    order = ("-match_score", "monthly_fee", "name")
    # Every active offer is scored, so the ranking reads only the offers' own narrow rows and
    # returns the ids and scores of the best (the score is compiled and computed once); the rows
    # shown, with their organisation and activity, are then read for those few ids only.
    best = offers.filter(is_active=True).annotate(match_score=score).order_by(*order)
    ranking = list(best.values_list("pk", "match_score")[:limit])
    shown = (
        offers.model.objects.select_related("organisation", "activity_type")
        .only(*SHOWN)
        .in_bulk([pk for pk, _score in ranking])
    )
    matches = []
    for pk, match_score in ranking:
        offer = shown[pk]
        offer.match_score = match_score
        matches.append(_explain(participant, offer, activities))
    return matches


def _explain(participant, offer, activities) -> Match:
    reasons, warnings = [], []
    if offer.activity_type_id in activities:
        reasons.append(_("%(activity)s, as wished") % {"activity": offer.activity_type})
    days = set(offer.weekdays) & set(participant.preferred_weekdays)
    if days:
        labels = ", ".join(str(Weekday(d).label).lower() for d in sorted(days))
        reasons.append(_("on a day that suits: %(days)s") % {"days": labels})
    if offer.time_of_day in participant.preferred_times:
        reasons.append(
            _("at a time that suits: %(time)s")
            % {"time": str(TimeOfDay(offer.time_of_day).label).lower()}
        )
    if participant.max_monthly_fee is not None:
        if offer.monthly_fee <= participant.max_monthly_fee:
            reasons.append(
                _("%(fee)s kr. a month, within what they can pay") % {"fee": offer.monthly_fee}
            )
        else:
            warnings.append(
                _("%(fee)s kr. a month is more than %(max)s kr.")
                % {"fee": offer.monthly_fee, "max": participant.max_monthly_fee}
            )
    if participant.home_area and offer.area.casefold() == participant.home_area.casefold():
        reasons.append(_("in their own area, %(area)s") % {"area": offer.area})
    elif offer.municipality.casefold() == participant.municipality.casefold():
        reasons.append(_("in their municipality"))
    if offer.suits_newcomers:
        reasons.append(_("suits people new to exercise"))
    if offer.free_places == 0:
        warnings.append(_("no free places right now"))
    return Match(offer=offer, score=offer.match_score, reasons=reasons, warnings=warnings)
