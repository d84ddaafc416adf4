"""The national index of identity numbers on a Citus cluster: one row per blind index (docs/scale.md).

On Citus the persons are distributed by county, so ``people_person.identity_blind_index`` is unique only
within a county (``counterpart distribute`` widens the constraint). ``people_identityindex (blind_index
PRIMARY KEY, county_code, person_id)``, distributed by the blind index, keeps a number registered once in
the whole country: every writer of new persons adds their rows here in the same transaction, and a second
registration of a number — in any county, even by a concurrent session — fails on its primary key.

The table exists only where ``counterpart distribute`` made it: on SQLite and plain PostgreSQL the
person's own unique constraint does the same work and nothing is written here.
"""

from collections.abc import Sequence

from django.db import connection

from counterpart.core.citus import IDENTITY_INDEX

from .models import Person


def identity_index_present() -> bool:
    """True when this database has the national index (a Citus database after ``counterpart distribute``)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [IDENTITY_INDEX])
        return bool(cursor.fetchone()[0])


def identity_index_add(persons: Sequence[Person]) -> int:
    """Index saved persons (primary keys set) that have a number. An IntegrityError: already registered."""
    rows = [(p.identity_blind_index, p.county_code, p.pk) for p in persons if p.identity_blind_index]
    if not rows or not identity_index_present():
        return 0
    identity_index_copy(rows)
    return len(rows)


def identity_index_add_numbers(blind_indexes: Sequence[bytes | memoryview]) -> int:
    """Index the persons just written with these blind indexes (by COPY, without their ids at hand).

    Their rows are read back by the blind index (a query over every shard of the persons) and those not
    indexed yet are copied into the index in the same transaction. A number another person holds (a
    concurrent registration in another county) fails on the index's primary key: an IntegrityError.
    """
    if not blind_indexes or not identity_index_present():
        return 0
    written = 0
    for start in range(0, len(blind_indexes), 20_000):
        chunk = list(blind_indexes[start : start + 20_000])
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT blind_index, person_id FROM {IDENTITY_INDEX} WHERE blind_index = ANY(%s)", [chunk])
            indexed = set(cursor.fetchall())
        persons = Person.objects.filter(identity_blind_index__in=chunk)
        rows = [
            row
            for row in persons.values_list("identity_blind_index", "county_code", "pk")
            if (row[0], row[2]) not in indexed
        ]
        identity_index_copy(rows)
        written += len(rows)
    return written


def identity_index_add_staged(table: str) -> int:
    """Index the persons just written from a staging table (its column ``identity_blind_index``)."""
    if not identity_index_present():
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT identity_blind_index FROM {table}")
        numbers = [number for (number,) in cursor.fetchall()]
    return identity_index_add_numbers(numbers)


def identity_index_copy(rows: Sequence[tuple[object, ...]]) -> None:
    """Index persons by their (blind index, county code, id) rows; an IntegrityError: already registered."""
    columns = "blind_index, county_code, person_id"
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {IDENTITY_INDEX} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
