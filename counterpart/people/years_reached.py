"""Persons by the set of years they were reached in (``YearsReachedSummary``): unique persons over any range.

The persons a program reached over several years are not a sum of the years' unique counts (a person
reached in 2016 and 2018 counts once), and counting them from the benefits is a ``COUNT(DISTINCT)`` over
every benefit of those years. Each person here counts once, in the row of their county and of the *set*
of years they had a benefit of the program in, held as a bitmask (bit ``year - program.start_year``). The
persons reached in any range ``[a, b]`` are then the persons whose set meets the range: the sum of
``persons`` over the rows with ``years_mask & range_mask <> 0`` — exact, whatever the range (a person's
first year, the old first-reach summary, is the lowest bit of their mask).

The mask is a signed 64-bit integer, so it holds 63 years: ``start_year`` to ``start_year + 62``
(``YEARS_HELD``). A program's first year is never changed (``program_update`` refuses it), so a bit always
means the same year. A benefit outside those years (a program running past 63 years, or a row written past
the services' year check) is left out of the mask; a range that reaches outside them is answered from the
summary only when no benefit of the program lies in its outside part, else by the caller from the benefits
(``beneficiaries_count_from_years_reached`` returns None).

It is kept by the functions that keep ``BeneficiarySummary`` (counterpart/people/summary.py), in the
same transaction, so every path that writes benefits keeps both:

- ``years_reached_add(program_id, created, county_of)`` — the people services' increment: a person whose
  new benefit falls in a year not yet in their set moves from the row of the old set to the new one;
- ``years_reached_refresh(counties)`` — bulk writers: recounts the ``(program_id, county_code)`` keys they
  touched, set-based;
- ``years_reached_rebuild(program_id)`` — ``counterpart synth`` and the migration that created the table.

A person's set depends on all their benefits, not only on the row being written, so the row locks of
``BeneficiarySummary`` (one key a year) do not serialise two writers of the same person in different
years. Both writers here first take a transaction-scoped advisory lock per ``(program, county)`` in key
order, then read the benefits: the second waits for the first to commit and then sees its rows
(PostgreSQL READ COMMITTED). They are taken after the ``BeneficiarySummary`` row locks, always, so the two
kinds of lock are acquired in one global order. ``counterpart check-integrity --check
people.years_reached_summary`` recomputes the whole table from the benefits.
"""

import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from django.db import connection, transaction
from django.db.models import F, Sum

from counterpart.core.bulk import summary_mismatches, summary_rebuild
from counterpart.core.distribution import COUNTY_CODE_LENGTH, county_filter
from counterpart.registry.models import Program

from .models import Benefit, YearsReachedSummary

Key = tuple[int, str, int]  # (program_id, county_code, years_mask)
County = tuple[int, str]  # (program_id, county_code)

YEARS_HELD = 63  # bits 0–62 of a signed bigint; bit 63 would make the mask negative
_COLUMNS = ("program_id", "county_code", "years_mask", "persons")
_LOCK_NAMESPACE = 6_000_007  # high bits of the advisory key; intake batches use the two-int form

# A person's years as a mask: PostgreSQL ORs the bits; SQLite has no bit_or aggregate, but the bits of
# distinct years are distinct powers of two, so their distinct sum is their OR.
_MASK_OF = {
    "postgresql": "bit_or(CAST(1 AS BIGINT) << (b.year - r.start_year))",
    "sqlite": "SUM(DISTINCT 1 << (b.year - r.start_year))",
}
_MASKS_SQL = (
    # each person's set of years in the program (within the years held), under the person's county, counted
    "SELECT m.program_id, m.county_code, m.years_mask, COUNT(*) FROM ("
    " SELECT b.program_id, p.county_code, b.person_id, {mask} AS years_mask "
    " FROM people_benefit b JOIN people_person p ON p.id = b.person_id AND p.county_code = b.county_code "
    " JOIN registry_program r ON r.id = b.program_id"
    f" AND b.year BETWEEN r.start_year AND r.start_year + {YEARS_HELD - 1}"
    " {where} GROUP BY b.program_id, p.county_code, b.person_id"
    ") m GROUP BY m.program_id, m.county_code, m.years_mask"
)


def _masks_sql() -> str:
    # the {where} placeholder stays for the caller to fill
    return _MASKS_SQL.replace("{mask}", _MASK_OF.get(connection.vendor, _MASK_OF["postgresql"]))


def _start_year(program_id: int) -> int:
    return int(Program.objects.values_list("start_year", flat=True).get(pk=program_id))


def _bit(year: int, start_year: int) -> int:
    """The year's bit, or 0 for a year outside the years held."""
    offset = year - start_year
    return 1 << offset if 0 <= offset < YEARS_HELD else 0


def _lock(counties: Iterable[County]) -> None:
    """Hold the (program, county) keys until the transaction ends, in key order (no deadlock)."""
    if connection.vendor != "postgresql":
        return  # SQLite writes one transaction at a time
    with connection.cursor() as cursor:
        for program_id, county in sorted(set(counties)):
            key = ((_LOCK_NAMESPACE + program_id) << 32) | zlib.crc32(county.encode())
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _apply(program_id: int, increments: Mapping[tuple[str, int], int]) -> None:
    """Add signed increments to the (county, mask) rows of a program; a row down to zero goes."""
    increments = {key: n for key, n in increments.items() if n}
    if not increments:
        return
    rows = {
        (row.county_code, row.years_mask): row
        for row in YearsReachedSummary.objects.filter(
            program_id=program_id,
            county_code__in={county for county, _m in increments},
            years_mask__in={mask for _c, mask in increments},
        )
    }
    created: list[YearsReachedSummary] = []
    changed: list[YearsReachedSummary] = []
    emptied: list[YearsReachedSummary] = []
    for (county, mask), n in sorted(increments.items()):
        row = rows.get((county, mask))
        if row is None:
            created.append(YearsReachedSummary(program_id=program_id, county_code=county, years_mask=mask, persons=n))
            continue
        row.persons += n
        (changed if row.persons else emptied).append(row)
    YearsReachedSummary.objects.bulk_create(created)
    YearsReachedSummary.objects.bulk_update(changed, ["persons"])
    YearsReachedSummary.objects.filter(pk__in=[row.pk for row in emptied]).delete()


