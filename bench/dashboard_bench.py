"""The dashboard's data vs hand-written SQL for the same figures, same database, same run.

    DATABASE_URL=postgres://… counterpart synth --scale 0.1 --yes
    DATABASE_URL=postgres://… python bench/dashboard_bench.py [--program SLUG] [--year 2018]

(or on the demo: ``python bench/dashboard_bench.py --program qingdao-guizhou --year 2009``).

Two ratios, both timed warm (median of 5 after a warm-up):

- ``dashboard_charts_vs_hand_sql``: the charts and the map's figures (``dashboard_data`` without
  the headline, as the page asks for them) against one hand-written grouped query per chart. The SQL results are checked
  against the selectors' before timing, so both compute the same figures.
- ``dashboard_endpoint_vs_hand_sql``: the whole JSON endpoint, through Django's test client as a
  program office (URL routing, scoping, the headline from the report engine, JSON encoding),
  against the same SQL plus the report engine's figures (whose own price is report_bench.py's).

and two for the narrower views, the charts and map of the county with the most benefits (a county
office's view) and of the donor district of that county's pairing (its pairings and those below them),
each against the hand-written SQL of the view's persons reached per county (``COUNT(DISTINCT person)``
over the view's benefits, the figure their charts and map share), checked equal first:

- ``dashboard_county_charts_vs_hand_sql``;
- ``dashboard_donor_charts_vs_hand_sql``.
"""

import argparse
from collections import defaultdict
from decimal import Decimal
from typing import Any

from common import django_setup, median_seconds, print_table, record

DELIVERED = "('disbursed', 'spent', 'in_kind')"
FUNDS_BY_SOURCE_YEAR_SQL = f"""
SELECT t.year, t.source, SUM(po.amount_fen)
FROM funds_posting po
JOIN funds_ledgertransaction t ON t.id = po.transaction_id
JOIN funds_account a ON a.id = po.account_id
WHERE t.program_id = %(program)s AND t.year BETWEEN %(first)s AND %(year)s AND a.type IN {DELIVERED}
GROUP BY 1, 2
"""
FUNDS_BY_CATEGORY_SQL = f"""
SELECT p.category, SUM(po.amount_fen)
FROM funds_posting po
JOIN funds_ledgertransaction t ON t.id = po.transaction_id
JOIN funds_account a ON a.id = po.account_id
JOIN projects_project p ON p.id = t.project_id
WHERE t.program_id = %(program)s AND t.year = %(year)s AND a.type IN {DELIVERED}
GROUP BY 1
"""
FUNDS_BY_AREA_SQL = f"""
SELECT t.recipient_area_id, SUM(po.amount_fen)
FROM funds_posting po
JOIN funds_ledgertransaction t ON t.id = po.transaction_id
JOIN funds_account a ON a.id = po.account_id
WHERE t.program_id = %(program)s AND t.year = %(year)s AND a.type IN {DELIVERED}
GROUP BY 1
"""
PROJECTS_BY_STATUS_SQL = """
SELECT status, COUNT(*) FROM projects_project WHERE program_id = %(program)s AND year = %(year)s GROUP BY 1
"""
BENEFICIARIES_BY_COUNTY_SQL = """
SELECT county_code, COUNT(DISTINCT person_id) FROM people_benefit
WHERE program_id = %(program)s AND year = %(year)s GROUP BY 1
"""
TRAININGS_SQL = """
SELECT t.kind, COUNT(DISTINCT t.id), COUNT(p.id),
       SUM(CASE WHEN p.id IS NULL THEN t.reported_participants ELSE 0 END)
FROM people_training t LEFT JOIN people_trainingparticipant p ON p.training_id = t.id
WHERE t.program_id = %(program)s AND t.year = %(year)s
GROUP BY 1
"""
ENTERPRISE_JOBS_SQL = """
SELECT o.name_zh, SUM(r.jobs_created), SUM(r.people_helped_into_jobs)
FROM enterprise_enterprisereport r
JOIN enterprise_enterprise e ON e.id = r.enterprise_id
JOIN registry_organisation o ON o.id = e.organisation_id
WHERE r.program_id = %(program)s AND r.year = %(year)s AND r.status = 'confirmed'
GROUP BY 1
"""
MARKET_SQL = """
SELECT m.id, m.direct_sales_fen, m.order_value_fen, SUM(p.direct_sales_fen), SUM(p.order_value_fen)
FROM enterprise_marketevent m LEFT JOIN enterprise_eventparticipation p ON p.event_id = m.id
WHERE m.program_id = %(program)s AND m.start_date BETWEEN %(first_day)s AND %(last_day)s
GROUP BY 1, 2, 3
"""
MAP_COUNTIES_SQL = """
SELECT recipient_area_id FROM registry_pairing
WHERE program_id = %(program)s AND level = 'district_county'
  AND valid_from <= %(last_day)s AND (valid_to IS NULL OR valid_to >= %(first_day)s)
"""
QUERIES = {
    "funds_by_source_year": FUNDS_BY_SOURCE_YEAR_SQL,
    "funds_by_category": FUNDS_BY_CATEGORY_SQL,
    "funds_by_area": FUNDS_BY_AREA_SQL,
    "projects_by_status": PROJECTS_BY_STATUS_SQL,
    "beneficiaries_by_county": BENEFICIARIES_BY_COUNTY_SQL,
    "trainings": TRAININGS_SQL,
    "enterprise_jobs": ENTERPRISE_JOBS_SQL,
    "market": MARKET_SQL,
    "map_counties": MAP_COUNTIES_SQL,
}


