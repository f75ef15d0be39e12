"""Root URLs. Each app owns its URLs under its namespace; this file only includes them."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularJSONAPIView

from .views import errors, login, start
from .views.api_docs import ApiDocsView

urlpatterns = [
    path("", start.home, name="home"),
    path("healthz", start.healthz, name="healthz"),
    path("accounts/login/", login.LoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("partnerships.urls")),
    path("", include("participants.urls")),
    path("", include("bridging.journey_urls")),
    # Interfaces for machines: each app serves its own data.
    path("hsds/", include("partnerships.hsds_urls")),
    path("api/schema/", login_not_required(SpectacularJSONAPIView.as_view()), name="api_schema"),
    path("api/docs/", login_not_required(ApiDocsView.as_view()), name="api_docs"),
    path("api/", include("bridging.api_urls")),
]

# An unknown address under /api/ or /hsds/ is answered in JSON, like the interfaces' own 404s.
handler404 = errors.page_not_found
