"""The API's documentation page: Swagger UI from drf-spectacular-sidecar's static files (no CDN),
with its start-up script served as a file, so the strict Content-Security-Policy (no inline
scripts or styles) holds."""

from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    url_name = "api_schema"
    template_name = "api/docs.html"
    title = "Brobygning API"
