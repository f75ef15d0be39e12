"""The open offer directory as Open Referral HSDS 3.0 (Human Services Data Specification).

An offer is an HSDS service, its organisation an organization, its venue a location with an
address, the offer at its venue a service_at_location, its weekly times a schedule (RFC 5545
style), its fee and adapted fee cost options; the activity type is a taxonomy term and the
offer's other traits (suits newcomers, level, season, free places, trial sessions) are
attributes with terms from a second, fixed taxonomy. Contact details only where the offer says
they may be published. Nothing about participants is ever read here.

Identifiers are UUIDs: stored ones for what can be looked up (organisation, activity type, offer
as service and as service at location), and for the parts of an offer (schedule, location,
address, cost options, attributes, contact) UUIDv5 derived from the offer's UUID, stable and
revealing no database id. Everything of a service comes from the offer's own row with its
organisation and activity type, so a page of services is one query whatever it nests.

Used by the API (`views/hsds.py`) and by `manage.py export_hsds`.
"""

import datetime
import functools
import re
import uuid
from collections import defaultdict

from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Upper
from django.utils import translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import is_naive, make_aware
from django.utils.translation import gettext as _

from .models import ActivityType, Offer, Organisation
from .models.offers import Weekday

HSDS_VERSION = "3.0"
# Fixed namespace for the identifiers that are not stored (the taxonomies and their fixed terms).
NAMESPACE = uuid.UUID("31a6a245-0476-42c3-9531-269747e13b5f")
ACTIVITY_TYPES = uuid.uuid5(NAMESPACE, "taxonomy:activity-types")
OFFER_TRAITS = uuid.uuid5(NAMESPACE, "taxonomy:offer-traits")
RRULE_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
POSTCODE_CITY = re.compile(r"^(?P<street>.*?),?\s+(?P<postcode>\d{4})\s+(?P<city>\S.*)$")


class ParameterError(ValueError):
    """A query parameter the API cannot use; the message is for the client."""


def derived_id(base: uuid.UUID, part: str) -> str:
    return str(uuid.uuid5(base, part))


# --- The fixed taxonomy of offer traits -------------------------------------------------------


@functools.cache
def _traits_in(language: str) -> list[tuple]:
    """(code, term, condition on offers, value of the attribute for an offer) per trait term,
    in `language`: built once, not for every offer of every answer."""
    with translation.override(language):
        traits = [
            (
                "suits_newcomers",
                _("Suits people new to exercise"),
                Q(suits_newcomers=True),
                lambda offer: "true" if offer.suits_newcomers else None,
            ),
            (
                "free_places",
                _("Places for new members"),
                Q(free_places__isnull=False),
                lambda offer: None if offer.free_places is None else str(offer.free_places),
            ),
            (
                "trial_sessions",
                _("Free trial sessions"),
                Q(trial_sessions__gt=0),
                lambda offer: str(offer.trial_sessions) if offer.trial_sessions else None,
            ),
        ]
        for level, label in Offer.Level.choices:
            traits.append(
                (
                    f"level_{level}",
                    _("Level: %(level)s") % {"level": label},
                    Q(level=level),
                    lambda offer, level=level, label=str(label): (
                        label if offer.level == level else None
                    ),
                )
            )
        for season, label in Offer.Season.choices:
            traits.append(
                (
                    f"season_{season}",
                    _("Season: %(season)s") % {"season": label},
                    Q(season=season),
                    lambda offer, season=season, label=str(label): (
                        label if offer.season == season else None
                    ),
                )
            )
        return [
            (code, _trait_term(code, name), condition, value_of)
            for code, name, condition, value_of in traits
        ]


def _trait_terms() -> list[tuple]:
    return _traits_in(translation.get_language() or "da")


def _trait_term(code, name):
    return {
        "id": derived_id(NAMESPACE, f"term:{code}"),
        "code": code,
        "name": str(name),
        "description": str(name),
        "taxonomy": _("Offer traits"),
        "taxonomy_id": str(OFFER_TRAITS),
        "language": "da",
    }