def hand_sql(connection: Any, params: dict[str, Any]) -> dict[str, list[tuple]]:
    results = {}
    with connection.cursor() as cursor:
        for name, sql in QUERIES.items():
            cursor.execute(sql, params)
            results[name] = cursor.fetchall()
    return results


SCOPE_PERSONS_SQL = """
SELECT county_code, COUNT(DISTINCT person_id) FROM people_benefit
WHERE program_id = %(program)s AND year = %(year)s AND {condition} GROUP BY 1
"""


def scope_persons(connection: Any, params: dict[str, Any], condition: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(SCOPE_PERSONS_SQL.format(condition=condition), params)
        return {code: n for code, n in cursor.fetchall()}


def check_same_figures(sql: dict[str, list[tuple]], charts: dict[str, dict], county: dict[str, Any]) -> None:
    """The hand-written SQL and the selectors must give the same numbers, or the ratio means nothing."""

    def values(key: str, series: int = 0) -> dict[str, float]:
        chart = charts[key]
        return {c["key"]: v for c, v in zip(chart["categories"], chart["series"][series]["values"], strict=True)}

    by_status = {status: n for status, n in sql["projects_by_status"]}
    assert values("projects_by_status") == by_status, (values("projects_by_status"), by_status)
    by_county = {code: n for code, n in sql["beneficiaries_by_county"]}
    assert values("beneficiaries_by_county") == by_county
    by_category = {category: float(Decimal(fen) / 100) for category, fen in sql["funds_by_category"] if fen}
    assert values("funds_by_category") == by_category
    per_source: dict[str, float] = defaultdict(float)
    year = max(int(c["key"]) for c in charts["funds_by_source_year"]["categories"] or [{"key": "0"}])
    for row_year, source, fen in sql["funds_by_source_year"]:
        if row_year == year and fen:
            per_source[source] += float(Decimal(fen) / 100)
    chart = charts["funds_by_source_year"]
    if chart["categories"]:
        column = [c["key"] for c in chart["categories"]].index(str(year))
        assert {s["key"]: s["values"][column] for s in chart["series"] if s["values"][column]} == dict(per_source)
    funds_by_county: dict[str, int] = defaultdict(int)
    for code, fen in sql["funds_by_area"]:
        if code and len(code) >= 6:
            funds_by_county[code[:6]] += fen or 0
    for item in county["counties"]:
        assert item["funds"] == float(Decimal(funds_by_county.get(item["code"], 0)) / 100), item


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--program", default=None)
    parser.add_argument("--year", type=int, default=2018)
    args = parser.parse_args()
    django_setup()
    import datetime

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from counterpart.access.models import Membership, Role
    from counterpart.dashboard import scopes, selectors
    from counterpart.registry.models import Program
    from counterpart.reports.annual import report_annual

    program = (
        Program.objects.get(slug=args.program)
        if args.program
        else Program.objects.filter(slug__startswith="synth-").order_by("-id").first()
    )
    if program is None:
        raise SystemExit("no synthetic program: run `counterpart synth --scale 0.1` first, or pass --program")
    year = args.year
    view = scopes.program_view(program)
    links = scopes.signed_in_links
    first = max(program.start_year, year - 4)
    params = {
        "program": program.pk,
        "year": year,
        "first": first,
        "first_day": datetime.date(year, 1, 1),
        "last_day": datetime.date(year, 12, 31),
    }
    print(f"program {program.slug}, year {year}, on {connection.vendor}")

    def charts() -> tuple[dict[str, dict], dict[str, Any]]:
        # what the page asks for: every chart and the map's figures, without the headline
        data = selectors.dashboard_data(program, year, view, links, headline=False)
        return {chart["key"]: chart for chart in data["charts"]}, data["map"]

    drawn, county = charts()
    check_same_figures(hand_sql(connection, params), drawn, county)

    user, _created = get_user_model().objects.get_or_create(username="bench-dashboard")
    Membership.objects.get_or_create(user=user, role=Role.PROGRAM_OFFICE, program=program)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)
    url = f"/app/programs/{program.slug}/{year}/data.json"

    def endpoint() -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    def sql_and_report() -> None:
        hand_sql(connection, params)
        report_annual(program, year)

    baseline = median_seconds(lambda: hand_sql(connection, params))
    rows = [
        record("dashboard_charts_vs_hand_sql", median_seconds(charts), "s", baseline),
        record("dashboard_endpoint_vs_hand_sql", median_seconds(endpoint), "s", median_seconds(sql_and_report)),
    ]
    rows += narrower_views(connection, program, year, params)
    print_table(rows)


