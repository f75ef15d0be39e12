"""Validation against the official HSDS 3.0 schemas (the copy in tests/hsds_schema/).

The schemas refer to each other by file name ("attribute.json"), so they are loaded into one
`referencing` registry under a common base URI and resolved locally, never fetched. `strict`
also forbids properties the schema does not define, so a misspelt field fails instead of being
ignored.
"""

import copy
import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).parent / "hsds_schema"
BASE = "https://hsds.invalid/schema/"


def openapi() -> dict:
    return json.loads((SCHEMA_DIR / "openapi.json").read_text())


@cache
def _registry(strict: bool) -> Registry:
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        if path.name == "openapi.json":
            continue
        schema = json.loads(path.read_text())
        if strict:
            schema = copy.deepcopy(schema)
            schema["additionalProperties"] = False
        resources.append(
            (BASE + path.name, Resource.from_contents(schema, default_specification=DRAFT202012))
        )
    return Registry().with_resources(resources)


def errors(entity: str, instance, *, strict: bool = True) -> list[str]:
    """The schema errors of `instance` as the HSDS entity `entity` (e.g. "service")."""
    validator = Draft202012Validator(
        {"$ref": f"{BASE}{entity}.json"},
        registry=_registry(strict),
        format_checker=FormatChecker(),
    )
    return [
        f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in validator.iter_errors(instance)
    ]


def assert_valid(entity: str, instance, *, strict: bool = True) -> None:
    problems = errors(entity, instance, strict=strict)
    assert problems == [], f"{entity} does not match HSDS 3.0: {problems}"


PAGE_KEYS = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}


def assert_page(body: dict, entity: str, *, extra: set[str] = frozenset()) -> list:
    """A page envelope as the HSDS API description's Page, each item valid as `entity`. Items
    may carry the `extra` keys (validated by the caller), which the strict check then allows."""
    assert set(body) == PAGE_KEYS
    page_schema = openapi()["components"]["schemas"]["Page"]
    for key, definition in page_schema["properties"].items():
        expected = {"integer": int, "boolean": bool}[definition["type"]]
        assert type(body[key]) is expected, key
    assert body["size"] == len(body["contents"])
    assert body["empty"] == (body["size"] == 0)
    for item in body["contents"]:
        assert_valid(entity, {k: v for k, v in item.items() if k not in extra})
    return body["contents"]
