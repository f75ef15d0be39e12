from django.urls import path

from . import views

app_name = "partnerships"

urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path(
        "organisations/<int:pk>/members/",
        views.organisation_members,
        name="organisation_members",
    ),
    path("switch-organisation/", views.switch_organisation, name="switch_organisation"),
]
