"""Persons reached per program × year × county (``BeneficiarySummary``), kept in step with the benefits.

Counting unique persons over the benefits is the expensive part of the annual report at national
scale (COUNT(DISTINCT person) over tens of millions of rows). The summary holds that count per
program, year and the *person's* county; since a person belongs to one county, the rows add up
across counties to the program-wide count. It is written in the same transaction as the benefits
it summarises, and ``counterpart check-integrity --check people.beneficiary_summary`` recomputes
it from the records.

Who keeps it in step:

- the people services (``benefit_record``, ``training_participants_add``, ``student_aid_grant_batch``,
  ``job_placement_record``) call ``beneficiary_summary_add(created_benefits)`` — an increment that
  looks only at the persons just reached;
- **bulk writers** (``benefits_record_bulk``, an importer writing benefits by COPY, a restore) call
  ``beneficiary_summary_refresh(keys)`` inside their transaction, after the rows are written, with
  the set of ``(program_id, year, county_code)`` keys they touched (``county_code`` is the persons'
  county; ``beneficiary_summary_keys_of(program_id, person_years)`` computes the keys from
  ``(person_id, year)`` pairs). It recomputes those keys set-based, in one statement per 500 keys.
  Writing persons alone changes nothing here: only a benefit makes a person "reached";
- ``counterpart synth`` and the migration that created the table call ``beneficiary_summary_rebuild``.

Each of the three also keeps ``YearsReachedSummary`` (persons by the set of years they were reached in,
which answers unique counts over any range of years; counterpart/people/years_reached.py) and
``PairingReachSummary`` (persons by the set of pairings they were reached through in a year, which answers a
donor's unique counts; counterpart/people/pairing_reach.py) and ``TownshipReachSummary`` (persons reached per
township, a county office's panel; counterpart/people/township_reach.py) in the same transaction.

Both writers first lock the summary rows of their keys (in key order, so they cannot deadlock)
and only then read the benefits: a concurrent writer of the same key waits, and the statement
that counts after the lock sees what it committed (PostgreSQL READ COMMITTED).
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import connection, transaction
from django.db.models import Q, Sum

from counterpart.core.bulk import summary_mismatches, summary_rebuild
from counterpart.core.distribution import COUNTY_CODE_LENGTH, county_filter

from .models import BeneficiarySummary, Benefit, Person
from .pairing_reach import pairing_reach_add, pairing_reach_rebuild, pairing_reach_refresh
from .township_reach import township_reach_add, township_reach_rebuild, township_reach_refresh
from .years_reached import years_reached_add, years_reached_rebuild, years_reached_refresh

Key = tuple[int, int, str]  # (program_id, year, county_code)

_CHUNK = 500


def _lock(keys: Sequence[Key]) -> dict[Key, BeneficiarySummary]:
    """Make sure a row exists for every key and lock them all, in key order."""
    BeneficiarySummary.objects.bulk_create(
        [BeneficiarySummary(program_id=p, year=y, county_code=c, persons=0) for p, y, c in keys],
        ignore_conflicts=True,
    )
    rows: dict[Key, BeneficiarySummary] = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        match = Q()
        for program_id, year, county in chunk:
            match |= Q(program_id=program_id, year=year, county_code=county)
        locked = BeneficiarySummary.objects.select_for_update().filter(match)
        locked = locked.order_by("program_id", "year", "county_code")
        rows.update({(r.program_id, r.year, r.county_code): r for r in locked})
    return rows


def _recount(keys: Sequence[Key]) -> dict[Key, int]:
    """COUNT(DISTINCT person) of each key, driven from the county's persons (index on county_code)."""
    counts: dict[Key, int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            values = ", ".join(["(%s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"WITH k(program_id, year, county_code) AS (VALUES {values}) "
                "SELECT k.program_id, k.year, k.county_code, "
                "(SELECT COUNT(DISTINCT b.person_id) FROM people_person p "
                " JOIN people_benefit b ON b.person_id = p.id AND b.county_code = p.county_code "
                " WHERE p.county_code = k.county_code AND b.program_id = k.program_id AND b.year = k.year) "
                "FROM k",
                [value for key in chunk for value in key],
            )
            counts.update({(int(p), int(y), str(c)): int(n) for p, y, c, n in cursor.fetchall()})
    return counts


def beneficiary_summary_refresh(keys: Iterable[Key]) -> int:
    """Recompute the summary of these (program_id, year, county_code) keys from the benefits.

    For bulk writers: call it in the transaction that wrote the benefits, after writing them.
    Returns the number of keys refreshed.
    """
    ordered = sorted({(int(p), int(y), str(c)) for p, y, c in keys})
    if not ordered:
        return 0
    with transaction.atomic():
        rows = _lock(ordered)
        counts = _recount(ordered)
        changed = []
        for key, row in rows.items():
            if row.persons != counts.get(key, 0):
                row.persons = counts.get(key, 0)
                changed.append(row)
        BeneficiarySummary.objects.bulk_update(changed, ["persons"], batch_size=_CHUNK)
        # A key nobody is reached in any more holds no row (as the rebuild would leave it).
        empty = [row.pk for row in rows.values() if row.persons == 0]
        BeneficiarySummary.objects.filter(pk__in=empty).delete()
        # The persons' sets of years in the program, per county touched (counterpart/people/years_reached.py).
        years_reached_refresh({(program_id, county) for program_id, _year, county in ordered})
        # The persons' sets of pairings and their townships, per key (pairing_reach.py, township_reach.py),
        # under the same locks.
        pairing_reach_refresh(ordered)
        township_reach_refresh(ordered)
    return len(ordered)


def beneficiary_summary_keys_of(program_id: int, person_years: Iterable[tuple[int, int]]) -> set[Key]:
    """The summary keys that benefits of these (person_id, year) pairs fall under."""
    years_by_person: dict[int, set[int]] = defaultdict(set)
    for person_id, year in person_years:
        years_by_person[person_id].add(year)
    keys: set[Key] = set()
    ids = sorted(years_by_person)
    for start in range(0, len(ids), 20_000):
        for person_id, county in Person.objects.filter(pk__in=ids[start : start + 20_000]).values_list(
            "pk", "county_code"
        ):
            keys.update((program_id, year, county) for year in years_by_person[person_id])
    return keys


def beneficiary_summary_add(created: Sequence[Benefit]) -> None:
    """Count the persons these new benefits reach for the first time in their program and year.

    Call in the transaction that created them (their primary keys must be set).
    """
    if not created:
        return
    by_program: dict[int, list[Benefit]] = defaultdict(list)
    for benefit in created:
        by_program[benefit.program_id].append(benefit)
    with transaction.atomic():
        for program_id, benefits in sorted(by_program.items()):
            pairs = {(b.person_id, b.year) for b in benefits}
            county = dict(Person.objects.filter(pk__in={p for p, _y in pairs}).values_list("pk", "county_code"))
            keys = sorted({(program_id, year, county[person]) for person, year in pairs})
            rows = _lock(keys)  # before reading: a concurrent writer's first benefit is then committed and seen
            earlier = set(
                Benefit.objects.filter(
                    program_id=program_id, person_id__in={p for p, _y in pairs}, year__in={y for _p, y in pairs}
                )
                .exclude(pk__in=[b.pk for b in benefits])
                .values_list("person_id", "year")
            )
            increments: dict[Key, int] = defaultdict(int)
            for person, year in pairs - earlier:
                increments[(program_id, year, county[person])] += 1
            changed = []
            for key, row in rows.items():
                row.persons += increments.get(key, 0)
                changed.append(row)
            BeneficiarySummary.objects.bulk_update(changed, ["persons"])
            BeneficiarySummary.objects.filter(pk__in=[r.pk for r in changed if r.persons == 0]).delete()
            years_reached_add(program_id, benefits, county)
            pairing_reach_add(program_id, benefits)
            township_reach_add(program_id, benefits)


_RECOMPUTE_SQL = (
    "SELECT b.program_id, b.year, p.county_code, COUNT(DISTINCT b.person_id) "
    "FROM people_benefit b JOIN people_person p ON p.id = b.person_id AND p.county_code = b.county_code {where} "
    "GROUP BY b.program_id, b.year, p.county_code"
)


def beneficiary_summary_recomputed(program_id: int | None = None) -> dict[Key, int]:
    """The summary as the records give it, computed set-based in one grouped query."""
    where, params = ("WHERE b.program_id = %s", [program_id]) if program_id is not None else ("", [])
    with connection.cursor() as cursor:
        cursor.execute(_RECOMPUTE_SQL.format(where=where), params)
        return {(int(p), int(y), str(c)): int(n) for p, y, c, n in cursor.fetchall()}


def beneficiary_summary_rebuild(program_id: int | None = None) -> int:
    """Replace the summary of one program (or all) by its recomputation: INSERT … SELECT, set-based; the
    years-reached summary with it, in the same transaction."""
    with transaction.atomic():
        rows = summary_rebuild(BeneficiarySummary, _RECOMPUTE_SQL, program_id)
        years_reached_rebuild(program_id)
        pairing_reach_rebuild(program_id)
        township_reach_rebuild(program_id)
        return rows


def beneficiary_summary_mismatches(program_id: int | None = None) -> list[tuple[Key, int, int]]:
    """Keys whose stored count differs from the records: (key, stored, recomputed)."""
    return summary_mismatches(BeneficiarySummary, beneficiary_summary_recomputed(program_id), program_id)


def beneficiaries_count_summarised(program_id: int, year: int, area_code: str | None = None) -> int | None:
    """Unique persons a program reached in a year (in an area of a county or coarser), from the summary.

    A sum over the counties' rows: a person belongs to one county. None for an area finer than a
    county (the summary does not go below one); the caller counts the benefits then.
    """
    if area_code is not None and len(area_code) > COUNTY_CODE_LENGTH:
        return None
    rows = BeneficiarySummary.objects.filter(program_id=program_id, year=year)
    if area_code is not None:
        rows = rows.filter(county_filter("county_code", area_code))
    return int(rows.aggregate(n=Sum("persons"))["n"] or 0)
