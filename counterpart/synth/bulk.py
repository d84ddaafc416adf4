"""Bulk loading for generated data: COPY on PostgreSQL, batched INSERT elsewhere.

Rows are tuples in the order of the attnames given; ids are assigned by the caller so that rows
of different tables can refer to each other without a round trip per row.
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
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


@contextmanager
def indexes_deferred(*model_list: type[models.Model]) -> Iterator[int]:
    """Drop the secondary indexes of these tables for the duration of a bulk load, then build them again.

    A COPY into an indexed table pays for every key it inserts into every B-tree — out of order for a
    random blind index or a benefit's (program, year, county, person), so each insert is a page read
    and a split — and leaves the pages about two-thirds full (docs/benchmarks.md, "Row widths"). A
    sorted build after the load writes each index once, packed. At S = 1.0 the server's backend was
    the bottleneck of the load, busy with index upkeep (docs/benchmarks.md, "S = 1.0").

    Inside the caller's transaction, so a failed load leaves every index as it was. Primary keys stay
    (ids arrive in order, so their upkeep is cheap), and so do the unique constraints a foreign key
    depends on. Yields how many indexes were deferred. The tables are locked exclusively until the
    transaction ends, as a bulk load of a whole registry may.
    """
    if connection.vendor != "postgresql":
        yield 0
        return
    tables = [model._meta.db_table for model in model_list]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.relname, t.relname, c.conname, pg_get_constraintdef(c.oid), pg_get_indexdef(x.indexrelid) "
            "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
            "LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid "
            "WHERE t.relname = ANY(%s) AND NOT x.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = x.indexrelid) "
            "ORDER BY t.relname, i.relname",
            [tables],
        )
        deferred = cursor.fetchall()
        quote = connection.ops.quote_name
        for index, table, constraint, _definition, _create in deferred:
            if constraint:
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(constraint)}")
            else:
                cursor.execute(f"DROP INDEX {quote(index)}")
    yield len(deferred)
    with connection.cursor() as cursor:
        # A sort in memory per index where it fits (the server's default is 64 MB). The server's
        # max_parallel_maintenance_workers (2 by default) is left as it is: with it each large B-tree is
        # sorted by a leader and two workers, 0.7 of the serial build's time on 2 cores (docs/benchmarks.md,
        # "Synth's persons on both cores"), so there is nothing to gain from setting it here.
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        for _index, table, constraint, definition, create in deferred:
            if constraint:
                cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(constraint)} {definition}")
            else:
                cursor.execute(create)
