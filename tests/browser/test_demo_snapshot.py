"""The browser tests' shared demo data (demo_snapshot.py): whatever a test changes, through the
live server or directly, the next test gets the demo exactly as seed_demo made it."""

import hashlib

import pytest
from django.db import connection
from playwright.sync_api import Page, expect

from bridging.models import Attendance
from participants.models import Participant
from partnerships.models import Organisation
from tests.browser import demo_snapshot
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser


def _rows(cursor, table, columns):
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    cursor.execute(f"SELECT {names} FROM {table}")
    rows = sorted(repr(row) for row in cursor.fetchall())
    return len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()


def _differences():
    """The tables whose rows are not those of the snapshot, and the sequences that stand
    elsewhere than they did after seed_demo (PostgreSQL)."""
    snapshot = demo_snapshot._snapshot
    differences = []
    with connection.cursor() as cursor:
        for table, columns in demo_snapshot._model_tables().items():
            if snapshot.tables[table] is None:
                cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
                if cursor.fetchone()[0]:
                    differences.append(table)
            elif _rows(cursor, connection.ops.quote_name(table), columns) != _rows(
                cursor, demo_snapshot._copy_of(table), columns
            ):
                differences.append(table)
        for name, value in snapshot.sequences.items():
            cursor.execute(f"SELECT last_value, is_called FROM {name}")
            if cursor.fetchone() != value:
                differences.append(name)
    return differences


@pytest.mark.parametrize("turn", ["first", "second"])
def test_each_test_gets_the_demo_as_seeded_whatever_the_last_one_changed(
    page: Page, live_server, demo, turn
):
    # Every browser test before this one in its process changed the demo; the second turn
    # also follows the first when both run in the same worker.
    assert _differences() == []
    assert Participant.objects.filter(first_name="Ændret").count() == 0

    log_in(page, live_server.url, "koordinator", "demo")  # the live server writes a session
    expect(page.get_by_role("heading", level=1)).to_have_text("Overblik for Seniorer i bevægelse")
    Participant.objects.update(first_name="Ændret")
    Attendance.objects.order_by("pk").first().delete()
    Organisation.objects.create(name=f"Ny forening ({turn})", kind="association")
    changed = _differences()
    for table in ["django_session", "participants_participant", "bridging_attendance"]:
        assert table in changed
    assert any("organisation" in name and "seq" in name for name in changed) == (
        connection.vendor == "postgresql"
    )

    demo_snapshot.restore()  # what the fixture does before the next test
    assert _differences() == []