def years_reached_add(program_id: int, created: Sequence[Benefit], county_of: Mapping[int, str]) -> None:
    """Move the persons these new benefits (of one program) reach in a new year to the row of their new set.

    ``county_of`` maps each person to their county. Call in the transaction that created the benefits,
    after the ``BeneficiarySummary`` locks.
    """
    start_year = _start_year(program_id) if created else 0
    added: dict[int, int] = defaultdict(int)
    for benefit in created:
        added[benefit.person_id] |= _bit(benefit.year, start_year)
    added = {person: bits for person, bits in added.items() if bits}
    if not added:
        return
    with transaction.atomic():
        _lock((program_id, county_of[person]) for person in added)
        before: dict[int, int] = defaultdict(int)
        persons = sorted(added)
        for start in range(0, len(persons), 20_000):
            rows = (
                Benefit.objects.filter(program_id=program_id, person_id__in=persons[start : start + 20_000])
                .exclude(pk__in=[benefit.pk for benefit in created])
                .values_list("person_id", "year")
                .distinct()
                .order_by()
            )
            for person, year in rows:
                before[person] |= _bit(year, start_year)
        increments: dict[tuple[str, int], int] = defaultdict(int)
        for person, bits in added.items():
            county, old = county_of[person], before.get(person, 0)
            if old | bits == old:
                continue  # reached in those years already
            if old:
                increments[(county, old)] -= 1
            increments[(county, old | bits)] += 1
        _apply(program_id, increments)


def years_reached_recomputed(program_id: int | None = None) -> dict[Key, int]:
    """The summary as the benefits give it (of one program, or all), in one grouped query."""
    where, params = ("WHERE b.program_id = %s", [program_id]) if program_id is not None else ("", [])
    with connection.cursor() as cursor:
        cursor.execute(_masks_sql().format(where=where), params)
        return {(int(p), str(c), int(m)): int(n) for p, c, m, n in cursor.fetchall()}


def _recount(program_id: int, county: str) -> dict[Key, int]:
    """One county's sets of years, driven from the county's persons (the index on their county)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _masks_sql().format(where="WHERE p.county_code = %s AND b.program_id = %s"), [county, program_id]
        )
        return {(int(p), str(c), int(m)): int(n) for p, c, m, n in cursor.fetchall()}


def years_reached_refresh(counties: Iterable[County]) -> int:
    """Recount these (program_id, county_code) keys from the benefits; for bulk writers, after writing."""
    ordered = sorted({(int(p), str(c)) for p, c in counties})
    if not ordered:
        return 0
    with transaction.atomic():
        _lock(ordered)
        for program_id, county in ordered:
            YearsReachedSummary.objects.filter(program_id=program_id, county_code=county).delete()
            YearsReachedSummary.objects.bulk_create(
                YearsReachedSummary(program_id=p, county_code=c, years_mask=m, persons=n)
                for (p, c, m), n in sorted(_recount(program_id, county).items())
            )
    return len(ordered)


def years_reached_rebuild(program_id: int | None = None) -> int:
    """Replace the summary of one program (or all) by its recomputation: INSERT … SELECT, set-based."""
    return summary_rebuild(YearsReachedSummary, _masks_sql(), program_id, columns=_COLUMNS)


def years_reached_mismatches(program_id: int | None = None) -> list[tuple[Key, int, int]]:
    """Keys ``(program, county, years_mask)`` whose stored count differs from the benefits: (key, stored,
    recomputed)."""
    return summary_mismatches(
        YearsReachedSummary, years_reached_recomputed(program_id), program_id, key_fields=_COLUMNS[:3]
    )


def years_mask(year: int, year_to: int, start_year: int) -> int:
    """The bits of the years ``[year, year_to]`` that the summary holds (0 when it holds none of them)."""
    first, last = max(year, start_year), min(year_to, start_year + YEARS_HELD - 1)
    if first > last:
        return 0
    return ((1 << (last - first + 1)) - 1) << (first - start_year)


def beneficiaries_count_from_years_reached(
    program: Program, year: int, year_to: int, area_code: str | None = None
) -> int | None:
    """Unique persons reached in ``[year, year_to]`` (in an area: a county or coarser), or None.

    None when the summary cannot give it exactly: the area is finer than a county (the summary is per
    county), or part of the range lies outside the years held and the program has a benefit there. The
    caller then counts the benefits.
    """
    if area_code is not None and len(area_code) > COUNTY_CODE_LENGTH:
        return None
    start_year = program.start_year
    first, last = max(year, start_year), min(year_to, start_year + YEARS_HELD - 1)
    if (year < first or year_to > last) and (
        Benefit.objects.filter(program_id=program.pk, year__gte=year, year__lte=year_to)
        .exclude(year__gte=first, year__lte=last)
        .exists()
    ):
        return None  # a benefit the masks do not hold lies in the range
    mask = years_mask(year, year_to, start_year)
    if not mask:
        return 0
    rows = YearsReachedSummary.objects.filter(program_id=program.pk)
    if area_code is not None:
        rows = rows.filter(county_filter("county_code", area_code))
    rows = rows.annotate(hit=F("years_mask").bitand(mask)).exclude(hit=0)
    return int(rows.aggregate(n=Sum("persons"))["n"] or 0)
