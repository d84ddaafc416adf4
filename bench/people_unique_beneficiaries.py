"""Benchmark: register N persons on PostgreSQL, then count unique beneficiaries per county and year.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cp_people_bench \\
        .venv/bin/python bench/people_unique_beneficiaries.py [--persons 1000000]

Persons go through the bulk service (``persons_register_bulk``: every number validated against
GB 11643, encrypted with AES-GCM and blind-indexed, written with COPY). Each person has 1–3 benefits
spread over three years, some repeated in a year, so DISTINCT matters. The selector
``beneficiaries_by_county_and_year`` is then timed against one hand-written SQL query in the same
run; the figure is the ratio of median times (selector / SQL). Not part of the test suite.
"""

import argparse
import datetime
import json
import os
import random
import resource
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from counterpart.core.audit import Actor  # noqa: E402
from counterpart.people.identity import identity_compose  # noqa: E402
from counterpart.people.models import Benefit, BenefitKind, Household, Person, Relation, Sex  # noqa: E402
from counterpart.people.selectors import beneficiaries_by_county_and_year  # noqa: E402
from counterpart.people.services import (  # noqa: E402
    BenefitRow,
    HouseholdRow,
    PersonRow,
    benefits_record_bulk,
    households_register_bulk,
    persons_register_bulk,
)
from counterpart.registry.models import Area, Program  # noqa: E402
from counterpart.registry.services import AreaRow, areas_upsert, program_create  # noqa: E402

ACTOR = Actor.system("bench")
SLUG = "bench-people"
COUNTIES = [f"5290{n:02d}" for n in range(1, 51)]  # 50 synthetic counties of a synthetic prefecture
VILLAGES_PER_COUNTY = 10
YEARS = (2017, 2018, 2019)
HAND_SQL = """
    SELECT county_code, year, COUNT(DISTINCT person_id)
    FROM people_benefit WHERE program_id = %s
    GROUP BY county_code, year ORDER BY county_code, year
"""


def _areas() -> list[Area]:
    rows = [AreaRow("52", "贵州省"), AreaRow("5290", "基准市")]
    for county in COUNTIES:
        rows += [AreaRow(county, f"基准县{county}"), AreaRow(f"{county}100", f"基准镇{county}")]
        rows += [AreaRow(f"{county}100{v:03d}", f"基准村{county}-{v}") for v in range(200, 200 + VILLAGES_PER_COUNTY)]
    areas_upsert(actor=ACTOR, rows=rows, source="bench")
    return list(Area.objects.filter(level="village", code__startswith="5290").order_by("code"))


def _load(persons: int, rng: random.Random) -> Program:
    villages = _areas()
    program = program_create(
        actor=ACTOR, slug=SLUG, name_zh="基准", donor_area=Area.objects.get(code="52"), start_year=2016
    )
    household_count = -(-persons // 3)
    started = time.perf_counter()
    households_register_bulk(
        actor=ACTOR,
        rows=[
            HouseholdRow(number=f"B-{n:08d}", village=villages[n % len(villages)], poverty_cause="illness")
            for n in range(household_count)
        ],
        year=2016,
        source="bench",
    )
    used: set[str] = set()

    def rows() -> Iterator[PersonRow]:
        made = 0
        homes = Household.objects.filter(number__startswith="B-").select_related("village").order_by("id")
        for home in homes.iterator(chunk_size=10_000):
            for member in range(3 if made + 3 <= persons else persons - made):
                male = rng.random() < 0.5
                while True:
                    birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 75))
                    sequence = rng.randrange(0, 500) * 2 + (1 if male else 0)
                    number = identity_compose(home.village.code[:6], birth, sequence)
                    if number not in used:
                        used.add(number)
                        break
                yield PersonRow(
                    name="某某",
                    sex=Sex.MALE if male else Sex.FEMALE,
                    area=home.village,
                    identity_number=number,
                    household=home,
                    relation=Relation.HEAD if member == 0 else Relation.CHILD,
                )
                made += 1
            if made >= persons:
                return

    count = persons_register_bulk(actor=ACTOR, rows=rows(), source="bench")
    used.clear()
    register_seconds = time.perf_counter() - started
    print(f"registered {count:,} persons in {register_seconds:.1f} s ({count / register_seconds:,.0f}/s)")

    started = time.perf_counter()

    def benefit_rows() -> Iterator[BenefitRow]:
        for person_id, area_code in (
            Person.objects.filter(county_code__startswith="5290")
            .values_list("id", "area_id")
            .iterator(chunk_size=20_000)
        ):
            for _ in range(rng.choice((1, 1, 2, 3))):
                year = rng.choice(YEARS)
                yield BenefitRow(
                    person_id=person_id,
                    area_code=area_code,
                    kind=BenefitKind.OTHER,
                    date=datetime.date(year, rng.randint(1, 12), 1),
                )

    benefits = benefits_record_bulk(actor=ACTOR, program=program, rows=benefit_rows(), source="bench")
    print(f"recorded {benefits:,} benefits in {time.perf_counter() - started:.1f} s")
    program.bench_register_seconds = register_seconds  # type: ignore[attr-defined]
    return program