@functools.cache
def _labels_in(language: str) -> dict:
    with translation.override(language):
        return {
            "activity_types": _("Activity types"),
            "activity_type": _("Activity type: %(name)s"),
            "danish": _("Danish"),
            "fee": _("Membership fee"),
            "adapted_fee": _("Adapted fee for participants coming from a bridging programme"),
            "kind_in": _("%(kind)s in %(municipality)s"),
            "free": _("Free"),
            "fee_per": _("%(fee)s kr. %(period)s"),
            "adapted": _("adapted fee for participants from a programme: %(fee)s kr."),
            "payment": _("payment: %(payment)s"),
            "first_months": _("for the first %(months)s months"),
            "every_week": _("Every week: %(days)s %(times)s (Danish time), %(season)s."),
            "at_venue": _("%(offer)s at %(venue)s"),
            # Choice labels, looked up by value (get_FOO_display() costs a translation each).
            "Organisation.kind": {k: str(v) for k, v in Organisation.Kind.choices},
            "Offer.fee_period": {k: str(v) for k, v in Offer.FeePeriod.choices},
            "Offer.payment": {k: str(v) for k, v in Offer.Payment.choices},
            "Offer.season": {k: str(v).lower() for k, v in Offer.Season.choices},
            "weekday": {k: str(v).lower() for k, v in Weekday.choices},
        }


def _labels() -> dict:
    return _labels_in(translation.get_language() or "da")


def activity_type_term(activity_type: ActivityType) -> dict:
    labels = _labels()
    return {
        "id": str(activity_type.uuid),
        "name": activity_type.name,
        "description": labels["activity_type"] % {"name": activity_type.name},
        "taxonomy": labels["activity_types"],
        "taxonomy_id": str(ACTIVITY_TYPES),
        "language": "da",
    }


def taxonomies() -> list[dict]:
    return [
        {
            "id": str(ACTIVITY_TYPES),
            "name": _("Activity types"),
            "description": _(
                "The kinds of activity the offers are (gymnastics, dance, walking …)."
            ),
            "version": "1",
        },
        {
            "id": str(OFFER_TRAITS),
            "name": _("Offer traits"),
            "description": _(
                "Whether an offer suits people new to exercise, its level and season, its "
                "places for new members and free trial sessions."
            ),
            "version": "1",
        },
    ]


def trait_terms() -> list[dict]:
    return [term for _code, term, _condition, _value in _trait_terms()]


# --- Querysets and filters --------------------------------------------------------------------


def services_queryset():
    return (
        Offer.objects.published()
        .select_related("organisation", "activity_type")
        .order_by("name", "uuid")
    )


def organisations_queryset():
    """Organisations with at least one published offer."""
    return Organisation.objects.filter(
        Exists(Offer.objects.published().filter(organisation=OuterRef("pk")))
    ).order_by("name", "uuid")


