"""The demo for tests, loaded once a session and copied back where a test needs it.

``demo_load()`` writes some 24,000 statements (every record through its domain action, with its audit
event); two dozen test modules and the browser tests each need the demo, and loaded it afresh. Here
the first of them loads it for real, the rows it wrote are read back (every table, as the database
holds them), the load is rolled back, and each later use writes those rows again: some hundred
multi-row INSERTs. What a test then finds in the database is what ``demo_load()`` leaves there, row
for row and id for id (read back, they compare equal on SQLite and PostgreSQL). Every session that
uses the demo still runs ``demo_load()`` once, for the snapshot; the browser tests (transactional,
flushed between tests) and the command-line tests load it for real each time.

A copy is only made onto the database it was taken from: if a row that was there before the load
(the indicator catalogue of the migrations, content types, permissions) differs — a transactional
test flushed and re-made the catalogue under new ids, say — the demo is loaded for real instead.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from counterpart.registry.models import Program

Rows = dict[str, list[tuple[Any, ...]]]


@dataclass
class Snapshot:
    columns: dict[str, list[str]]
    before: Rows  # tables' rows as the demo found them (only tables that held any)
    added: Rows  # rows the demo added, per table
    program_slug: str


_snapshot: Snapshot | None = None


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        return sorted(name for name in connection.introspection.table_names(cursor) if name != "django_migrations")


def _insertable_columns(cursor: Any, table: str) -> list[str]:
    """A table's columns but the generated ones, which the database computes and refuses in an INSERT."""
    if connection.vendor == "sqlite":
        cursor.execute(f"PRAGMA table_xinfo({connection.ops.quote_name(table)})")
        return [row[1] for row in cursor.fetchall() if row[6] == 0]  # hidden 2 and 3: generated
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
        " AND table_name = %s AND is_generated = 'NEVER' ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


def _read(tables: Sequence[str]) -> tuple[dict[str, list[str]], Rows]:
    columns: dict[str, list[str]] = {}
    rows: Rows = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables:
            names = columns[table] = _insertable_columns(cursor, table)
            cursor.execute(f"SELECT {', '.join(quote(n) for n in names)} FROM {quote(table)}")
            rows[table] = sorted((tuple(row) for row in cursor.fetchall()), key=_key)
    return columns, rows


def _key(row: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple(repr(value) for value in row)


def _difference(before: Rows, after: Rows) -> Rows | None:
    """Rows only in ``after``, per table; None when a row of ``before`` changed or went (not a pure addition)."""
    added: Rows = {}
    for table, rows in after.items():
        old = {_key(row) for row in before.get(table, [])}
        new = {_key(row) for row in rows}
        if not old <= new:
            return None
        extra = [row for row in rows if _key(row) not in old]
        if extra:
            added[table] = extra
    return added


def _write(columns: dict[str, list[str]], added: Rows) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, rows in added.items():
            names = columns[table]
            per_row = "(" + ", ".join(["%s"] * len(names)) + ")"
            size = max(1, min(500, 900 // len(names)))  # within SQLite's 999 parameters a statement
            for start in range(0, len(rows), size):
                chunk = rows[start : start + size]
                cursor.execute(
                    f"INSERT INTO {quote(table)} ({', '.join(quote(n) for n in names)}) "
                    f"VALUES {', '.join([per_row] * len(chunk))}",
                    [value for row in chunk for value in row],
                )
    _sequences_reset(list(added))


def _sequences_reset(tables: Sequence[str]) -> None:
    """PostgreSQL's sequences past the ids written (SQLite's AUTOINCREMENT follows by itself)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()"
            " AND table_name = ANY(%s) AND (is_identity = 'YES' OR column_default LIKE 'nextval(%%')",
            [list(tables)],
        )
        for table, column in cursor.fetchall():
            quoted = connection.ops.quote_name(column)
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), max({quoted})) FROM {connection.ops.quote_name(table)}",
                [table, column],
            )


def _take() -> Snapshot:
    from counterpart.demo.loader import demo_load

    tables = _tables()
    with transaction.atomic():
        _columns, before = _read(tables)
        program = demo_load().program
        columns, after = _read(tables)
        transaction.set_rollback(True)
    added = _difference(before, after)
    if added is None:
        raise RuntimeError("demo_load() changed rows it did not add: a snapshot of additions cannot stand for it")
    return Snapshot(
        columns=columns,
        before={table: rows for table, rows in before.items() if rows},
        added=added,
        program_slug=program.slug,
    )


def _database_as_taken(snapshot: Snapshot) -> bool:
    """Whether every table the snapshot read holds exactly the rows it held before the demo."""
    tables = _tables()
    if set(tables) != set(snapshot.columns):
        return False
    _columns, now = _read(tables)
    return {table: rows for table, rows in now.items() if rows} == snapshot.before


def demo_restore() -> Program:
    """The demo program in the database, as ``demo_load()`` leaves it. Call inside a transaction the test
    owns (or commits, for a live server); the first call loads the demo for real to take the snapshot."""
    global _snapshot
    from counterpart.demo.loader import demo_load

    if _snapshot is None:
        _snapshot = _take()
    if not _database_as_taken(_snapshot):
        return demo_load().program
    with transaction.atomic():
        _write(_snapshot.columns, _snapshot.added)
    return Program.objects.get(slug=_snapshot.program_slug)
