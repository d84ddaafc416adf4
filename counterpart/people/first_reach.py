"""Persons first reached per program × year × county (``FirstReachSummary``): unique persons over years.

The persons a program reached over several years are not a sum of the years' unique counts (a person
reached in 2016 and 2018 counts once), and counting them from the benefits is a ``COUNT(DISTINCT)``
over every benefit of those years — the costly part of a cumulative report at national scale. Counting
each person once, under the year of their first benefit in the program, makes the range additive: when
nobody in the scope was reached before the range's first year, the persons reached in ``[year,
year_to]`` are exactly the persons first reached up to ``year_to``. Any other range is answered by the
caller from the benefits (``beneficiaries_count_from_first_reach`` says when, by returning None).

It is kept by the functions that keep ``BeneficiarySummary`` (counterpart/people/summary.py), in the
same transaction, so every path that writes benefits keeps both:

- ``first_reach_add(program_id, created, county_of)`` — the people services' increment: a person whose
  new benefit is their first in the program adds one to its year; a benefit earlier than the person's
  first moves them from the old year to the new one;
- ``first_reach_refresh(keys)`` — bulk writers: recounts the ``(program_id, county_code)`` keys they
  touched, set-based;
- ``first_reach_rebuild(program_id)`` — ``counterpart synth`` and the migration that created the table.

A person's first year depends on all their benefits, not only on the row being written, so the row
locks of ``BeneficiarySummary`` (one key a year) do not serialise two writers of the same person in
different years. Both writers here first take a transaction-scoped advisory lock per ``(program,
county)`` in key order, then read the benefits: the second waits for the first to commit and then sees
its rows (PostgreSQL READ COMMITTED). They are taken after the ``BeneficiarySummary`` row locks, always,
so the two kinds of lock are acquired in one global order. ``counterpart check-integrity --check
people.first_reach_summary`` recomputes the whole table from the benefits.
"""

import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from django.db import connection, transaction
from django.db.models import Min, Q, Sum

from counterpart.core.bulk import summary_mismatches, summary_rebuild
from counterpart.core.distribution import COUNTY_CODE_LENGTH, county_filter

from .models import Benefit, FirstReachSummary

Key = tuple[int, int, str]  # (program_id, first year, county_code)
County = tuple[int, str]  # (program_id, county_code)

_LOCK_NAMESPACE = 6_000_007  # high bits of the advisory key; intake batches use the two-int form

_FIRST_YEARS_SQL = (
    # each person's first year in the program, under the person's county, then counted per year
    "SELECT f.program_id, f.first_year, f.county_code, COUNT(*) FROM ("
    " SELECT b.program_id, p.county_code, b.person_id, MIN(b.year) AS first_year "
    " FROM people_benefit b JOIN people_person p ON p.id = b.person_id AND p.county_code = b.county_code "
    " {where} GROUP BY b.program_id, p.county_code, b.person_id"
    ") f GROUP BY f.program_id, f.first_year, f.county_code"
)


def _lock(counties: Iterable[County]) -> None:
    """Hold the (program, county) keys until the transaction ends, in key order (no deadlock)."""
    if connection.vendor != "postgresql":
        return  # SQLite writes one transaction at a time
    with connection.cursor() as cursor:
        for program_id, county in sorted(set(counties)):
            key = ((_LOCK_NAMESPACE + program_id) << 32) | zlib.crc32(county.encode())
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _apply(program_id: int, increments: Mapping[tuple[int, str], int]) -> None:
    """Add signed increments to the (year, county) rows of a program; a row down to zero goes."""
    increments = {key: n for key, n in increments.items() if n}
    if not increments:
        return
    rows = {
        (row.year, row.county_code): row
        for row in FirstReachSummary.objects.filter(
            program_id=program_id,
            year__in={year for year, _c in increments},
            county_code__in={county for _y, county in increments},
        )
    }
    created: list[FirstReachSummary] = []
    changed: list[FirstReachSummary] = []
    emptied: list[FirstReachSummary] = []
    for (year, county), n in sorted(increments.items()):
        row = rows.get((year, county))
        if row is None:
            created.append(FirstReachSummary(program_id=program_id, year=year, county_code=county, persons=n))
            continue
        row.persons += n
        (changed if row.persons else emptied).append(row)
    FirstReachSummary.objects.bulk_create(created)
    FirstReachSummary.objects.bulk_update(changed, ["persons"])
    FirstReachSummary.objects.filter(pk__in=[row.pk for row in emptied]).delete()


