"""The open offer directory (HSDS 3.0), at /hsds/: public, read-only. The paths are HSDS's own,
without trailing slashes."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from .views import hsds

app_name = "hsds"


def public(view):
    return login_not_required(view.as_view())


urlpatterns = [
    path("", public(hsds.RootView), name="root"),
    path("services", public(hsds.ServiceListView), name="service_list"),
    path("services/<str:id>", public(hsds.ServiceDetailView), name="service_detail"),
    path("organizations", public(hsds.OrganizationListView), name="organization_list"),
    path("organizations/<str:id>", public(hsds.OrganizationDetailView), name="organization_detail"),
    path(
        "service_at_locations",
        public(hsds.ServiceAtLocationListView),
        name="service_at_location_list",
    ),
    path(
        "service_at_locations/<str:id>",
        public(hsds.ServiceAtLocationDetailView),
        name="service_at_location_detail",
    ),
    path("taxonomies", public(hsds.TaxonomyListView), name="taxonomy_list"),
    path("taxonomies/<str:id>", public(hsds.TaxonomyDetailView), name="taxonomy_detail"),
    path("taxonomy_terms", public(hsds.TaxonomyTermListView), name="taxonomy_term_list"),
    path(
        "taxonomy_terms/<str:id>",
        public(hsds.TaxonomyTermDetailView),
        name="taxonomy_term_detail",
    ),
]
