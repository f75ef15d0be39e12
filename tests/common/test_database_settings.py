"""The settings the application's PostgreSQL connections run with (bridging/settings.py)."""

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own settings"),
]


def _show(name):
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


def test_out_of_order_reads_are_costed_as_on_ssd():
    """With the spinning-disk default (4) a programme's enrolments were read by scanning the
    whole table once updates had moved its rows."""
    assert float(_show("random_page_cost")) == pytest.approx(1.1)


def test_jit_is_off():
    assert _show("jit") == "off"
