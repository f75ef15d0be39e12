"""Our own OpenAPI description (drf-spectacular): generated without warnings or errors, valid
OpenAPI 3, served at /api/schema/, and the documentation page works under our CSP."""

import html

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


def test_the_documentation_page_shows_every_endpoint_with_its_parameters(client, db):
    schema = client.get(reverse("api_schema")).json()
    response = client.get(reverse("api_docs"))
    assert response.status_code == 200
    text = response.content.decode()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert f"{method.upper()} {path}</code>" in text
            for parameter in operation.get("parameters", []):
                assert f"<code>{parameter['name']}</code>" in text
    examples = html.unescape(text)
    assert "curl -H 'Authorization: Bearer brb_…' 'http://testserver/api/programmes/'" in examples
    assert "curl 'http://testserver/hsds/services'" in examples


def test_the_documentation_page_is_ours_under_the_strict_csp(client, db):
    response = client.get(reverse("api_docs"))
    text = response.content.decode()
    assert "<script>" not in text and "<style" not in text and 'style="' not in text
    assert "swagger" not in text.lower() and "https://" not in text
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_every_operation_describes_its_answers_other_than_200(client, db):
    """A wrong parameter (400), a missing token (401), an id not found or a page past the last
    (404) and the throttle (429) are answers of the API: schemathesis reported them as
    undocumented for 16 of the 17 operations."""
    schema = client.get(reverse("api_schema")).json()
    paths = schema["paths"]
    assert {"400", "401", "404", "429"} <= set(paths["/api/courses/"]["get"]["responses"])
    assert {"401", "404", "429"} <= set(paths["/api/programmes/{id}/funnel/"]["get"]["responses"])
    assert {"400", "404", "429"} <= set(paths["/hsds/services"]["get"]["responses"])
    assert "401" not in paths["/hsds/services"]["get"]["responses"]  # public
    for item in paths.values():
        for operation in item.values():
            assert {"200", "404", "429"} <= set(operation["responses"])
    # What the API answers is what the document says.
    for path, code in [
        ("/api/courses/?status=bogus", 401),  # no token
        ("/api/programmes/999999/funnel/", 401),
        ("/hsds/services?page=0", 400),
    ]:
        assert client.get(path).status_code == code


@pytest.mark.parametrize(
    "address", ["/api/courses/x/funnel/", "/api/no-such-endpoint/", "/hsds/services/x/y"]
)
def test_an_unknown_address_of_a_machine_interface_is_answered_in_json(client, db, address):
    """As the interfaces answer an id they don't have: schemathesis found an HTML page here."""
    response = client.get(address)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Ikke fundet."}


def test_an_unknown_page_is_still_the_404_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