def first_reach_add(program_id: int, created: Sequence[Benefit], county_of: Mapping[int, str]) -> None:
    """Count the persons these new benefits (of one program) reach first, or reach earlier than before.

    ``county_of`` maps each person to their county. Call in the transaction that created the benefits,
    after the ``BeneficiarySummary`` locks.
    """
    if not created:
        return
    new_first: dict[int, int] = {}
    for benefit in created:
        new_first[benefit.person_id] = min(benefit.year, new_first.get(benefit.person_id, benefit.year))
    with transaction.atomic():
        _lock((program_id, county_of[person]) for person in new_first)
        earlier: dict[int, int] = {}
        persons = sorted(new_first)
        for start in range(0, len(persons), 20_000):
            rows = (
                Benefit.objects.filter(program_id=program_id, person_id__in=persons[start : start + 20_000])
                .exclude(pk__in=[benefit.pk for benefit in created])
                .values("person_id")
                .annotate(first=Min("year"))
                .values_list("person_id", "first")
                .order_by()
            )
            earlier.update(rows)
        increments: dict[tuple[int, str], int] = defaultdict(int)
        for person, year in new_first.items():
            county, before = county_of[person], earlier.get(person)
            if before is None:
                increments[(year, county)] += 1
            elif year < before:
                increments[(before, county)] -= 1
                increments[(year, county)] += 1
        _apply(program_id, increments)


def first_reach_recomputed(program_id: int | None = None) -> dict[Key, int]:
    """The summary as the benefits give it (of one program, or all), in one grouped query."""
    where, params = ("WHERE b.program_id = %s", [program_id]) if program_id is not None else ("", [])
    with connection.cursor() as cursor:
        cursor.execute(_FIRST_YEARS_SQL.format(where=where), params)
        return {(int(p), int(y), str(c)): int(n) for p, y, c, n in cursor.fetchall()}


def _recount(program_id: int, county: str) -> dict[Key, int]:
    """One county's first years, driven from the county's persons (the index on their county)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _FIRST_YEARS_SQL.format(where="WHERE p.county_code = %s AND b.program_id = %s"), [county, program_id]
        )
        return {(int(p), int(y), str(c)): int(n) for p, y, c, n in cursor.fetchall()}


def first_reach_refresh(counties: Iterable[County]) -> int:
    """Recount these (program_id, county_code) keys from the benefits; for bulk writers, after writing."""
    ordered = sorted({(int(p), str(c)) for p, c in counties})
    if not ordered:
        return 0
    with transaction.atomic():
        _lock(ordered)
        for program_id, county in ordered:
            FirstReachSummary.objects.filter(program_id=program_id, county_code=county).delete()
            FirstReachSummary.objects.bulk_create(
                FirstReachSummary(program_id=p, year=y, county_code=c, persons=n)
                for (p, y, c), n in sorted(_recount(program_id, county).items())
            )
    return len(ordered)


def first_reach_rebuild(program_id: int | None = None) -> int:
    """Replace the summary of one program (or all) by its recomputation: INSERT … SELECT, set-based."""
    return summary_rebuild(FirstReachSummary, _FIRST_YEARS_SQL, program_id)


def first_reach_mismatches(program_id: int | None = None) -> list[tuple[Key, int, int]]:
    """Keys whose stored count differs from the benefits: (key, stored, recomputed)."""
    return summary_mismatches(FirstReachSummary, first_reach_recomputed(program_id), program_id)


def beneficiaries_count_from_first_reach(
    program_id: int, year: int, year_to: int, area_code: str | None = None
) -> int | None:
    """Unique persons reached in ``[year, year_to]`` (in an area: a county or coarser), or None.

    None when the summary cannot give it exactly: someone in the scope was first reached before
    ``year`` (they may or may not be reached again within the range), or the area is finer than a
    county (the summary is per county). The caller then counts the benefits.
    """
    if area_code is not None and len(area_code) > COUNTY_CODE_LENGTH:
        return None
    rows = FirstReachSummary.objects.filter(program_id=program_id, year__lte=year_to)
    if area_code is not None:
        rows = rows.filter(county_filter("county_code", area_code))
    totals = rows.aggregate(
        before=Sum("persons", filter=Q(year__lt=year)), within=Sum("persons", filter=Q(year__gte=year))
    )
    if totals["before"]:
        return None
    return int(totals["within"] or 0)
