"""Export the open offer directory as an HSDS 3.0 data package: a zip with the JSON documents the
API serves, the same data in HSDS's tabular (CSV) form, a metadata file and the licence.

    python manage.py export_hsds directory.zip

It reads the offers once, streaming (30,000 offers need no more memory than a few hundred), and
writes the files in temporary files before zipping them.
"""

import csv
import json
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone, translation

from partnerships import hsds
from partnerships.models import ActivityType

# HSDS's tabular form: one CSV per table, named and with columns as the HSDS schemas name them
# (the columns we fill).
COLUMNS = {
    "services": [
        "id",
        "organization_id",
        "name",
        "description",
        "email",
        "status",
        "fees_description",
        "eligibility_description",
        "minimum_age",
        "maximum_age",
        "last_modified",
    ],
    "organizations": ["id", "name", "description"],
    "locations": ["id", "location_type", "organization_id", "name", "description"],
    "addresses": [
        "id",
        "location_id",
        "address_1",
        "city",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    ],
    "accessibility": ["id", "location_id", "description"],
    "service_at_location": ["id", "service_id", "location_id", "description"],
    "schedules": [
        "id",
        "service_id",
        "freq",
        "interval",
        "wkst",
        "byday",
        "opens_at",
        "closes_at",
        "description",
    ],
    "cost_options": ["id", "service_id", "option", "amount", "currency", "amount_description"],
    "attributes": ["id", "link_id", "link_type", "link_entity", "taxonomy_term_id", "value"],
    "contacts": ["id", "service_id", "name", "email"],
    "phones": ["id", "contact_id", "number"],
    "languages": ["id", "service_id", "name", "code"],
    "taxonomies": ["id", "name", "description", "version"],
    "taxonomy_terms": ["id", "code", "name", "description", "taxonomy", "taxonomy_id", "language"],
}
# Which table a nested entity belongs in; None: not a row of its own here.
NESTED = {
    "organization": None,
    "schedules": "schedules",
    "service_at_locations": "service_at_location",
    "location": "locations",
    "addresses": "addresses",
    "accessibility": "accessibility",
    "contacts": "contacts",
    "phones": "phones",
    "cost_options": "cost_options",
    "attributes": "attributes",
    "languages": "languages",
    "taxonomy_term": None,
}


class JsonArray:
    """Writes a JSON array to a file one element at a time."""

    def __init__(self, path):
        self.file = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed in close()
        self.file.write("[")
        self.count = 0

    def append(self, item):
        self.file.write(",\n" if self.count else "\n")
        self.file.write(json.dumps(item, ensure_ascii=False))
        self.count += 1

    def close(self):
        self.file.write("\n]\n")
        self.file.close()


class Tables:
    """HSDS's CSV tables, each row written once (an entity nested twice is one row)."""

    def __init__(self, directory: Path):
        self.files, self.writers, self.seen = {}, {}, {}
        for table, columns in COLUMNS.items():
            self.files[table] = open(  # noqa: SIM115 - closed in close()
                directory / f"{table}.csv", "w", encoding="utf-8", newline=""
            )
            self.writers[table] = csv.DictWriter(self.files[table], fieldnames=columns)
            self.writers[table].writeheader()
            self.seen[table] = set()

    def add(self, table, entity):
        if entity["id"] in self.seen[table]:
            return
        self.seen[table].add(entity["id"])
        self.writers[table].writerow(
            {k: v for k, v in entity.items() if not isinstance(v, dict | list)}
        )
        for key, value in entity.items():
            if NESTED.get(key):
                for child in value if isinstance(value, list) else [value]:
                    self.add(NESTED[key], child)

    def close(self):
        for file in self.files.values():
            file.close()


class Command(BaseCommand):
    help = "Export the open offer directory (active, listed offers) as an HSDS 3.0 zip file."

    def add_arguments(self, parser):
        parser.add_argument("out", help="The zip file to write, e.g. directory.zip")

    def handle(self, *args, out, **options):
        with translation.override("da"), tempfile.TemporaryDirectory() as tmp:
            directory = Path(tmp)
            counts = self._write(directory)
            (directory / "metadata.json").write_text(
                json.dumps(self._metadata(counts), ensure_ascii=False, indent=2),
                encoding="utf-8",
            )
            (directory / "LICENCE.txt").write_text(self._licence(), encoding="utf-8")
            with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for path in sorted(p for p in directory.rglob("*") if p.is_file()):
                    archive.write(path, path.relative_to(directory).as_posix())
        self.stdout.write(f"Wrote {counts['services']} services to {out}.")

    def _write(self, directory: Path) -> dict:
        (directory / "json").mkdir()
        (directory / "csv").mkdir()
        tables = Tables(directory / "csv")
        services = JsonArray(directory / "json" / "services.json")
        sites = JsonArray(directory / "json" / "service_at_locations.json")
        for offer in hsds.services_queryset().iterator(chunk_size=1000):
            service = hsds.service(offer, full=True)
            services.append(service)
            sites.append(hsds.service_at_location(offer, full=True))
            tables.add("services", service)
        organizations = JsonArray(directory / "json" / "organizations.json")
        for organisation in hsds.organisations_queryset().iterator(chunk_size=1000):
            organization = hsds.organization(organisation)
            organizations.append(organization)
            tables.add("organizations", organization)
        taxonomies = JsonArray(directory / "json" / "taxonomies.json")
        for taxonomy in hsds.taxonomies():
            taxonomies.append(taxonomy)
            tables.add("taxonomies", taxonomy)
        terms = JsonArray(directory / "json" / "taxonomy_terms.json")
        activity_types = ActivityType.objects.order_by("name", "uuid").iterator()
        for term in hsds.trait_terms() + [hsds.activity_type_term(t) for t in activity_types]:
            terms.append(term)
            tables.add("taxonomy_terms", term)
        counts = {
            "services": services.count,
            "organizations": organizations.count,
            "service_at_locations": sites.count,
            "taxonomies": taxonomies.count,
            "taxonomy_terms": terms.count,
        }
        for array in (services, sites, organizations, taxonomies, terms):
            array.close()
        tables.close()
        return counts

    def _metadata(self, counts) -> dict:
        return {
            "hsds_version": hsds.HSDS_VERSION,
            "publisher": settings.HSDS_PUBLISHER,
            "generated_at": timezone.now().isoformat(timespec="seconds"),
            "language": "da",
            "licence": {"name": settings.HSDS_LICENCE_NAME, "url": settings.HSDS_LICENCE_URL},
            "contents": {
                "json/": "The HSDS entities as the API serves them, services fully nested.",
                "csv/": "The same data in HSDS's tabular form, one file per table.",
            },
            "counts": counts,
            "format": "Human Services Data Specification 3.0, an Open Referral resource "
            "(https://openreferral.org/).",
        }

    def _licence(self) -> str:
        return (
            f"The data in this package is published by {settings.HSDS_PUBLISHER} under the "
            f"licence {settings.HSDS_LICENCE_NAME}: {settings.HSDS_LICENCE_URL}\n\n"
            "It holds the offers that their organisations list in the open offer directory, "
            "with contact details only where the organisation chose to publish them. It holds "
            "no data about participants.\n\n"
            "The format is the Human Services Data Specification (HSDS) 3.0: an Open Referral "
            "resource (https://openreferral.org/), licensed under Creative Commons "
            "Attribution-ShareAlike 4.0.\n"
        )
