"""Persons by the set of pairings they were reached through (``PairingReachSummary``): a donor's unique count.

A donor district's view is its pairings and those below them; the persons they reached in a year, per
county, are a ``COUNT(DISTINCT person)`` over those pairings' benefits — a scan that grows with the
benefits. Per-pairing counts would not add up (a person reached through two of the pairings counts once),
so each person counts once here, in the row of their county and of the *set* of pairings their benefits of
the program and year came through (``pairings``, ids ascending, comma-separated). The persons any set of
pairings reached are the sum over the rows whose set meets it: exact, whatever the set, from rows that
number about one per pairing and county (persons reached through several pairings of a county add a few).

The county is the benefits' ``county_code`` (the person's county: a benefit lives with its person), the
column the dashboard groups by. It is kept by the functions that keep ``BeneficiarySummary``
(counterpart/people/summary.py), in the same transaction and under its row locks: its key ``(program,
year, county)`` is a key of this table too, so two writers of the same persons' year queue on that row.

- ``pairing_reach_add(program_id, created)`` — the people services' increment: a person whose new benefit
  comes through a pairing not yet in their set of that year moves from the row of the old set to the new;
- ``pairing_reach_refresh(keys)`` — bulk writers: recounts the ``(program, year, county)`` keys, set-based;
- ``pairing_reach_rebuild(program_id)`` — ``counterpart synth`` and the migration that created the table.

``counterpart check-integrity --check people.pairing_reach_summary`` recomputes the table from the benefits.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from django.db import connection, transaction

from counterpart.core.bulk import summary_recount
from counterpart.core.distribution import COUNTY_CODE_LENGTH, county_filter

from .models import Benefit, PairingReachSummary

Key = tuple[int, int, str, str]  # (program_id, year, county_code, pairings)
Cell = tuple[int, int, str]  # (program_id, year, county_code): BeneficiarySummary's key

_TABLE = "people_pairingreachsummary"
_COLUMNS = "program_id, year, county_code, pairings, persons"
# Each person's set of pairings in a program's year, as text with the ids ascending. PostgreSQL orders
# inside the aggregate; SQLite (3.40, no ORDER BY in an aggregate) concatenates in the order of the
# subquery's rows, which the subquery sorts. The readers split the text, so an order another SQLite
# gave would still count right (the integrity check compares the sets, not the text).
_SET_OF = {
    "postgresql": ("string_agg(CAST(d.pairing_id AS TEXT), ',' ORDER BY d.pairing_id)", ""),
    "sqlite": (
        "group_concat(d.pairing_id, ',')",
        " ORDER BY b.program_id, b.year, b.county_code, b.person_id, b.pairing_id",
    ),
}
_SETS_SQL = (
    "SELECT s.program_id, s.year, s.county_code, s.pairings, COUNT(*) FROM ("
    " SELECT d.program_id, d.year, d.county_code, d.person_id, {set_of} AS pairings FROM ("
    "  SELECT DISTINCT b.program_id, b.year, b.county_code, b.person_id, b.pairing_id FROM people_benefit b"
    "  WHERE b.pairing_id IS NOT NULL {where}{order}"
    " ) d GROUP BY d.program_id, d.year, d.county_code, d.person_id"
    ") s GROUP BY s.program_id, s.year, s.county_code, s.pairings"
)


def _sets_sql(where: str = "") -> str:
    set_of, order = _SET_OF.get(connection.vendor, _SET_OF["postgresql"])
    return _SETS_SQL.format(set_of=set_of, where=where, order=order)


def pairing_set(ids: Iterable[int]) -> str:
    """The stored form of a set of pairing ids."""
    return ",".join(str(pk) for pk in sorted(set(ids)))


def _ids(pairings: str) -> set[int]:
    return {int(pk) for pk in pairings.split(",") if pk}


def _apply(increments: Mapping[Key, int]) -> None:
    """Add signed increments to rows: a person arriving in a set creates its row or adds to it; one leaving
    it (for a larger set) takes one off the row that held them, and a row down to zero goes."""
    key_sql = "program_id = %s AND year = %s AND county_code = %s AND pairings = %s"
    with connection.cursor() as cursor:
        for key, n in sorted(increments.items()):
            if n > 0:
                cursor.execute(
                    f"INSERT INTO {_TABLE} ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s) "
                    "ON CONFLICT (program_id, year, county_code, pairings) "
                    f"DO UPDATE SET persons = {_TABLE}.persons + EXCLUDED.persons",
                    [*key, n],
                )
            elif n < 0:
                cursor.execute(f"UPDATE {_TABLE} SET persons = persons - %s WHERE {key_sql}", [-n, *key])
                cursor.execute(f"DELETE FROM {_TABLE} WHERE {key_sql} AND persons = 0", list(key))


def pairing_reach_add(program_id: int, created: Sequence[Benefit]) -> None:
    """Move the persons these new benefits (of one program) reach through a pairing new to their set of the
    year to the row of their new set. Call in the transaction that created them, under the
    ``BeneficiarySummary`` row locks of their keys."""
    added: dict[tuple[int, int], set[int]] = defaultdict(set)  # (person, year) → new pairings
    county: dict[tuple[int, int], str] = {}
    for benefit in created:
        if benefit.pairing_id is not None:
            added[(benefit.person_id, benefit.year)].add(benefit.pairing_id)
            county[(benefit.person_id, benefit.year)] = benefit.county_code
    if not added:
        return
    persons = sorted({person for person, _year in added})
    years = sorted({year for _person, year in added})
    before: dict[tuple[int, int], set[int]] = defaultdict(set)
    for start in range(0, len(persons), 20_000):
        rows = (
            Benefit.objects.filter(
                program_id=program_id,
                person_id__in=persons[start : start + 20_000],
                year__in=years,
                pairing_id__isnull=False,
            )
            .exclude(pk__in=[benefit.pk for benefit in created])
            .values_list("person_id", "year", "pairing_id")
            .distinct()
            .order_by()
        )
        for person, year, pairing in rows:
            if (person, year) in added:
                before[(person, year)].add(pairing)
    increments: dict[Key, int] = defaultdict(int)
    for (person, year), new in added.items():
        old = before.get((person, year), set())
        if new <= old:
            continue  # reached through those pairings that year already
        code = county[(person, year)]
        if old:
            increments[(program_id, year, code, pairing_set(old))] -= 1
        increments[(program_id, year, code, pairing_set(old | new))] += 1
    with transaction.atomic():
        _apply(increments)


def pairing_reach_refresh(cells: Iterable[Cell]) -> int:
    """Recount these (program_id, year, county_code) keys from the benefits; for bulk writers, after writing,
    under the ``BeneficiarySummary`` row locks of the keys (``beneficiary_summary_refresh`` calls it)."""
    select = _sets_sql("AND b.program_id = %s AND b.year = %s AND b.county_code = %s")
    return summary_recount(PairingReachSummary, cells, select, _COLUMNS.split(", "))


def pairing_reach_rebuild(program_id: int | None = None) -> int:
    """Replace the summary of one program (or all) by its recomputation: INSERT … SELECT, set-based."""
    where, params = ("AND b.program_id = %s", [program_id]) if program_id is not None else ("", [])
    with transaction.atomic(), connection.cursor() as cursor:
        stored = PairingReachSummary.objects.all()
        if program_id is not None:
            stored = stored.filter(program_id=program_id)
        stored.delete()
        cursor.execute(f"INSERT INTO {_TABLE} ({_COLUMNS}) " + _sets_sql(where), params)
        return int(cursor.rowcount)


def _normalised(rows: Iterable[tuple[int, int, str, str, int]]) -> dict[Key, int]:
    """Rows keyed by the set itself (its canonical text), so the check compares sets, not their spelling."""
    keyed: dict[Key, int] = defaultdict(int)
    for program_id, year, county, pairings, persons in rows:
        keyed[(int(program_id), int(year), str(county), pairing_set(_ids(pairings)))] += int(persons)
    return dict(keyed)


def pairing_reach_recomputed(program_id: int | None = None) -> dict[Key, int]:
    where, params = ("AND b.program_id = %s", [program_id]) if program_id is not None else ("", [])
    with connection.cursor() as cursor:
        cursor.execute(_sets_sql(where), params)
        return _normalised(cursor.fetchall())


def pairing_reach_mismatches(program_id: int | None = None) -> list[tuple[Key, int, int]]:
    """Keys ``(program, year, county, pairings)`` whose stored count differs from the benefits: (key,
    stored, recomputed)."""
    rows = PairingReachSummary.objects.all()
    if program_id is not None:
        rows = rows.filter(program_id=program_id)
    stored = _normalised(rows.values_list("program_id", "year", "county_code", "pairings", "persons"))
    recomputed = pairing_reach_recomputed(program_id)
    return [
        (key, stored.get(key, 0), recomputed.get(key, 0))
        for key in sorted(stored.keys() | recomputed.keys())
        if stored.get(key, 0) != recomputed.get(key, 0)
    ]


def persons_reached_through(
    program_id: int, year: int, pairing_ids: Iterable[int], area_code: str | None = None
) -> dict[str, int]:
    """Unique persons reached in the year through any of these pairings, per county (in an area of a county
    or coarser): the rows whose set meets the pairings. A person counts once in their county."""
    if area_code is not None and len(area_code) > COUNTY_CODE_LENGTH:
        raise ValueError("the summary goes down to counties")
    wanted = set(pairing_ids)
    rows = PairingReachSummary.objects.filter(program_id=program_id, year=year)
    if area_code is not None:
        rows = rows.filter(county_filter("county_code", area_code))
    counts: dict[str, int] = defaultdict(int)
    for county, pairings, persons in rows.values_list("county_code", "pairings", "persons"):
        if persons and not wanted.isdisjoint(_ids(pairings)):
            counts[county] += persons
    return dict(counts)
