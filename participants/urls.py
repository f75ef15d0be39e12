from django.urls import path

from . import views

app_name = "participants"

urlpatterns = [
    path("participants/", views.participant_list, name="participant_list"),
    path("participants/new/", views.participant_create, name="participant_create"),
    path("participants/instructor-access/", views.instructor_access, name="instructor_access"),
    path("participants/<int:pk>/", views.participant_detail, name="participant_detail"),
    path("participants/<int:pk>/edit/", views.participant_update, name="participant_update"),
    path("participants/<int:pk>/offers/", views.matching_offers, name="matching_offers"),
    path("participants/<int:pk>/consents/new/", views.consent_create, name="consent_create"),
    path(
        "participants/consents/organisations/",
        views.consent_organisation_suggestions,
        name="consent_organisation_suggestions",
    ),
    path(
        "participants/<int:pk>/consents/<int:consent_pk>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path(
        "participants/<int:pk>/export.json",
        views.participant_export_json,
        name="participant_export_json",
    ),
    path(
        "participants/<int:pk>/export/",
        views.participant_export_page,
        name="participant_export_page",
    ),
    path(
        "participants/<int:pk>/withdraw/",
        views.participant_withdraw,
        name="participant_withdraw",
    ),
    path(
        "participants/<int:pk>/return/",
        views.participant_return,
        name="participant_return",
    ),
    path(
        "participants/<int:pk>/anonymise/",
        views.participant_anonymise,
        name="participant_anonymise",
    ),
]
