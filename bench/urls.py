from django.http import HttpResponse
from django.urls import path

from bridging.urls import urlpatterns as project_urlpatterns


def floor(request):
    """What every page costs at least: the middleware, the session, the login check."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *project_urlpatterns]
