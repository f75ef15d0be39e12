"""Answers for addresses the site doesn't have."""

from django.http import JsonResponse
from django.views import defaults
from rest_framework.exceptions import NotFound

# The machine interfaces: the reporting API and the open offer directory (HSDS).
MACHINE_PREFIXES = ("/api/", "/hsds/")


def page_not_found(request, exception):
    """An address under a machine interface that matches none of its endpoints is answered in
    JSON, as the interface answers an id it doesn't have (Django REST framework's `detail`);
    every other address gets the 404 page."""
    if request.path_info.startswith(MACHINE_PREFIXES):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)
