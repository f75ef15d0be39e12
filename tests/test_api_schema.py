"""Our own OpenAPI description (drf-spectacular): generated without warnings or errors, valid
OpenAPI 3, served at /api/schema/, and the documentation page works under our CSP."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from openapi_spec_validator import validate


def test_the_schema_generates_without_warnings(tmp_path, db):
    out = tmp_path / "schema.json"
    # --fail-on-warn turns every drf-spectacular warning or error into a failure.
    call_command("spectacular", "--fail-on-warn", "--format", "openapi-json", "--file", str(out))
    assert out.stat().st_size > 1000


def test_the_served_schema_is_valid_openapi(client, db):
    response = client.get(reverse("api_schema"))
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert {"/api/programmes/", "/hsds/services"} <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"


def test_no_personal_fields_in_the_reporting_api(client, db):
    schema = client.get(reverse("api_schema")).json()
    names = set()

    def walk(value):
        if isinstance(value, dict):
            names.update(value.get("properties", {}))
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(schema["components"]["schemas"])
    personal = {"first_name", "last_name", "email", "phone", "health_notes", "birth_year"}
    assert names & personal == set()


@pytest.mark.parametrize("part", ["page", "script"])
def test_the_documentation_is_served_from_our_static_files(client, db, part):
    url = reverse("api_docs") + ("?script=" if part == "script" else "")
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "cdn" not in text.lower() and "https://" not in text
    if part == "page":
        assert "<script>" not in text and "<style>" not in text and 'style="' not in text
        assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in text
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    else:
        assert response["Content-Type"].startswith("application/javascript")
        assert "SwaggerUIBundle" in text
