"""Model 2's part of the reporting API; bridging/api_urls.py serves it under /api/."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import api

urlpatterns = [
    path(
        "local-partnerships/",
        login_not_required(api.LocalPartnershipList.as_view()),
        name="local_partnership_list",
    ),
    path(
        "local-partnerships/<int:pk>/",
        login_not_required(api.LocalPartnershipDetail.as_view()),
        name="local_partnership_detail",
    ),
]
