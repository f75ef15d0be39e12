"""The demo data for the browser tests: built once per test process, restored before each test.

`seed_demo` takes seconds; the browser tests each need it whole, and many of them change it.
The first test in a process (a pytest-xdist worker) runs `seed_demo` and copies every table
into a snapshot next to it (PostgreSQL: a schema of its own; SQLite: tables named
demo_snapshot__*); each later test gets the tables emptied and refilled from the snapshot (and,
on PostgreSQL, the id sequences set back), in one transaction. What a test
writes, including through the live server, is gone before the next one starts.

The demo's dates are relative to today: a snapshot from another day is thrown away and the
demo built afresh.
"""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, router, transaction
from django.utils import timezone

SCHEMA = "demo_snapshot"  # PostgreSQL: the snapshot's own schema, left alone by flush


@dataclass
class Snapshot:
    day: object
    tables: dict  # table name -> its column names (generated columns left out)
    sequences: dict  # PostgreSQL: sequence name -> (last_value, is_called)


_snapshot = None


def _qn(name):
    return connection.ops.quote_name(name)


def _copy_of(table):
    if connection.vendor == "postgresql":
        return f"{_qn(SCHEMA)}.{_qn(table)}"
    return _qn(f"{SCHEMA}__{table}")


def _model_tables():
    """Every table flush empties: each model's own (and many-to-many) table and its stored
    columns."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy or not router.allow_migrate_model("default", model):
            continue
        columns = [f.column for f in meta.local_concrete_fields if not f.generated]
        tables[meta.db_table] = columns
    existing = set(connection.introspection.table_names())
    return {table: columns for table, columns in tables.items() if table in existing}


def _take(day):
    """Copy every table that has rows into the snapshot (called right after seed_demo)."""
    tables, sequences = {}, {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP SCHEMA IF EXISTS {_qn(SCHEMA)} CASCADE")
            cursor.execute(f"CREATE SCHEMA {_qn(SCHEMA)}")
        for table, columns in _model_tables().items():
            if connection.vendor == "postgresql":
                for sequence in connection.introspection.get_sequences(cursor, table):
                    name = _qn(sequence["name"])
                    cursor.execute(f"SELECT last_value, is_called FROM {name}")
                    sequences[name] = cursor.fetchone()
            cursor.execute(f"SELECT 1 FROM {_qn(table)} LIMIT 1")
            if cursor.fetchone() is None:
                tables[table] = None  # emptied on restore, nothing to copy back
                continue
            names, copy = ", ".join(_qn(c) for c in columns), _copy_of(table)
            cursor.execute(f"DROP TABLE IF EXISTS {copy}")
            if connection.vendor == "postgresql":
                cursor.execute(f"CREATE TABLE {copy} AS SELECT {names} FROM {_qn(table)}")
            else:  # SQLite: declare each column's type, so it reads back as the original does
                cursor.execute(f"PRAGMA table_info({_qn(table)})")
                types = {row[1]: row[2] for row in cursor.fetchall()}
                declared = ", ".join(f"{_qn(c)} {types[c]}" for c in columns)
                cursor.execute(f"CREATE TABLE {copy} ({declared})")
                cursor.execute(f"INSERT INTO {copy} SELECT {names} FROM {_qn(table)}")
            tables[table] = columns
    return Snapshot(day=day, tables=tables, sequences=sequences)


def restore():
    """Empty every table and fill it from the snapshot, as one transaction."""
    # DELETE, not TRUNCATE: on these small tables it took half the time on PostgreSQL (the
    # foreign keys are checked at commit, so the order does not matter).
    statements = [f"DELETE FROM {_qn(t)}" for t in _snapshot.tables]
    for table, columns in _snapshot.tables.items():
        if columns:
            names = ", ".join(_qn(c) for c in columns)
            statements.append(
                f"INSERT INTO {_qn(table)} ({names}) SELECT {names} FROM {_copy_of(table)}"
            )
    if _snapshot.sequences:
        statements.append(
            "SELECT "
            + ", ".join(
                f"setval('{name}', {value}, {'true' if called else 'false'})"
                for name, (value, called) in _snapshot.sequences.items()
            )
        )
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one round trip
            cursor.execute(";\n".join(statements))
        else:  # sqlite3 runs one statement per call
            for statement in statements:
                cursor.execute(statement)
    ContentType.objects.clear_cache()  # the ids may differ from those flush's post_migrate made


def fresh_demo():
    """The demo data, whole, in the (transactional) test database."""
    global _snapshot
    today = timezone.localdate()
    if _snapshot is None or _snapshot.day != today:
        call_command("seed_demo")
        _snapshot = _take(today)
    else:
        restore()
