"""The APIs' documentation page: our own template rendered from the generated OpenAPI document
(the same one /api/schema/ serves), so it is plain HTML under the site's layout: no script, no
inline style, no CDN, accessible like every other page. Per endpoint: method and path, what it
gives, whether it needs a token, its parameters and an example request."""

import functools

from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")
EXAMPLE_IDS = {"integer": "1", "string": "7c9e6679-7425-40de-944b-e07fc1f90ae7"}


@functools.cache
def _schema() -> dict:
    """The OpenAPI document, generated once per process (the code does not change under it)."""
    return SchemaGenerator().get_schema(request=None, public=True)


def _type(schema: dict) -> str:
    text = schema.get("format") or schema.get("type", "")
    if schema.get("enum"):
        text += ": " + ", ".join(str(value) for value in schema["enum"] if value != "")
    return text


def _operation(path: str, method: str, operation: dict, base_url: str) -> dict:
    parameters = [
        {
            "name": parameter["name"],
            "where": parameter["in"],
            "required": parameter.get("required", False),
            "type": _type(parameter.get("schema", {})),
            "description": parameter.get("description", ""),
        }
        for parameter in operation.get("parameters", [])
    ]
    example_path = path
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            value = EXAMPLE_IDS.get(parameter.get("schema", {}).get("type"), "1")
            example_path = example_path.replace("{" + parameter["name"] + "}", value)
    token = any("apiToken" in requirement for requirement in operation.get("security", []))
    example = "curl "
    if token:
        example += "-H 'Authorization: Bearer brb_…' "
    example += f"'{base_url}{example_path}'"
    return {
        "anchor": operation.get("operationId", f"{method}{path}"),
        "method": method.upper(),
        "path": path,
        "summary": operation.get("summary", ""),
        "description": operation.get("description", ""),
        "token": token,
        "parameters": parameters,
        "example": example,
    }


def _sections(schema: dict, base_url: str) -> list[dict]:
    sections = [
        {
            "id": "reporting",
            "title": _("The reporting API, with a token"),
            "prefix": "/api/",
            "operations": [],
        },
        {
            "id": "hsds",
            "title": _("The open offer directory (HSDS 3.0), public"),
            "prefix": "/hsds/",
            "operations": [],
        },
    ]
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                section = next((s for s in sections if path.startswith(s["prefix"])), sections[0])
                section["operations"].append(_operation(path, method, item[method], base_url))
    return sections


class ApiDocsView(TemplateView):
    template_name = "api/docs.html"

    def get_context_data(self, **kwargs):
        schema = _schema()
        base_url = self.request.build_absolute_uri("/").rstrip("/")
        return super().get_context_data(sections=_sections(schema, base_url), **kwargs)
