"""`manage.py export_hsds OUT.zip`: the directory as HSDS JSON and CSV, with metadata and
licence, each document valid against the official schemas."""

import csv
import io
import json
import zipfile

from django.core.management import call_command

from tests.factories import OfferFactory
from tests.hsds import SCHEMA_DIR, assert_valid

ENTITY = {
    "services": "service",
    "organizations": "organization",
    "service_at_locations": "service_at_location",
    "service_at_location": "service_at_location",
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
    "locations": "location",
    "addresses": "address",
    "accessibility": "accessibility",
    "schedules": "schedule",
    "cost_options": "cost_option",
    "attributes": "attribute",
    "contacts": "contact",
    "phones": "phone",
    "languages": "language",
}


def _export(tmp_path):
    out = tmp_path / "directory.zip"
    stdout = io.StringIO()
    call_command("export_hsds", str(out), stdout=stdout)
    return zipfile.ZipFile(out), stdout.getvalue()


def test_the_export_holds_valid_hsds_json_and_csv(tmp_path, cast):
    OfferFactory(
        organisation=cast.association_b,
        name="Med kontakt",
        contact_public=True,
        contact_name="Frida",
        contact_phone="12345678",
        address="Vej 1, 4000 Roskilde",
        accessibility="Rampe",
        adapted_fee=10,
    )
    OfferFactory(organisation=cast.association_b, name="Skjult", is_listed=False)
    archive, output = _export(tmp_path)
    assert "Wrote 3 services" in output
    names = set(archive.namelist())
    assert {"metadata.json", "LICENCE.txt", "json/services.json", "csv/services.csv"} <= names
    for name in names:
        if name.startswith("json/"):
            entity = ENTITY[name.removeprefix("json/").removesuffix(".json")]
            items = json.loads(archive.read(name))
            assert items, name
            for item in items:
                assert_valid(entity, item)
    services = json.loads(archive.read("json/services.json"))
    assert {s["name"] for s in services} == {"Tilbud A", "Tilbud B", "Med kontakt"}
    for name in names:
        if name.startswith("csv/"):
            table = name.removeprefix("csv/").removesuffix(".csv")
            schema = json.loads((SCHEMA_DIR / f"{ENTITY[table]}.json").read_text())
            assert schema["path"] == f"{table}.csv"
            rows = list(csv.DictReader(io.StringIO(archive.read(name).decode())))
            header = csv.reader(io.StringIO(archive.read(name).decode())).__next__()
            assert set(header) <= set(schema["properties"]), table
            assert set(schema["required"]) <= set(header), table
            assert len({row["id"] for row in rows}) == len(rows), table
    contacts = list(csv.DictReader(io.StringIO(archive.read("csv/contacts.csv").decode())))
    assert [c["name"] for c in contacts] == ["Frida"]
    metadata = json.loads(archive.read("metadata.json"))
    assert metadata["hsds_version"] == "3.0"
    assert metadata["licence"]["url"].startswith("https://creativecommons.org/")
    assert metadata["counts"]["services"] == 3
    assert "Open Referral" in archive.read("LICENCE.txt").decode()


def test_the_export_holds_no_participant(tmp_path, cast):
    archive, _output = _export(tmp_path)
    text = " ".join(archive.read(name).decode() for name in archive.namelist())
    for participant in (cast.participant_a, cast.participant_b):
        assert participant.last_name not in text and participant.email not in text
