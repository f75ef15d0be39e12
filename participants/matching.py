"""Ranking the directory's offers against one participant's wishes, with the reasons shown.

The score is computed in SQL (one query, whatever the size of the directory); the reasons are
worked out again in Python for the few offers shown. Travel distance is approximated by the
municipality and home area: the directory holds no coordinates.
"""

from dataclasses import dataclass

from django.db import connection
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
    ranking = _best(offers.filter(is_active=True).annotate(match_score=score), limit)
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


def _best(scored, limit: int) -> list[tuple[int, int]]:
    """(id, score) of the best `limit` of `scored`: the highest score, then the lowest monthly
    fee, then by name. One query.

    Every active offer is scored, and the offers' rows are wide: reading each whole row for its
    score (and sorting all of them by name) was most of the page. So the offers are ranked by
    score and fee alone, off the narrow covering index `offer_match_rank` (no row is read), and
    names are compared only among the best and those tied with the last of them (same score
    and fee: found by the index's fee), whose rows are then read by id. The ranking returns
    only ids and scores; the score is compiled once."""
    values = scored.order_by().values_list("pk", "match_score", "monthly_fee")
    sql, params = values.query.sql_with_params()
    meta, quote = scored.model._meta, connection.ops.quote_name
    offers, pk = quote(meta.db_table), quote(meta.pk.column)
    query = f"""
        WITH best AS (
            SELECT r.pk, r.match_score, r.monthly_fee FROM ({sql}) r
            ORDER BY r.match_score DESC, r.monthly_fee LIMIT %s
        ),
        edge AS (
            SELECT match_score, monthly_fee FROM best
            ORDER BY match_score, monthly_fee DESC LIMIT 1
        ),
        tied AS (
            SELECT t.pk, t.match_score, t.monthly_fee FROM ({sql}) t
            JOIN edge ON t.monthly_fee = edge.monthly_fee AND t.match_score = edge.match_score
        )
        SELECT c.pk, c.match_score FROM (SELECT * FROM best UNION SELECT * FROM tied) c
        JOIN {offers} o ON o.{pk} = c.pk
        ORDER BY c.match_score DESC, c.monthly_fee, o.name, o.{pk} LIMIT %s"""
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, limit, *params, limit])
        return cursor.fetchall()


def _explain(participant, offer, activities) -> Match:
    reasons, warnings = [], []
    if offer.activity_type_id in activities:
        reasons.append(_("%(activity)s, as wished") % {"activity": offer.activity_type})
    days = set(offer.weekdays) & set(participant.preferred_weekdays)
    if days:
        labels = ", ".join(Weekday(d).in_sentence for d in sorted(days))
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