def _median_seconds(run, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2009)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL: set DATABASE_URL=postgres://… (the bulk path uses COPY)")
    call_command("migrate", verbosity=0)
    program = Program.objects.filter(slug=SLUG).first()
    register_seconds = None
    if program is None:
        program = _load(args.persons, random.Random(args.seed))
        register_seconds = program.bench_register_seconds  # type: ignore[attr-defined]
    else:
        print("reusing the persons already loaded (drop the database to load again)")
    persons = Person.objects.filter(county_code__startswith="5290").count()
    benefits = Benefit.objects.filter(program=program).count()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE people_benefit") if not connection.in_atomic_block else None

    def by_selector() -> dict:
        return beneficiaries_by_county_and_year(program)

    def by_sql() -> dict:
        with connection.cursor() as cursor:
            cursor.execute(HAND_SQL, [program.pk])
            return {(county, year): n for county, year, n in cursor.fetchall()}

    by_sql()  # warm the cache for both
    selector_seconds, selector_result = _median_seconds(by_selector, args.repeat)
    sql_seconds, sql_result = _median_seconds(by_sql, args.repeat)
    assert selector_result == sql_result, "selector and SQL disagree"
    ratio = selector_seconds / sql_seconds
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"persons {persons:,}  benefits {benefits:,}  groups {len(sql_result)}")
    print(
        f"unique beneficiaries per county and year: selector {selector_seconds * 1000:.1f} ms (median of {args.repeat})"
    )
    print(f"                                          SQL      {sql_seconds * 1000:.1f} ms (median of {args.repeat})")
    print(f"ratio selector / SQL: {ratio:.3f}")
    print(f"peak RSS: {peak_rss_mb:,.0f} MB")
    results = [
        {
            "name": "people_unique_beneficiaries_by_county_year",
            "value": round(selector_seconds * 1000, 2),
            "unit": "ms",
            "baseline": round(sql_seconds * 1000, 2),
            "ratio": round(ratio, 3),
            "persons": persons,
            "benefits": benefits,
        },
        {"name": "people_bench_peak_rss", "value": round(peak_rss_mb), "unit": "MB", "baseline": None, "ratio": None},
    ]
    if register_seconds:
        results.append(
            {
                "name": "people_register_bulk_rate",
                "value": round(persons / register_seconds),
                "unit": "persons/s",
                "baseline": None,
                "ratio": None,
            }
        )
    from common import results_path  # bench/common.py: results/run.json, or latest.json with BENCH_RECORD=1

    path = results_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(path.read_text()) if path.exists() else []
    names = {r["name"] for r in results}
    path.write_text(json.dumps([r for r in existing if r["name"] not in names] + results, indent=1) + "\n")
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
