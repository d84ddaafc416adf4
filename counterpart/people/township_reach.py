"""Persons reached per program × year × county × township (``TownshipReachSummary``): a county office's panel.

A county office's dashboard lists its townships with the persons the program reached in each in the year,
a ``COUNT(DISTINCT person)`` over the county's benefits of the year grouped by the township of the place
each reached them (``area_code``'s first nine digits) — a scan that grows with the county's benefits, and
one the covering index cannot answer (it has no ``area_code``). Each row here holds that count; a person
reached in two townships counts in each, as on the records' path (the panel is per township). The county is
the benefits' ``county_code`` (the person's county), the column that path filters by; a benefit placed above
a township (a six-digit ``area_code``) has a shorter ``township_code`` and is in no township's figure.

Kept by the functions that keep ``BeneficiarySummary`` (counterpart/people/summary.py), in the same
transaction and under its row locks (its key ``(program, year, county)`` leads this table's):

- ``township_reach_add(program_id, created)`` — the people services' increment: a person reached in a
  township for the first time that year adds one to its row;
- ``township_reach_refresh(keys)`` — bulk writers: recounts the ``(program, year, county)`` keys, set-based;
- ``township_reach_rebuild(program_id)`` — ``counterpart synth`` and the migration that created the table.

``counterpart check-integrity --check people.township_reach_summary`` recomputes the table from the benefits.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import connection, transaction

from counterpart.core.bulk import summary_mismatches, summary_rebuild, summary_recount

from .models import Benefit, TownshipReachSummary

Key = tuple[int, int, str, str]  # (program_id, year, county_code, township_code)
Cell = tuple[int, int, str]  # (program_id, year, county_code)

TOWNSHIP_CODE_LENGTH = 9
_TABLE = "people_townshipreachsummary"
_COLUMNS = ("program_id", "year", "county_code", "township_code", "persons")
_COUNTS_SQL = (
    "SELECT b.program_id, b.year, b.county_code, SUBSTR(b.area_code, 1, 9), COUNT(DISTINCT b.person_id) "
    "FROM people_benefit b {where} GROUP BY b.program_id, b.year, b.county_code, SUBSTR(b.area_code, 1, 9)"
)


def township_of(area_code: str) -> str:
    return area_code[:TOWNSHIP_CODE_LENGTH]


def township_reach_add(program_id: int, created: Sequence[Benefit]) -> None:
    """Count the persons these new benefits (of one program) reach in a township for the first time that
    year. Call in the transaction that created them, under the ``BeneficiarySummary`` row locks."""
    reached: dict[tuple[int, int, str], str] = {}  # (person, year, township) → county
    for benefit in created:
        reached[(benefit.person_id, benefit.year, township_of(benefit.area_code))] = benefit.county_code
    if not reached:
        return
    persons = sorted({person for person, _y, _t in reached})
    years = sorted({year for _p, year, _t in reached})
    earlier: set[tuple[int, int, str]] = set()
    for start in range(0, len(persons), 20_000):
        rows = (
            Benefit.objects.filter(program_id=program_id, person_id__in=persons[start : start + 20_000], year__in=years)
            .exclude(pk__in=[benefit.pk for benefit in created])
            .values_list("person_id", "year", "area_code")
            .distinct()
            .order_by()
        )
        earlier.update((person, year, township_of(area)) for person, year, area in rows)
    increments: dict[Key, int] = defaultdict(int)
    for (person, year, township), county in reached.items():
        if (person, year, township) not in earlier:
            increments[(program_id, year, county, township)] += 1
    with transaction.atomic(), connection.cursor() as cursor:
        for key, n in sorted(increments.items()):
            cursor.execute(
                f"INSERT INTO {_TABLE} ({', '.join(_COLUMNS)}) VALUES (%s, %s, %s, %s, %s) "
                "ON CONFLICT (program_id, year, county_code, township_code) "
                f"DO UPDATE SET persons = {_TABLE}.persons + EXCLUDED.persons",
                [*key, n],
            )


def township_reach_refresh(cells: Iterable[Cell]) -> int:
    """Recount these (program_id, year, county_code) keys from the benefits; for bulk writers, after writing,
    under the ``BeneficiarySummary`` row locks of the keys (``beneficiary_summary_refresh`` calls it)."""
    select = _COUNTS_SQL.format(where="WHERE b.program_id = %s AND b.year = %s AND b.county_code = %s")
    return summary_recount(TownshipReachSummary, cells, select, _COLUMNS)


def township_reach_rebuild(program_id: int | None = None) -> int:
    """Replace the summary of one program (or all) by its recomputation: INSERT … SELECT, set-based."""
    return summary_rebuild(TownshipReachSummary, _COUNTS_SQL, program_id, columns=_COLUMNS)


def township_reach_recomputed(program_id: int | None = None) -> dict[Key, int]:
    where, params = ("WHERE b.program_id = %s", [program_id]) if program_id is not None else ("", [])
    with connection.cursor() as cursor:
        cursor.execute(_COUNTS_SQL.format(where=where), params)
        return {(int(p), int(y), str(c), str(t)): int(n) for p, y, c, t, n in cursor.fetchall()}


def township_reach_mismatches(program_id: int | None = None) -> list[tuple[Key, int, int]]:
    """Keys ``(program, year, county, township)`` whose stored count differs from the benefits: (key,
    stored, recomputed)."""
    return summary_mismatches(
        TownshipReachSummary, township_reach_recomputed(program_id), program_id, key_fields=_COLUMNS[:4]
    )


def township_persons(program_id: int, year: int, county: str) -> dict[str, int]:
    """Unique persons reached in the year in each township, of the benefits of ``county``'s persons."""
    rows = TownshipReachSummary.objects.filter(program_id=program_id, year=year, county_code=county)
    return {
        code: n for code, n in rows.values_list("township_code", "persons") if n and len(code) == TOWNSHIP_CODE_LENGTH
    }
