from django.urls import path

from .views import agreements, api_tokens, local, offers, organisations, readiness

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
    path("local/", local.local_overview, name="local_overview"),
    path("local/export.csv", local.local_overview_export, name="local_overview_export"),
    path("local/new/", local.local_partnership_create, name="local_partnership_create"),
    path("local/<int:pk>/", local.local_partnership_detail, name="local_partnership_detail"),
    path(
        "local/<int:pk>/record/<slug:what>/",
        local.local_partnership_record,
        name="local_partnership_record",
    ),
    path(
        "local/<int:pk>/organisation-suggestions/",
        local.encounter_organisation_suggestions,
        name="encounter_organisation_suggestions",
    ),
    path("local/<int:pk>/action-plan/", local.action_plan_save, name="action_plan_save"),
    path(
        "local/<int:pk>/activities/new/", local.local_activity_create, name="local_activity_create"
    ),
    path("local/activities/<int:pk>/", local.local_activity_detail, name="local_activity_detail"),
    path(
        "local/activities/<int:pk>/edit/", local.local_activity_update, name="local_activity_update"
    ),
    path(
        "local/activities/<int:pk>/descriptions/",
        local.description_create,
        name="description_create",
    ),
    path(
        "local/activities/<int:pk>/registrations/",
        local.registration_create,
        name="registration_create",
    ),
    path("api-tokens/", api_tokens.api_token_list, name="api_token_list"),
    path(
        "api-tokens/<int:pk>/revoke/",
        api_tokens.api_token_revoke_view,
        name="api_token_revoke",
    ),
    path(
        "readiness/<int:project_pk>/<int:receiver_pk>/",
        readiness.readiness_checklist,
        name="readiness_checklist",
    ),
]
