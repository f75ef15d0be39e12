"""The open offer directory as an HSDS 3.0 API: every answer validated against the official
schemas (tests/hsds.py), the paths and parameters against HSDS's API description, privacy, the
filters, paging and the query counts at two data sizes."""

import datetime
import json
import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from partnerships import hsds
from partnerships.models import ActivityType, Offer, Organisation
from tests.factories import ActivityTypeFactory, OfferFactory, OrganisationFactory
from tests.hsds import assert_page, assert_valid, openapi


@pytest.fixture(autouse=True)
def no_throttle_history():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def directory(cast):
    """Beside the cast's two offers: a paused one, an unlisted one, one with its contact
    published and an address with postcode, and one without any address."""
    dance = ActivityTypeFactory(name="Dans")
    OfferFactory(organisation=cast.association_a, name="Pauset", is_active=False)
    OfferFactory(organisation=cast.association_a, name="Ikke offentligt", is_listed=False)
    published = OfferFactory(
        organisation=cast.association_b,
        name="Seniordans",
        activity_type=dance,
        address="Vestergade 3, 4000 Roskilde",
        contact_name="Frida Frandsen",
        contact_email="frida@example.org",
        contact_phone="12 34 56 78",
        contact_public=True,
        accessibility="Elevator",
        adapted_fee=50,
        adapted_fee_months=6,
        trial_sessions=2,
        suits_newcomers=True,
        target_group="Seniorer",
        min_age=60,
        max_age=90,
        season="winter",
    )
    Offer.objects.filter(pk=cast.offer_a.pk).update(
        contact_name="Hemmelig Hansen", contact_email="hemmelig@example.org"
    )
    return {"dance": dance, "published": published}


def get(client, name, query=None, **kwargs):
    response = client.get(reverse(f"hsds:{name}", kwargs=kwargs or None), query or {})
    return response


def test_root_says_the_hsds_version_and_where_the_description_is(client, db):
    response = get(client, "root")
    assert response.status_code == 200
    assert response.json() == {
        "version": "3.0",
        "openapi_url": "http://testserver/api/schema/",
    }


def test_every_service_answer_matches_the_hsds_schemas(client, directory):
    listing = get(client, "service_list").json()
    for item in assert_page(listing, "service"):
        assert "schedules" not in item  # one-to-one fields only, as HSDS's service_list
    full = get(client, "service_list", {"full": "true"}).json()
    services = assert_page(full, "service")
    assert len(services) == 3
    for service in services:
        detail = get(client, "service_detail", id=service["id"])
        assert detail.status_code == 200
        assert_valid("service", detail.json())
        assert detail.json() == service


def test_every_organization_answer_matches_the_hsds_schemas(client, directory):
    for query in [{}, {"full": "true"}, {"full": "true", "full_service": "true"}]:
        body = get(client, "organization_list", query).json()
        organizations = assert_page(body, "organization", extra={"services"})
        for organization in organizations:
            for service in organization.get("services", []):
                assert_valid("service", service)
    for organization in organizations:
        for query in [{}, {"full_service": "true"}]:
            detail = get(client, "organization_detail", query, id=organization["id"]).json()
            assert_valid("organization", {k: v for k, v in detail.items() if k != "services"})
            assert detail["services"]
            for service in detail["services"]:
                assert_valid("service", service)


def test_every_service_at_location_answer_matches_the_hsds_schemas(client, directory):
    for query in [{}, {"full": "true"}]:
        items = assert_page(
            get(client, "service_at_location_list", query).json(), "service_at_location"
        )
    for item in items:
        detail = get(client, "service_at_location_detail", id=item["id"]).json()
        assert_valid("service_at_location", detail)
        assert detail["location"]["location_type"] == "physical"


def test_every_taxonomy_answer_matches_the_hsds_schemas(client, directory):
    taxonomies = assert_page(get(client, "taxonomy_list").json(), "taxonomy")
    assert {t["name"] for t in taxonomies} == {"Aktivitetstyper", "Tilbudsegenskaber"}
    for taxonomy in taxonomies:
        assert_valid("taxonomy", get(client, "taxonomy_detail", id=taxonomy["id"]).json())
    terms = assert_page(
        get(client, "taxonomy_term_list", {"per_page": 200}).json(), "taxonomy_term"
    )
    assert {"Dans", "Gymnastik"} <= {t["name"] for t in terms}
    for term in terms:
        assert_valid("taxonomy_term", get(client, "taxonomy_term_detail", id=term["id"]).json())


