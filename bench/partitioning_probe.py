"""Does partitioning the benefits by year or by province make the year's unique count cheaper?

    DATABASE_URL=postgres://… python bench/partitioning_probe.py [--program SLUG] [--year 2018]

Copies a synthetic program's benefits into two scratch tables partitioned by year (LIST) and by
province (LIST on the first two digits of the county), each with the covering index the real table
has, then times the annual report's distinct count of persons on the plain table, on each
partitioned copy and from the per-county summary (median of 5 warm runs each). The copies live in
one transaction that is rolled back: nothing is left behind. The ratios to the plain table are what
decided summary over partitioning (docs/scale.md).
"""

import argparse

from common import django_setup, median_seconds, print_table, record

COUNT = "SELECT COUNT(DISTINCT person_id) FROM {table} WHERE program_id = %(program)s AND year = %(year)s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--program", default=None)
    parser.add_argument("--year", type=int, default=2018)
    args = parser.parse_args()
    django_setup()
    from django.db import connection, transaction

    from counterpart.registry.models import Program

    program = (
        Program.objects.get(slug=args.program)
        if args.program
        else Program.objects.filter(slug__startswith="synth-").order_by("-id").first()
    )
    if program is None:
        raise SystemExit("no synthetic program: run `counterpart synth` first")
    params = {"program": program.pk, "year": args.year}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE benefit_by_year (program_id bigint, year smallint, county_code varchar(6), "
            "person_id bigint) PARTITION BY LIST (year)"
        )
        for year in range(2016, 2021):
            cursor.execute(f"CREATE TEMP TABLE benefit_y{year} PARTITION OF benefit_by_year FOR VALUES IN ({year})")
        cursor.execute(
            "CREATE TEMP TABLE benefit_by_province (program_id bigint, year smallint, province char(2), "
            "county_code varchar(6), person_id bigint) PARTITION BY LIST (province)"
        )
        cursor.execute("SELECT DISTINCT left(county_code, 2) FROM people_benefit WHERE program_id = %s", [program.pk])
        for (province,) in cursor.fetchall():
            cursor.execute(
                f"CREATE TEMP TABLE benefit_p{province} PARTITION OF benefit_by_province FOR VALUES IN ('{province}')"
            )
        cursor.execute(
            "INSERT INTO benefit_by_year SELECT program_id, year, county_code, person_id FROM people_benefit "
            "WHERE program_id = %s AND year BETWEEN 2016 AND 2020",
            [program.pk],
        )
        cursor.execute(
            "INSERT INTO benefit_by_province SELECT program_id, year, left(county_code, 2), county_code, person_id "
            "FROM people_benefit WHERE program_id = %s",
            [program.pk],
        )
        for table in ("benefit_by_year", "benefit_by_province"):
            cursor.execute(f"CREATE INDEX ON {table} (program_id, year, county_code, person_id)")
            cursor.execute(f"ANALYZE {table}")

        def count(table: str) -> None:
            cursor.execute(COUNT.format(table=table), params)
            cursor.fetchall()

        def summary() -> None:
            cursor.execute(
                "SELECT SUM(persons) FROM people_beneficiarysummary WHERE program_id = %(program)s AND year = %(year)s",
                params,
            )
            cursor.fetchall()

        plain = median_seconds(lambda: count("people_benefit"))
        rows = [
            record(
                "benefits_unique_count_partitioned_by_year_vs_plain",
                median_seconds(lambda: count("benefit_by_year")),
                "s",
                plain,
            ),
            record(
                "benefits_unique_count_partitioned_by_province_vs_plain",
                median_seconds(lambda: count("benefit_by_province")),
                "s",
                plain,
            ),
            record("benefits_unique_count_from_summary_vs_plain", median_seconds(summary), "s", plain),
        ]
        transaction.set_rollback(True)
    print_table(rows)


if __name__ == "__main__":
    main()