def parse_uuid(value: str, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ParameterError(_("%(name)s must be a UUID.") % {"name": name}) from None


def parse_moment(value: str) -> datetime.datetime:
    """An ISO 8601 date-time (a time zone offset is advised; without one, Danish time) or a
    date (its start, Danish time). Given to the database in UTC, as PostgreSQL refuses offsets
    beyond 15:59 that Python reads; a moment before or after the years UTC can write is the
    first or last it can. A value in the form of one that names no day (2026-13-01) is refused
    like any other."""
    try:
        moment = parse_datetime(value)
        if moment is None and (day := parse_date(value)) is not None:
            moment = datetime.datetime.combine(day, datetime.time())
    except ValueError:
        moment = None
    if moment is None:
        raise ParameterError(
            _("modified_after must be an ISO 8601 date-time, e.g. 2026-01-31T12:00:00+01:00.")
        )
    if is_naive(moment):
        moment = make_aware(moment)
    try:
        return moment.astimezone(datetime.UTC)
    except OverflowError:
        edge = datetime.datetime.min if moment.year == 1 else datetime.datetime.max
        return edge.replace(tzinfo=datetime.UTC)


def search_condition(words: str, fields) -> Q:
    """Every word must occur in one of the fields (case-insensitive)."""
    condition = Q()
    for word in words.split()[:10]:
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": word})
        condition &= any_field
    return condition


def search_services(offers, words: str):
    """Offers in which every word (at most 10) occurs, case-insensitively, in the name,
    description, municipality, area, venue or target group (the offer's `search_text`), or in
    the name of the organisation or the activity type.

    The few organisations and activity types whose names have a word are looked up first, in
    one query (each name through an index of migration 0012), so that PostgreSQL plans the
    offers with their ids in hand and each word's frequency in the text (from the trigram index
    of migration 0014): a rare word is read off the index, a common one along the directory's
    order, a page at a time."""
    words = words.split()[:10]
    names = []
    for number, word in enumerate(words):
        for source, model in (("organisation", Organisation), ("activity_type", ActivityType)):
            found = model.objects.filter(name__icontains=word).order_by()
            found = found.annotate(word=Value(number), source=Value(source))
            names.append(found.values_list("word", "source", "pk"))
    ids = defaultdict(list)
    for number, source, pk in names[0].union(*names[1:], all=True) if names else []:
        ids[number, source].append(pk)
    for number, word in enumerate(words):
        condition = Q(search_text__contains=Upper(Value(word)))
        for source in ("organisation", "activity_type"):
            if ids[number, source]:
                condition |= Q(**{f"{source}__in": ids[number, source]})
        offers = offers.filter(condition)
    return offers


def filter_services(offers, params):
    """The HSDS list parameters: search, taxonomy_term_id, taxonomy_id, organization_id,
    modified_after."""
    if params.get("search"):
        offers = search_services(offers, params["search"])
    if params.get("taxonomy_term_id"):
        term = parse_uuid(params["taxonomy_term_id"], "taxonomy_term_id")
        traits = {
            uuid.UUID(derived_id(NAMESPACE, f"term:{code}")): condition
            for code, _name, condition, _value in _trait_terms()
        }
        offers = offers.filter(traits.get(term, Q(activity_type__uuid=term)))
    if params.get("taxonomy_id"):
        taxonomy = parse_uuid(params["taxonomy_id"], "taxonomy_id")
        if taxonomy not in (ACTIVITY_TYPES, OFFER_TRAITS):
            offers = offers.none()
    if params.get("organization_id"):
        organisation = parse_uuid(params["organization_id"], "organization_id")
        offers = offers.filter(organisation__uuid=organisation)
    if params.get("modified_after"):
        offers = offers.filter(updated_at__gte=parse_moment(params["modified_after"]))
    return offers


# --- Entities ---------------------------------------------------------------------------------


def organization(organisation: Organisation) -> dict:
    """The organisation's public face: name and what kind it is, where. Its own contact details
    are not published (an offer may publish its contact)."""
    labels = _labels()
    return {
        "id": str(organisation.uuid),
        "name": organisation.name,
        "description": labels["kind_in"]
        % {
            "kind": labels["Organisation.kind"].get(organisation.kind, organisation.kind),
            "municipality": organisation.municipality,
        },
    }


def _fees_description(offer: Offer, labels: dict) -> str:
    period = labels["Offer.fee_period"][offer.fee_period]
    parts = [
        labels["free"]
        if offer.fee == 0
        else labels["fee_per"] % {"fee": offer.fee, "period": period}
    ]
    if offer.adapted_fee is not None:
        parts.append(labels["adapted"] % {"fee": offer.adapted_fee})
    parts.append(labels["payment"] % {"payment": labels["Offer.payment"][offer.payment]})
    return "; ".join(parts)


def cost_options(offer: Offer) -> list[dict]:
    labels = _labels()
    service_id = str(offer.uuid)
    period = labels["Offer.fee_period"][offer.fee_period]
    options = [
        {
            "id": derived_id(offer.uuid, "cost_option:fee"),
            "service_id": service_id,
            "option": labels["fee"],
            "amount": offer.fee,
            "currency": "DKK",
            "amount_description": period,
        }
    ]
    if offer.adapted_fee is not None:
        description = period
        if offer.adapted_fee_months:
            description += ", " + labels["first_months"] % {"months": offer.adapted_fee_months}
        options.append(
            {
                "id": derived_id(offer.uuid, "cost_option:adapted_fee"),
                "service_id": service_id,
                "option": labels["adapted_fee"],
                "amount": offer.adapted_fee,
                "currency": "DKK",
                "amount_description": description,
            }
        )
    return options


def schedule(offer: Offer) -> dict:
    labels = _labels()
    days = offer.weekdays
    times = f"{offer.start_time:%H:%M}-{offer.end_time:%H:%M}"
    return {
        "id": derived_id(offer.uuid, "schedule"),
        "service_id": str(offer.uuid),
        "freq": "WEEKLY",
        "interval": 1,
        "wkst": "MO",
        "byday": ",".join(RRULE_DAYS[day] for day in days),
        "opens_at": f"{offer.start_time:%H:%M}",
        "closes_at": f"{offer.end_time:%H:%M}",
        "description": labels["every_week"]
        % {
            "days": ", ".join(labels["weekday"][day] for day in days),
            "times": times,
            "season": labels["Offer.season"][offer.season],
        },
    }


def attributes(offer: Offer) -> list[dict]:
    service_id = str(offer.uuid)

    def attribute(part, term, value=None):
        entry = {
            "id": derived_id(offer.uuid, f"attribute:{part}"),
            "link_id": service_id,
            "link_type": "service_trait",
            "link_entity": "service",
            "taxonomy_term_id": term["id"],
            "taxonomy_term": term,
        }
        if value is not None:
            entry["value"] = value
        return entry

    result = [attribute("activity_type", activity_type_term(offer.activity_type))]
    for code, term, _condition, value_of in _trait_terms():
        value = value_of(offer)
        if value is not None:
            result.append(attribute(code, term, value))
    return result


def contacts(offer: Offer) -> list[dict]:
    if not offer.contact_public or not (
        offer.contact_name or offer.contact_email or offer.contact_phone
    ):
        return []
    contact_id = derived_id(offer.uuid, "contact")
    contact = {"id": contact_id, "service_id": str(offer.uuid)}
    if offer.contact_name:
        contact["name"] = offer.contact_name
    if offer.contact_email:
        contact["email"] = offer.contact_email
    if offer.contact_phone:
        contact["phones"] = [
            {
                "id": derived_id(offer.uuid, "contact:phone"),
                "contact_id": contact_id,
                "number": offer.contact_phone,
            }
        ]
    return [contact]


def address(offer: Offer, location_id: str) -> dict:
    match = POSTCODE_CITY.match(offer.address)
    street, postcode, city = (
        (match["street"], match["postcode"], match["city"])
        if match
        else (offer.address, "", offer.municipality)
    )
    return {
        "id": derived_id(offer.uuid, "address"),
        "location_id": location_id,
        "address_1": street,
        "city": city,
        "state_province": "",
        "postal_code": postcode,
        "country": "DK",
        "address_type": "physical",
    }


def location(offer: Offer) -> dict:
    location_id = derived_id(offer.uuid, "location")
    result = {
        "id": location_id,
        "location_type": "physical",
        "organization_id": str(offer.organisation.uuid),
        "name": offer.venue,
        "description": ", ".join(part for part in [offer.area, offer.municipality] if part),
    }
    if offer.address:
        result["addresses"] = [address(offer, location_id)]
    if offer.accessibility:
        result["accessibility"] = [
            {
                "id": derived_id(offer.uuid, "accessibility"),
                "location_id": location_id,
                "description": offer.accessibility,
            }
        ]
    return result


def service_at_location(offer: Offer, *, full: bool) -> dict:
    result = {
        "id": str(offer.site_uuid),
        "service_id": str(offer.uuid),
        "location_id": derived_id(offer.uuid, "location"),
        "description": _labels()["at_venue"] % {"offer": offer.name, "venue": offer.venue},
    }
    if full:
        result["location"] = location(offer)
        result["schedules"] = [schedule(offer)]
        result["contacts"] = contacts(offer)
    return result


def service(offer: Offer, *, full: bool, with_organization: bool = True) -> dict:
    """The offer as an HSDS service: one-to-one fields only, or `full` with everything nested."""
    result = {
        "id": str(offer.uuid),
        "organization_id": str(offer.organisation.uuid),
        "name": offer.name,
        "description": offer.description,
        "status": "active",
        "fees_description": _fees_description(offer, _labels()),
        "last_modified": offer.updated_at.isoformat(),
    }
    if offer.target_group:
        result["eligibility_description"] = offer.target_group
    if offer.min_age is not None:
        result["minimum_age"] = offer.min_age
    if offer.max_age is not None:
        result["maximum_age"] = offer.max_age
    if offer.contact_public and offer.contact_email:
        result["email"] = offer.contact_email
    if with_organization:
        result["organization"] = organization(offer.organisation)
    if full:
        result["schedules"] = [schedule(offer)]
        result["service_at_locations"] = [service_at_location(offer, full=True)]
        result["cost_options"] = cost_options(offer)
        result["attributes"] = attributes(offer)
        result["contacts"] = contacts(offer)
        result["languages"] = [
            {
                "id": derived_id(offer.uuid, "language"),
                "service_id": str(offer.uuid),
                "name": _labels()["danish"],
                "code": "da",
            }
        ]
    return result