def test_the_full_service_says_what_the_offer_says(client, directory):
    offer = directory["published"]
    service = get(client, "service_detail", id=offer.uuid).json()
    assert service["name"] == "Seniordans"
    assert service["organization"]["name"] == offer.organisation.name
    assert service["eligibility_description"] == "Seniorer"
    assert (service["minimum_age"], service["maximum_age"]) == (60, 90)
    schedule = service["schedules"][0]
    assert (schedule["freq"], schedule["byday"]) == ("WEEKLY", "WE")
    assert (schedule["opens_at"], schedule["closes_at"]) == ("10:00", "11:00")
    assert [(c["amount"], c["currency"]) for c in service["cost_options"]] == [
        (100, "DKK"),
        (50, "DKK"),
    ]
    location = service["service_at_locations"][0]["location"]
    assert location["addresses"][0] | {"id": None, "location_id": None} == {
        "id": None,
        "location_id": None,
        "address_1": "Vestergade 3",
        "city": "Roskilde",
        "state_province": "",
        "postal_code": "4000",
        "country": "DK",
        "address_type": "physical",
    }
    assert location["accessibility"][0]["description"] == "Elevator"
    traits = {a["taxonomy_term"].get("code"): a.get("value") for a in service["attributes"]}
    assert traits == {
        None: None,  # the activity type
        "suits_newcomers": "true",
        "free_places": "5",
        "trial_sessions": "2",
        "level_gentle": "Roligt",
        "season_winter": "Efterår og vinter",
    }
    activity = next(a for a in service["attributes"] if "code" not in a["taxonomy_term"])
    assert activity["taxonomy_term"]["name"] == "Dans"


def test_only_active_listed_offers_are_published(client, directory):
    names = {s["name"] for s in get(client, "service_list").json()["contents"]}
    assert names == {"Tilbud A", "Tilbud B", "Seniordans"}
    paused = Offer.objects.get(name="Pauset")
    unlisted = Offer.objects.get(name="Ikke offentligt")
    for offer in (paused, unlisted):
        assert get(client, "service_detail", id=offer.uuid).status_code == 404
        assert get(client, "service_at_location_detail", id=offer.site_uuid).status_code == 404


def test_an_organisation_without_published_offers_is_not_listed(client, directory):
    OrganisationFactory(name="Uden tilbud", kind="association")
    names = {o["name"] for o in get(client, "organization_list").json()["contents"]}
    assert names == {"Forening A", "Forening B"}


def test_contact_details_only_where_the_offer_publishes_them(client, directory, cast):
    body = json.dumps(get(client, "service_list", {"full": "true"}).json(), ensure_ascii=False)
    assert "frida@example.org" in body and "12 34 56 78" in body
    assert "Hemmelig" not in body and "hemmelig@example.org" not in body
    hidden = get(client, "service_detail", id=cast.offer_a.uuid).json()
    assert hidden["contacts"] == [] and "email" not in hidden


