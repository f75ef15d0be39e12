"""The open offer directory as an Open Referral HSDS 3.0 API: public, read-only, no login.

The paths, parameters and operation ids follow the HSDS API description (openapi.json of HSDS
3.0); `partnerships/hsds.py` builds the entities. Every list is a page (`page`, `per_page` up to
200) in HSDS's page envelope. The answers are in Danish.
"""

import json
import math

from django.db.models import Prefetch, Value
from django.db.models.functions import Coalesce
from django.http import Http404, StreamingHttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.exceptions import ParseError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from .. import hsds
from ..models import ActivityType, Offer, Organisation

PER_PAGE = 50
MAX_PER_PAGE = 200
# Organizations with their services nested (full=true).
FULL_PER_PAGE = 10
FULL_MAX_PER_PAGE = 50
TAG = "HSDS 3.0: open offer directory"


class HsdsThrottle(AnonRateThrottle):
    """Per client address; the rate is the setting HSDS_THROTTLE_RATE."""

    scope = "hsds"


def _parameter(name, description, type_=OpenApiTypes.STR):
    return OpenApiParameter(name, type_, OpenApiParameter.QUERY, description=description)


SEARCH = _parameter("search", "Words that must all occur (name, description, organisation, ...).")
PAGE = _parameter("page", "Page number, from 1.", OpenApiTypes.INT)
PER_PAGE_PARAM = _parameter(
    "per_page",
    f"Results per page (default {PER_PAGE}, at most {MAX_PER_PAGE}; organizations with full=true "
    f"{FULL_PER_PAGE}, at most {FULL_MAX_PER_PAGE}).",
    OpenApiTypes.INT,
)
FORMAT = _parameter("format", "`json` (default); for services also `ndjson`, every result.")
TAXONOMY_TERM_ID = _parameter("taxonomy_term_id", "Only services with this taxonomy term.")
TAXONOMY_ID = _parameter("taxonomy_id", "Only services with a term of this taxonomy.")
ORGANIZATION_ID = _parameter("organization_id", "Only services of this organization.")
MODIFIED_AFTER = _parameter(
    "modified_after",
    "Only services changed on or after this ISO 8601 date-time.",
    OpenApiTypes.DATETIME,
)
FULL = _parameter("full", "`true`: fully nested entities.", OpenApiTypes.BOOL)
FULL_SERVICE = _parameter("full_service", "`true`: fully nested services.", OpenApiTypes.BOOL)


def _flag(request, name) -> bool:
    value = request.query_params.get(name, "").strip().lower()
    if value in ("", "false", "0", "no"):
        return False
    if value in ("true", "1", "yes"):
        return True
    raise ParseError(_("%(name)s must be true or false.") % {"name": name})


