"""Annual and cumulative report of a synthetic national program vs hand-written SQL, same run.

    DATABASE_URL=postgres://… counterpart synth --scale 0.1 --yes
    DATABASE_URL=postgres://… python bench/report_bench.py [--program SLUG] [--year 2018]

The baseline computes the same figures with the fewest hand-written SQL queries (one grouped
scan of the ledger, one of projects, one of outputs, …): the ratio report / SQL is the price of
the report engine. Both are timed warm (median of 5 after a warm-up). The persons reached over
2016–2020 and over 2018–2020 are also timed alone: the engine's path (the years-reached summary) against
the ``COUNT(DISTINCT person)`` over the years' benefits it replaces, after checking both give the same
count; and the report of 2018–2020, a range after the program's start, against the hand-written SQL.
"""

import argparse

from common import django_setup, median_seconds, print_table, record

LEDGER_SQL = """
SELECT a.type, t.source, p.category, SUM(po.amount_fen)
FROM funds_posting po
JOIN funds_ledgertransaction t ON t.id = po.transaction_id
JOIN funds_account a ON a.id = po.account_id
LEFT JOIN projects_project p ON p.id = t.project_id
WHERE t.program_id = %(program)s AND t.year BETWEEN %(year)s AND %(year_to)s
GROUP BY 1, 2, 3
"""
PROJECTS_SQL = """
SELECT category, COUNT(*) FROM projects_project
WHERE program_id = %(program)s AND year BETWEEN %(year)s AND %(year_to)s AND status <> 'cancelled'
GROUP BY 1
"""
OUTPUTS_SQL = """
SELECT o.indicator, SUM(o.actual_quantity) FROM projects_projectoutput o
JOIN projects_project p ON p.id = o.project_id
WHERE p.program_id = %(program)s AND p.year BETWEEN %(year)s AND %(year_to)s AND p.status <> 'cancelled'
  AND o.actual_quantity IS NOT NULL
GROUP BY 1
"""
PAIRS_SQL = """
SELECT COUNT(*) FROM registry_pairing
WHERE program_id = %(program)s AND level = 'district_county'
  AND valid_from <= make_date(%(year_to)s, 12, 31) AND (valid_to IS NULL OR valid_to >= make_date(%(year_to)s, 1, 1))
"""
IN_KIND_SQL = """
SELECT item_unit, SUM(item_quantity) FROM funds_ledgertransaction
WHERE program_id = %(program)s AND year BETWEEN %(year)s AND %(year_to)s AND item_quantity IS NOT NULL
GROUP BY 1
"""
REPORTED_SQL = """
SELECT indicator_key, year, year_to, breakdown_code, value FROM indicators_reportedvalue
WHERE program_id = %(program)s AND year BETWEEN %(year)s AND %(year_to)s AND area_id IS NULL AND pairing_id IS NULL
"""
BENEFICIARIES_SQL = """
SELECT COUNT(DISTINCT person_id) FROM people_benefit
WHERE program_id = %(program)s AND year BETWEEN %(year)s AND %(year_to)s
"""
PEOPLE_SQL = """
SELECT t.kind, COUNT(DISTINCT p.person_id), COUNT(p.id), SUM(t.reported_participants)
FROM people_training t LEFT JOIN people_trainingparticipant p ON p.training_id = t.id
WHERE t.program_id = %(program)s AND t.year BETWEEN %(year)s AND %(year_to)s
GROUP BY 1
"""
BASELINE_QUERIES = [
    LEDGER_SQL,
    PROJECTS_SQL,
    OUTPUTS_SQL,
    PAIRS_SQL,
    IN_KIND_SQL,
    REPORTED_SQL,
    BENEFICIARIES_SQL,
    PEOPLE_SQL,
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--program", default=None)
    parser.add_argument("--year", type=int, default=2018)
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the costly baseline queries")
    args = parser.parse_args()
    django_setup()
    from django.db import connection

    from counterpart.funds.models import Posting
    from counterpart.registry.models import Program
    from counterpart.reports.annual import report_annual

    program = (
        Program.objects.get(slug=args.program)
        if args.program
        else Program.objects.filter(slug__startswith="synth-").order_by("-id").first()
    )
    if program is None:
        raise SystemExit("no synthetic program: run `counterpart synth --scale 0.1` first")
    from counterpart.people.models import Benefit, Person

    postings = Posting.objects.filter(transaction__program=program).count()
    persons = Person.objects.filter(benefits__program=program).distinct().count()
    benefits = Benefit.objects.filter(program=program).count()
    print(
        f"program {program.slug}: {postings:,} postings, {persons:,} persons reached, {benefits:,} benefits "
        f"on {connection.vendor}"
    )

    def hand_sql(year: int, year_to: int) -> None:
        with connection.cursor() as cursor:
            for sql in BASELINE_QUERIES:
                cursor.execute(sql, {"program": program.pk, "year": year, "year_to": year_to})
                cursor.fetchall()

    if args.explain:
        # Where the time goes: the ledger scan, the distinct count over benefits, and the summary read.
        summary_sql = (
            "SELECT SUM(persons) FROM people_beneficiarysummary WHERE program_id = %(program)s AND year = %(year)s"
        )
        with connection.cursor() as cursor:
            for title, sql in (("ledger", LEDGER_SQL), ("beneficiaries", BENEFICIARIES_SQL), ("summary", summary_sql)):
                cursor.execute(
                    "EXPLAIN (ANALYZE, BUFFERS) " + sql,
                    {"program": program.pk, "year": args.year, "year_to": args.year},
                )
                print(f"--- {title}\n" + "\n".join(row[0] for row in cursor.fetchall()))

    # Time per figure provider of the engine (median of 3 warm runs each), to see which part costs what.
    from counterpart.people import selectors
    from counterpart.people.report import beneficiaries_reached
    from counterpart.reports.annual import FIGURE_PROVIDERS, AnnualReport

    for name, year, year_to in (("annual", args.year, None), ("cumulative", 2016, 2020)):
        for provider in FIGURE_PROVIDERS:
            seconds = median_seconds(
                lambda p=provider, y=year, t=year_to: p(AnnualReport(program=program, year=y, year_to=t)), repeat=3
            )
            print(f"{name:10} provider {provider.__name__:24} {seconds * 1000:10.1f} ms")

    rows = []
    # The persons reached over the years, as the engine gets them (the years-reached summary, whichever
    # year the range starts in) against COUNT(DISTINCT) over the years' benefits.
    for name, year in (("cumulative", 2016), ("2018_2020", 2018)):
        ranged = AnnualReport(program=program, year=year, year_to=2020)
        summarised, scanned = beneficiaries_reached(ranged), selectors.beneficiaries_count(program, year, 2020)
        assert summarised == scanned, (summarised, scanned)
        print(f"persons reached {year}–2020: {summarised:,} (engine) = {scanned:,} (scan)")
        engine = median_seconds(lambda r=ranged: beneficiaries_reached(r))
        baseline = median_seconds(lambda y=year: selectors.beneficiaries_count(program, y, 2020), repeat=3)
        rows.append(record(f"report_persons_reached_{name}_vs_distinct_scan", engine, "s", baseline))
    for name, year, year_to in (("annual", args.year, None), ("cumulative", 2016, 2020), ("2018_2020", 2018, 2020)):
        engine = median_seconds(lambda y=year, t=year_to: report_annual(program, y, t))
        baseline = median_seconds(lambda y=year, t=year_to: hand_sql(y, t or y))
        rows.append(record(f"report_{name}_vs_hand_sql", engine, "s", baseline))
    print_table(rows)


if __name__ == "__main__":
    main()