def test_no_database_id_and_no_participant_data_leaves(client, directory, cast):
    answers = [
        get(client, "service_list", {"full": "true"}),
        get(client, "organization_list", {"full": "true", "full_service": "true"}),
        get(client, "service_at_location_list", {"full": "true"}),
        get(client, "taxonomy_term_list"),
    ]
    text = " ".join(response.content.decode() for response in answers)
    for participant in (cast.participant_a, cast.participant_b):
        assert participant.first_name not in text
        assert participant.last_name not in text
        assert participant.email not in text

    def ids(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "id" or key.endswith("_id"):
                    yield item
                yield from ids(item)
        elif isinstance(value, list):
            for item in value:
                yield from ids(item)

    found = [i for response in answers for i in ids(response.json()["contents"])]
    assert found
    for identifier in found:
        assert str(uuid.UUID(identifier)) == identifier


def test_ids_are_stable_between_requests(client, directory):
    first = get(client, "service_list", {"full": "true"}).json()
    second = get(client, "service_list", {"full": "true"}).json()
    assert first == second


def test_search_needs_every_word(client, directory):
    def names(query):
        return {
            s["name"] for s in get(client, "service_list", {"search": query}).json()["contents"]
        }

    assert names("dans") == {"Seniordans"}
    assert names("forening") == {"Tilbud A", "Tilbud B", "Seniordans"}
    assert names("dans forening") == {"Seniordans"}
    assert names("seniordans roskilde-ikke") == set()


@pytest.mark.parametrize(
    ("field", "value", "query"),
    [
        ("name", "Morgenyoga", "GENYO"),
        ("description", "Vi mødes ved søen", "VED søen"),
        ("municipality", "Roskilde", "roskil"),
        ("area", "Ellekær", "ELLEkær"),
        ("venue", "Gymnastiksalen", "salen"),
        ("target_group", "Kvinder over 60", "kvinder"),
    ],
)
def test_search_finds_a_word_inside_any_text_of_the_offer(client, directory, field, value, query):
    found = OfferFactory(name="Fundet", **({} if field == "name" else {field: value}))
    if field == "name":
        Offer.objects.filter(pk=found.pk).update(name=value)
    contents = get(client, "service_list", {"search": query}).json()["contents"]
    assert [s["id"] for s in contents] == [str(found.uuid)]


def test_search_finds_the_organisation_and_the_activity_type_and_lists_an_offer_once(
    client, directory
):
    def ids(query):
        page = get(client, "service_list", {"search": query}).json()
        assert page["total_items"] == len(page["contents"])
        return [s["id"] for s in page["contents"]]

    published = directory["published"]
    # "dans" is in the offer's name and its activity type's: one result, counted once.
    assert ids("dans") == [str(published.uuid)]
    assert ids("ANS SENIOR") == [str(published.uuid)]
    club = OfferFactory(organisation=OrganisationFactory(name="Idrætsklubben Ølby"), name="Zumba")
    assert ids("KLUBBEN") == [str(club.uuid)]
    # A word matches inside one text; it does not run across two of them.
    assert ids("SeniordansHallen") == []


def _copies(model, pk, number, name):
    """`number` copies of one row, made in the database: `name` is SQL of `number`."""
    columns = [
        f.column for f in model._meta.concrete_fields if f.column != "id" and not f.generated
    ]
    made = {"name": name, "uuid": "gen_random_uuid()", "site_uuid": "gen_random_uuid()"}
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "
            f"SELECT {', '.join(made.get(c, c) for c in columns)} FROM {table}, "
            "generate_series(1, %s) AS number WHERE id = %s",
            [number, pk],
        )
        cursor.execute(f"ANALYZE {table}")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
def test_search_reads_the_trigram_index_on_postgresql(directory):
    """At national scale PostgreSQL finds a rare word through the trigram index on the offers'
    search text (migration 0014), not by reading every offer."""
    published = directory["published"]
    _copies(Offer, published.pk, 20000, "'Stavgang ' || number")
    _copies(Organisation, published.organisation_id, 6000, "'Klub ' || number")
    _copies(ActivityType, published.activity_type_id, 50, "'Type ' || number")
    plan = hsds.search_services(Offer.objects.published(), "seniordans").order_by().explain()
    assert "offer_published_search_text" in plan
    assert "Seq Scan on partnerships_offer" not in plan


def test_taxonomy_filters(client, directory):
    def names(query):
        return {s["name"] for s in get(client, "service_list", query).json()["contents"]}

    dance = directory["dance"]
    assert names({"taxonomy_term_id": str(dance.uuid)}) == {"Seniordans"}
    newcomers = hsds.derived_id(hsds.NAMESPACE, "term:suits_newcomers")
    assert names({"taxonomy_term_id": newcomers}) == {"Seniordans"}
    winter = hsds.derived_id(hsds.NAMESPACE, "term:season_winter")
    assert names({"taxonomy_term_id": winter}) == {"Seniordans"}
    assert names({"taxonomy_term_id": str(uuid.uuid4())}) == set()
    assert len(names({"taxonomy_id": str(hsds.ACTIVITY_TYPES)})) == 3
    assert names({"taxonomy_id": str(uuid.uuid4())}) == set()
    terms = get(client, "taxonomy_term_list", {"taxonomy_id": str(hsds.ACTIVITY_TYPES)}).json()
    assert {t["name"] for t in terms["contents"]} == {"Dans", "Gymnastik"}


def test_organization_and_modified_after_filters(client, directory, cast):
    organisation = str(cast.association_b.uuid)
    services = get(client, "service_list", {"organization_id": organisation}).json()["contents"]
    assert {s["name"] for s in services} == {"Tilbud B", "Seniordans"}
    past = timezone.now() - datetime.timedelta(days=3)
    Offer.objects.exclude(name="Seniordans").update(updated_at=past)
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    services = get(client, "service_list", {"modified_after": since}).json()["contents"]
    assert [s["name"] for s in services] == ["Seniordans"]
    day = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    assert get(client, "service_list", {"modified_after": day}).json()["total_items"] == 1


