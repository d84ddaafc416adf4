"""Inserting many rows at once, for the domain's bulk services (a file of a million persons).

On PostgreSQL rows go in with ``COPY … FROM STDIN`` (psycopg's ``cursor.copy``), the fastest way
in, with primary keys drawn from the table's sequence first so that dependent rows (a project's
first lifecycle step, a household's members) can be written in the same pass. Elsewhere (SQLite)
it is ``bulk_create``. Either way it runs inside the caller's transaction and bypasses ``save()``,
so only domain services that have validated every row may call it.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from counterpart.core.distribution import county_columns_filled


def _defaults(model: type[models.Model], columns: Sequence[str]) -> dict[str, Any]:
    """Values for the concrete columns the caller does not give: field defaults, now() for auto_now_add."""
    now = timezone.now()
    values: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.attname in columns or field.primary_key or field.generated:
            continue  # a generated column (the distribution column county_code) is the database's to fill
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            values[field.attname] = now
        elif field.has_default():
            values[field.attname] = field.get_default()
        elif field.null:
            values[field.attname] = None
        else:
            raise ValueError(f"{model._meta.label}.{field.attname} has no default: give it")
    return values


def bulk_insert(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[int]:
    """Insert rows (tuples in the order of ``columns``, attnames) and return their new primary keys."""
    if not rows:
        return []
    columns, filled = county_columns_filled(model, columns, rows)
    rows = list(filled)
    defaults = _defaults(model, columns)
    if connection.vendor != "postgresql":
        created = model._default_manager.bulk_create(
            [model(**defaults, **dict(zip(columns, row, strict=True))) for row in rows], batch_size=500
        )
        return [instance.pk for instance in created]
    table = model._meta.db_table
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk.column, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        column_of = {field.attname: field.column for field in model._meta.concrete_fields}
        names = [pk.column, *(column_of[name] for name in columns), *(column_of[name] for name in defaults)]
        quoted = ", ".join(connection.ops.quote_name(name) for name in names)
        extra = tuple(defaults.values())
        with cursor.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
            for new_id, row in zip(ids, rows, strict=True):
                copy.write_row((new_id, *row, *extra))
    return ids


_SUMMARY_COLUMNS = ("program_id", "year", "county_code", "persons")


def summary_rebuild(
    model: type[models.Model],
    select_sql: str,
    program_id: int | None = None,
    columns: Sequence[str] = _SUMMARY_COLUMNS,
) -> int:
    """Replace the rows of a per-program summary table (all programs', or one's) by their recomputation:
    ``select_sql`` selects ``columns`` (by default ``program_id, year, county_code, persons``) with a
    ``{where}`` placeholder for the program's condition on ``b.program_id``. Set-based, INSERT … SELECT;
    the number of rows written."""
    with transaction.atomic():
        stored = model._default_manager.all()
        if program_id is not None:
            stored = stored.filter(program_id=program_id)
        stored.delete()
        where, params = ("WHERE b.program_id = %s", [program_id]) if program_id is not None else ("", [])
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) " + select_sql.format(where=where),
                params,
            )
            return int(cursor.rowcount)


def summary_recount(
    model: type[models.Model], cells: Iterable[tuple[Any, Any, Any]], select_sql: str, columns: Sequence[str]
) -> int:
    """Recount these ``(program_id, year, county_code)`` keys of a per-program summary: each key's rows are
    deleted and ``select_sql`` (its three ``%s`` the key, in that order) inserted in their place, key by key in
    key order, in one transaction. For bulk writers, after writing, under the locks their summary takes.
    The number of keys recounted."""
    ordered = sorted({(int(program), int(year), str(county)) for program, year, county in cells})
    table = model._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        for key in ordered:
            cursor.execute(f"DELETE FROM {table} WHERE program_id = %s AND year = %s AND county_code = %s", key)
            cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) " + select_sql, key)
    return len(ordered)


def summary_mismatches(
    model: type[models.Model],
    recomputed: Mapping[Any, int],
    program_id: int | None = None,
    key_fields: Sequence[str] = _SUMMARY_COLUMNS[:3],
) -> list[tuple[Any, int, int]]:
    """Keys of a per-program summary (by default ``(program, year, county)``; ``key_fields`` in the order of
    ``recomputed``'s keys) whose stored count differs from its recomputation: (key, stored, recomputed)."""
    rows = model._default_manager.all()
    if program_id is not None:
        rows = rows.filter(program_id=program_id)
    stored = {tuple(row[:-1]): row[-1] for row in rows.values_list(*key_fields, "persons")}
    return [
        (key, stored.get(key, 0), recomputed.get(key, 0))
        for key in sorted(stored.keys() | recomputed.keys())
        if stored.get(key, 0) != recomputed.get(key, 0)
    ]