def _positive(request, name, default) -> int:
    value = request.query_params.get(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise ParseError(_("%(name)s must be a whole number from 1.") % {"name": name})
    return number


def _page_size(request, per_page=PER_PAGE, max_per_page=MAX_PER_PAGE) -> tuple[int, int]:
    if request.query_params.get("format", "json") != "json":
        raise ParseError(_("format must be json here."))
    page = _positive(request, "page", 1)
    return page, min(_positive(request, "per_page", per_page), max_per_page)


def _envelope(page, per_page, total, contents) -> dict:
    """HSDS's page envelope."""
    total_pages = math.ceil(total / per_page)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def _page(request, count, fetch, serialize, **sizes):
    """A page of `serialize` of `fetch(offset, limit)`, out of `count()`."""
    page, per_page = _page_size(request, **sizes)
    total = count()
    offset = (page - 1) * per_page
    contents = [serialize(item) for item in fetch(offset, per_page)] if offset < total else []
    return _envelope(page, per_page, total, contents)


# A search that finds at most this many rows has them sorted for its page (cheap for so few).
SORT_FOUND_UP_TO = 3000


def _queryset_page(request, queryset, serialize, rows=None, searched=False, **sizes) -> dict:
    """A page of `queryset`: the number of results is a COUNT; the page's ids are found on the
    ordering's index, then their rows with the joins from `rows` (the queryset without its
    filters), so a page deep into 30,000 offers does not join every row before it, nor runs a
    search again for the rows.

    A search that finds few rows has them sorted instead: walking the order's index, PostgreSQL
    expects the matches spread evenly, and when they sit late in the order ("stavgang" in the
    names of offers called "Stavgang ...") it reads nearly every row before the first. The
    first sort key wrapped in COALESCE (the same order) keeps the index out of that plan."""
    page, per_page = _page_size(request, **sizes)
    offset = (page - 1) * per_page
    rows = queryset if rows is None else rows
    total = queryset.count()
    first, *rest = queryset.query.order_by
    if searched and total <= SORT_FOUND_UP_TO:
        first = Coalesce(first, Value(""))
    ids = queryset.order_by(first, *rest).values("pk")[offset : offset + per_page]
    contents = [serialize(item) for item in rows.filter(pk__in=ids)] if offset < total else []
    return _envelope(page, per_page, total, contents)


class HsdsView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [HsdsThrottle]
    renderer_classes = [JSONRenderer]

    def dispatch(self, request, *args, **kwargs):
        with translation.override("da"):
            return super().dispatch(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=300)
        return response

    def services(self):
        try:
            return hsds.filter_services(hsds.services_queryset(), self.request.query_params)
        except hsds.ParameterError as error:
            raise ParseError(str(error)) from None


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        operation_id="getAPIMetaInformation",
        summary="About this API and its relationship with HSDS.",
        responses={200: OpenApiTypes.OBJECT},
    )
)
class RootView(HsdsView):
    def get(self, request):
        return Response(
            {
                "version": hsds.HSDS_VERSION,
                "openapi_url": request.build_absolute_uri(reverse("api_schema")),
            }
        )


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        operation_id="getPaginatedListOfServices",
        summary="A page of services (offers): one-to-one fields, or fully nested with full=true.",
        parameters=[
            SEARCH,
            PAGE,
            PER_PAGE_PARAM,
            FORMAT,
            TAXONOMY_TERM_ID,
            TAXONOMY_ID,
            ORGANIZATION_ID,
            MODIFIED_AFTER,
            FULL,
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
)
class ServiceListView(HsdsView):
    def get(self, request):
        offers = self.services()
        full = _flag(request, "full")
        if request.query_params.get("format") == "ndjson":
            return self._ndjson(offers)
        return Response(
            _queryset_page(
                request,
                offers,
                lambda offer: hsds.service(offer, full=full),
                rows=hsds.services_queryset(),
                searched="search" in request.query_params,
            )
        )

    def _ndjson(self, offers):
        """Every service, fully nested, one JSON document a line, streamed."""
        language = translation.get_language()

        def lines():
            with translation.override(language):
                for offer in offers.iterator(chunk_size=500):
                    yield json.dumps(hsds.service(offer, full=True), ensure_ascii=False) + "\n"

        return StreamingHttpResponse(lines(), content_type="application/x-ndjson")


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        operation_id="getFullyNestedServiceById",
        summary="A service (offer) with everything nested.",
        responses={200: OpenApiTypes.OBJECT},
    )
)
class ServiceDetailView(HsdsView):
    def get(self, request, id):
        offer = _get(hsds.services_queryset(), uuid=id)
        return Response(hsds.service(offer, full=True))


def _get(queryset, **lookup):
    """One row by a UUID field, or 404 (also for a malformed UUID)."""
    try:
        return queryset.get(
            **{name: hsds.parse_uuid(value, name) for name, value in lookup.items()}
        )
    except (hsds.ParameterError, queryset.model.DoesNotExist):
        raise Http404 from None


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        operation_id="getPaginatedListOfOrganizations",
        summary="A page of organizations that have offers in the directory.",
        parameters=[SEARCH, FULL_SERVICE, FULL, PAGE, PER_PAGE_PARAM, FORMAT],
        responses={200: OpenApiTypes.OBJECT},
    )
)
class OrganizationListView(HsdsView):
    def get(self, request):
        organisations = hsds.organisations_queryset()
        if request.query_params.get("search"):
            organisations = organisations.filter(
                hsds.search_condition(request.query_params["search"], ["name", "municipality"])
            )
        full, full_service = _flag(request, "full"), _flag(request, "full_service")
        rows = Organisation.objects.order_by(*organisations.query.order_by)
        sizes = {}
        if full:
            rows = rows.prefetch_related(_published_offers())
            # Each organization carries its services: fewer to a page.
            sizes = {"per_page": FULL_PER_PAGE, "max_per_page": FULL_MAX_PER_PAGE}
        return Response(
            _queryset_page(
                request,
                organisations,
                lambda organisation: _organization(organisation, full, full_service),
                rows=rows,
                searched="search" in request.query_params,
                **sizes,
            )
        )


def _published_offers():
    return Prefetch(
        "offers",
        queryset=Offer.objects.published().select_related("activity_type").order_by("name"),
        to_attr="published_offers",
    )


