"""The reporting API under /api/ (token authentication, no login page): the journey's endpoints
here, Model 2's from partnerships (each app serves its own data)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from partnerships import api_urls as partnerships_api_urls

from . import api

app_name = "api"


def token_only(view):
    return login_not_required(view.as_view())


urlpatterns = [
    path("programmes/", token_only(api.ProgrammeList), name="programme_list"),
    path("programmes/<int:pk>/funnel/", token_only(api.ProgrammeFunnel), name="programme_funnel"),
    path("courses/", token_only(api.CourseList), name="course_list"),
    path("courses/<int:pk>/funnel/", token_only(api.CourseFunnel), name="course_funnel"),
]
urlpatterns += partnerships_api_urls.urlpatterns
