"""Bulk loading for generated data: COPY on PostgreSQL, batched INSERT elsewhere.

Rows are tuples in the order of the attnames given; ids are assigned by the caller so that rows
of different tables can refer to each other without a round trip per row.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

from counterpart.core.distribution import county_columns_filled

INSERT_BATCH = 5000


def table_columns(model: type[models.Model], attnames: Sequence[str]) -> tuple[str, list[str]]:
    fields = {f.attname: f.column for f in model._meta.concrete_fields}
    return model._meta.db_table, [fields[name] for name in attnames]


def bulk_write(model: type[models.Model], attnames: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write rows into the model's table; returns how many were written (with the county column of a
    project or ledger transaction derived from its area when not given)."""
    attnames, rows = county_columns_filled(model, attnames, rows)
    table, columns = table_columns(model, attnames)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    if connection.vendor == "postgresql":
        raw = connection.connection
        assert raw is not None
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({placeholders})"
    batch: list[Sequence[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) >= INSERT_BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def next_id(model: type[models.Model]) -> int:
    last = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def sequences_reset(*model_list: type[models.Model]) -> None:
    """After writing explicit ids, move PostgreSQL's sequences past them."""
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def indexes_compact(*model_list: type[models.Model]) -> int:
    """REINDEX each index of these tables, one at a time, after the load has committed; returns how many.

    COPY into an indexed table splits B-tree pages as keys arrive out of order (a random blind index,
    a benefit's program, year, county and person), and leaves them about two-thirds full: 472 MB at
    S = 0.005 where the same rows with rebuilt indexes take 409 (docs/benchmarks.md, "Row widths").
    One index at a time, each in its own transaction, so the disk needs room for only one more copy of
    the largest index, never the whole database's indexes twice.
    """
    if connection.vendor != "postgresql":
        return 0
    tables = [model._meta.db_table for model in model_list]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "JOIN pg_class t ON t.oid = x.indrelid WHERE t.relname = ANY(%s) ORDER BY t.relname, i.relname",
            [tables],
        )
        names = [name for (name,) in cursor.fetchall()]
        for name in names:
            cursor.execute(f"REINDEX INDEX {connection.ops.quote_name(name)}")
    return len(names)