@pytest.mark.parametrize(
    "query",
    [
        {"page": "0"},
        {"page": "x"},
        {"per_page": "-1"},
        {"taxonomy_term_id": "gymnastik"},
        {"organization_id": "42"},
        {"modified_after": "i går"},
        # Written as ISO 8601 writes them, but no day or moment: a 500 before.
        {"modified_after": "2026-13-01"},
        {"modified_after": "2026-02-30T10:00:00"},
        {"full": "måske"},
        {"format": "xml"},
    ],
)
def test_bad_parameters_are_a_400_with_a_reason(client, directory, query):
    response = get(client, "service_list", query)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_modified_after_with_any_offset_python_reads(client, directory):
    """An offset beyond PostgreSQL's (+16:05) is read as the moment it names: the database
    is given it in UTC (it answered 500, "time zone displacement out of range")."""
    response = get(client, "service_list", {"modified_after": "2026-01-01T00:00:00+16:05"})
    assert response.status_code == 200
    assert response.json()["total_items"] > 0
    # Before year 1 or after 9999 in UTC: the first or last moment there is.
    for value, found in [("0001-01-01T00:00:00+16:05", True), ("9999-12-31T23:59:59-05:00", False)]:
        response = get(client, "service_list", {"modified_after": value})
        assert response.status_code == 200
        assert (response.json()["total_items"] > 0) is found


def test_unknown_or_malformed_ids_are_404(client, directory):
    for name in ["service_detail", "organization_detail", "service_at_location_detail"]:
        assert get(client, name, id=str(uuid.uuid4())).status_code == 404
        assert get(client, name, id="1").status_code == 404
    assert get(client, "taxonomy_detail", id="x").status_code == 404
    assert get(client, "taxonomy_term_detail", id=str(uuid.uuid4())).status_code == 404


def test_paging(client, directory):
    first = get(client, "service_list", {"per_page": 2}).json()
    assert (first["total_items"], first["total_pages"], first["size"]) == (3, 2, 2)
    assert first["first_page"] and not first["last_page"]
    second = get(client, "service_list", {"per_page": 2, "page": 2}).json()
    assert (second["size"], second["last_page"], second["first_page"]) == (1, True, False)
    names = [s["name"] for s in first["contents"] + second["contents"]]
    assert sorted(names) == names and len(set(names)) == 3
    beyond = get(client, "service_list", {"per_page": 2, "page": 9}).json()
    assert beyond["empty"] and beyond["contents"] == []
    capped = get(client, "service_list", {"per_page": 100000}).json()
    assert capped["size"] == 3


def test_taxonomy_terms_page_across_the_traits_and_the_activity_types(client, directory):
    everything = get(client, "taxonomy_term_list", {"per_page": 200}).json()["contents"]
    paged = []
    for page in range(1, 5):
        paged += get(client, "taxonomy_term_list", {"per_page": 4, "page": page}).json()["contents"]
    assert paged == everything
    assert len(everything) == len(hsds.trait_terms()) + 2