def _organization(organisation, with_services, full_service):
    result = hsds.organization(organisation)
    if with_services:
        result["services"] = [
            hsds.service(offer, full=full_service, with_organization=False)
            for offer in organisation.published_offers
        ]
    return result


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        operation_id="getOrganizationById",
        summary="An organization with its services (one-to-one fields, or full with full_service).",
        parameters=[FULL_SERVICE],
        responses={200: OpenApiTypes.OBJECT},
    )
)
class OrganizationDetailView(HsdsView):
    def get(self, request, id):
        organisation = _get(
            hsds.organisations_queryset().prefetch_related(_published_offers()), uuid=id
        )
        return Response(_organization(organisation, True, _flag(request, "full_service")))


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        operation_id="getPaginatedListOfServiceAtLocation",
        summary="A page of services at their venues.",
        parameters=[
            SEARCH,
            TAXONOMY_TERM_ID,
            TAXONOMY_ID,
            ORGANIZATION_ID,
            MODIFIED_AFTER,
            FULL,
            PAGE,
            PER_PAGE_PARAM,
            FORMAT,
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
)
class ServiceAtLocationListView(HsdsView):
    def get(self, request):
        full = _flag(request, "full")
        return Response(
            _queryset_page(
                request,
                self.services(),
                lambda offer: hsds.service_at_location(offer, full=full),
                rows=hsds.services_queryset(),
                searched="search" in request.query_params,
            )
        )


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        operation_id="getServiceAtLocationWithNestedDataById",
        summary="A service at its venue, with the location, schedule and contacts nested.",
        responses={200: OpenApiTypes.OBJECT},
    )
)
class ServiceAtLocationDetailView(HsdsView):
    def get(self, request, id):
        offer = _get(hsds.services_queryset(), site_uuid=id)
        return Response(hsds.service_at_location(offer, full=True))


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        operation_id="getPaginatedListOfTaxonomies",
        summary="The taxonomies: activity types and offer traits.",
        parameters=[SEARCH, PAGE, PER_PAGE_PARAM, FORMAT],
        responses={200: OpenApiTypes.OBJECT},
    )
)
class TaxonomyListView(HsdsView):
    def get(self, request):
        items = hsds.taxonomies()
        words = request.query_params.get("search", "").lower().split()
        items = [
            t for t in items if all(w in f"{t['name']} {t['description']}".lower() for w in words)
        ]
        return Response(
            _page(request, lambda: len(items), lambda o, n: items[o : o + n], lambda t: t)
        )


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        operation_id="getTaxonomyById",
        summary="A taxonomy.",
        responses={200: OpenApiTypes.OBJECT},
    )
)
class TaxonomyDetailView(HsdsView):
    def get(self, request, id):
        for taxonomy in hsds.taxonomies():
            if taxonomy["id"] == id.lower():
                return Response(taxonomy)
        raise Http404


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        operation_id="getTaxonomyTermById",
        summary="A page of taxonomy terms: the offer traits, then the activity types.",
        parameters=[
            SEARCH,
            PAGE,
            PER_PAGE_PARAM,
            FORMAT,
            TAXONOMY_ID,
            _parameter(
                "top_only", "`true`: only top terms (every term here is one).", OpenApiTypes.BOOL
            ),
            _parameter("parent_id", "Only terms under this term (no term here has one)."),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
)
class TaxonomyTermListView(HsdsView):
    def get(self, request):
        params = request.query_params
        _flag(request, "top_only")
        traits = hsds.trait_terms()
        activity_types = ActivityType.objects.order_by("name", "uuid")
        if params.get("search"):
            words = params["search"].lower().split()
            traits = [t for t in traits if all(w in t["name"].lower() for w in words)]
            activity_types = activity_types.filter(
                hsds.search_condition(params["search"], ["name"])
            )
        if params.get("taxonomy_id"):
            taxonomy = _uuid_param(params["taxonomy_id"], "taxonomy_id")
            if taxonomy != hsds.OFFER_TRAITS:
                traits = []
            if taxonomy != hsds.ACTIVITY_TYPES:
                activity_types = activity_types.none()
        if params.get("parent_id"):
            _uuid_param(params["parent_id"], "parent_id")
            traits, activity_types = [], activity_types.none()

        def fetch(offset, limit):
            fixed = traits[offset : offset + limit]
            start = max(0, offset - len(traits))
            rows = activity_types[start : start + limit - len(fixed)] if len(fixed) < limit else []
            return fixed + [hsds.activity_type_term(row) for row in rows]

        return Response(
            _page(request, lambda: len(traits) + activity_types.count(), fetch, lambda t: t)
        )


def _uuid_param(value, name):
    try:
        return hsds.parse_uuid(value, name)
    except hsds.ParameterError as error:
        raise ParseError(str(error)) from None


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        operation_id="getPaginatedListOfTaxonomyTerms",
        summary="A taxonomy term.",
        responses={200: OpenApiTypes.OBJECT},
    )
)
class TaxonomyTermDetailView(HsdsView):
    def get(self, request, id):
        for term in hsds.trait_terms():
            if term["id"] == id.lower():
                return Response(term)
        return Response(hsds.activity_type_term(_get(ActivityType.objects.all(), uuid=id)))
