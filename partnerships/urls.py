from django.urls import path

from .views import agreements, offers, organisations, readiness

app_name = "partnerships"

urlpatterns = [
    path("organisations/", organisations.organisation_list, name="organisation_list"),
    path(
        "organisations/<int:pk>/",
        organisations.organisation_detail,
        name="organisation_detail",
    ),
    path(
        "organisations/<int:pk>/members/",
        organisations.organisation_members,
        name="organisation_members",
    ),
    path("organisations/<int:pk>/offers/new/", offers.offer_create, name="offer_create"),
    path("switch-organisation/", organisations.switch_organisation, name="switch_organisation"),
    path("offers/", offers.offer_list, name="offer_list"),
    path("offers/<int:pk>/", offers.offer_detail, name="offer_detail"),
    path("offers/<int:pk>/edit/", offers.offer_update, name="offer_update"),
    path("offers/<int:pk>/free-places/", offers.offer_free_places, name="offer_free_places"),
    path("agreements/", agreements.agreement_list, name="agreement_list"),
    path("agreements/new/", agreements.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", agreements.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", agreements.agreement_update, name="agreement_update"),
    path("agreements/<int:pk>/print/", agreements.agreement_print, name="agreement_print"),
    path(
        "agreements/<int:pk>/<slug:action>/",
        agreements.agreement_transition,
        name="agreement_transition",
    ),
    path(
        "readiness/<int:project_pk>/<int:receiver_pk>/",
        readiness.readiness_checklist,
        name="readiness_checklist",
    ),
]