def narrower_views(connection: Any, program: Any, year: int, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The county office's and the donor district's charts, each against its view's hand-written count."""
    from counterpart.dashboard import scopes, selectors
    from counterpart.dashboard.scopes import DashboardView
    from counterpart.people.models import BeneficiarySummary
    from counterpart.registry.models import Pairing, PairingLevel
    from counterpart.registry.selectors import pairing_with_descendants_ids
    from counterpart.reports.annual import Scope

    biggest = BeneficiarySummary.objects.filter(program=program, year=year).order_by("-persons").first()
    pairing = (
        Pairing.objects.filter(
            program=program, level=PairingLevel.DISTRICT_COUNTY, recipient_area_id=biggest.county_code
        )
        .order_by("id")
        .first()
        if biggest is not None
        else None
    )
    if biggest is None or pairing is None:
        print("no county with benefits and a district-county pairing: narrower views not measured")
        return []
    county = biggest.county_code
    donor_ids = sorted(
        {
            pk
            for own in Pairing.objects.filter(program=program, donor_area=pairing.donor_area)
            for pk in pairing_with_descendants_ids(own)
        }
    )
    views = {
        "county": (
            DashboardView("area", Scope(area_code=county), (county,), county, county),
            f"county_code = '{county}'",
        ),
        "donor": (
            DashboardView("pairing", Scope(pairing_ids=tuple(donor_ids)), (county,), "donor", "donor"),
            f"pairing_id IN ({', '.join(str(pk) for pk in donor_ids)})",
        ),
    }
    rows = []
    for name, (view, condition) in views.items():

        def drawn(view: DashboardView = view) -> dict[str, Any]:
            return selectors.dashboard_data(program, year, view, scopes.signed_in_links, headline=False)

        data = drawn()
        # A county office's map carries its prefecture's other counties as grey context, without figures.
        by_county = {c["code"]: c["beneficiaries"] for c in data["map"]["counties"] if c.get("beneficiaries")}
        hand = scope_persons(connection, params, condition)
        assert by_county == hand, (name, by_county, hand)
        print(f"{name} view: {len(donor_ids) if name == 'donor' else 1} pairing(s)/area, {sum(hand.values())} persons")

        def hand_count(condition: str = condition) -> dict[str, int]:
            return scope_persons(connection, params, condition)

        baseline = median_seconds(hand_count)
        rows.append(record(f"dashboard_{name}_charts_vs_hand_sql", median_seconds(drawn), "s", baseline))
    return rows


if __name__ == "__main__":
    main()