def test_ndjson_streams_every_full_service(client, directory):
    response = get(client, "service_list", {"format": "ndjson"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson"
    lines = b"".join(response.streaming_content).decode().splitlines()
    services = [json.loads(line) for line in lines]
    assert len(services) == 3
    for service in services:
        assert_valid("service", service)


def test_public_without_login_and_cacheable(client, directory):
    response = get(client, "service_list")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]


def test_throttled_per_client_address(client, directory, monkeypatch):
    from partnerships.views.hsds import HsdsThrottle

    monkeypatch.setattr(HsdsThrottle, "THROTTLE_RATES", {"hsds": "3/minute"})
    statuses = [get(client, "taxonomy_list").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    # Without a trusted proxy, a made-up X-Forwarded-For does not make a new client.
    spoofed = client.get(reverse("hsds:taxonomy_list"), HTTP_X_FORWARDED_FOR="10.9.8.7")
    assert spoofed.status_code == 429


# --- The API description -----------------------------------------------------------------------

# HSDS parameters we do not offer: no coordinates or service areas in the directory (postcode,
# proximity), and `minimal` asks for a field (modified_date) that the service schema lacks.
NOT_OFFERED = {
    ("/services", "minimal"),
    ("/services", "postcode"),
    ("/services", "proximity"),
    ("/service_at_locations", "postcode"),
    ("/service_at_locations", "proximity"),
}


def _parameters(operation, path_item, components):
    names = set()
    for parameter in operation.get("parameters", []) + path_item.get("parameters", []):
        if "$ref" in parameter:
            parameter = components["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        if parameter["in"] == "query":
            names.add(parameter["name"])
    return names


def test_paths_operations_and_parameters_follow_the_hsds_api_description(db):
    theirs = openapi()
    ours = SchemaGenerator().get_schema(request=None, public=True)
    our_paths = {
        path.removeprefix("/hsds").rstrip("/") or "/": item
        for path, item in ours["paths"].items()
        if path.startswith("/hsds/")
    }
    assert set(our_paths) == set(theirs["paths"])
    for path, item in theirs["paths"].items():
        their_operation = item["get"]
        our_operation = our_paths[path]["get"]
        assert our_operation["operationId"] == their_operation["operationId"], path
        their_parameters = _parameters(their_operation, item, theirs["components"])
        our_parameters = _parameters(our_operation, our_paths[path], ours["components"])
        offered = their_parameters - {name for p, name in NOT_OFFERED if p == path}
        assert our_parameters == offered, path
        path_ids = [p["name"] for p in our_operation.get("parameters", []) if p["in"] == "path"]
        assert path_ids == (["id"] if "{id}" in path else [])


def test_the_hsds_urls_answer_at_their_described_paths(client, directory):
    offer = directory["published"]
    for path in openapi()["paths"]:
        url = "/hsds" + path.replace("{id}", "__id__")
        if path == "/":
            url = "/hsds/"
        ids = {
            "/services/{id}": offer.uuid,
            "/service_at_locations/{id}": offer.site_uuid,
            "/organizations/{id}": offer.organisation.uuid,
            "/taxonomies/{id}": hsds.ACTIVITY_TYPES,
            "/taxonomy_terms/{id}": offer.activity_type.uuid,
        }
        url = url.replace("__id__", str(ids.get(path, "")))
        assert client.get(url).status_code == 200, url


# --- Query counts ------------------------------------------------------------------------------


def _grow(cast, extra):
    for number in range(extra):
        organisation = OrganisationFactory(name=f"Klub {number}", kind="association")
        OfferFactory(
            organisation=organisation,
            activity_type=ActivityTypeFactory(name=f"Type {number}"),
            contact_public=True,
            contact_name="K",
            address=f"Vej {number}, 4000 Roskilde",
        )


# One list endpoint each: (url name, query, queries: what each is)
LISTS = [
    ("service_list", {}, 2),  # count; the page of offers with organisation and activity type
    ("service_list", {"full": "true"}, 2),  # the same: everything nests from the offer's row
    # a search looks up the organisations and activity types with the words in their names
    # first (one query, however many words), then the count and the page
    ("service_list", {"search": "a", "taxonomy_id": str(hsds.ACTIVITY_TYPES)}, 3),
    # every filter at once, two search words: still one lookup, the count and the page
    (
        "service_at_location_list",
        {
            "search": "tilbud hallen",
            "taxonomy_term_id": hsds.derived_id(hsds.NAMESPACE, "term:free_places"),
            "modified_after": "2020-01-01",
            "per_page": 5,
        },
        3,
    ),
    ("service_at_location_list", {"full": "true"}, 2),  # count; the page
    ("organization_list", {}, 2),  # count; the page
    ("organization_list", {"full": "true", "full_service": "true"}, 3),  # + their offers
    ("taxonomy_list", {}, 0),  # fixed
    ("taxonomy_term_list", {"per_page": 200}, 2),  # count of activity types; their page
]


@pytest.mark.parametrize("extra", [0, 12])
@pytest.mark.parametrize(("name", "query", "queries"), LISTS)
def test_list_query_counts_do_not_grow(
    client, cast, django_assert_num_queries, extra, name, query, queries
):
    _grow(cast, extra)
    with django_assert_num_queries(queries):
        response = get(client, name, query)
    assert response.status_code == 200
    assert response.json()["size"] >= 1 if name != "taxonomy_list" else True
    assert response.json()["total_items"] >= 1


@pytest.mark.parametrize("extra", [0, 12])
def test_detail_query_counts(client, cast, django_assert_num_queries, extra):
    _grow(cast, extra)
    offer = cast.offer_a
    with django_assert_num_queries(1):  # the offer with organisation and activity type
        get(client, "service_detail", id=offer.uuid)
    with django_assert_num_queries(2):  # the organisation; its offers
        get(client, "organization_detail", {"full_service": "true"}, id=offer.organisation.uuid)
    with django_assert_num_queries(1):  # the offer with organisation and activity type
        get(client, "service_at_location_detail", id=offer.site_uuid)
    with django_assert_num_queries(1):  # the activity type
        get(client, "taxonomy_term_detail", id=offer.activity_type.uuid)


def test_organizations_with_their_services_come_ten_to_a_page(client, cast):
    _grow(cast, 12)
    plain = get(client, "organization_list").json()
    assert plain["size"] == 14
    full = get(client, "organization_list", {"full": "true"}).json()
    assert (full["size"], full["total_pages"]) == (10, 2)
    capped = get(client, "organization_list", {"full": "true", "per_page": 500}).json()
    assert capped["size"] == 14
