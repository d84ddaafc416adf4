"""The web app's list pages of a national-scale program against hand-written SQL for the same page.

    DATABASE_URL=postgres://… counterpart synth --scale 0.1 --yes
    DATABASE_URL=postgres://… python bench/web_lists_bench.py [--program SLUG]

Signs in (Django's test client) as the program office of the synthetic program and as the office of
its first county, and times the first page of the lists that grow with the nation — people,
households, ledger transactions — as each user sees them: scoping, filters, the capped count, the
page rendered. The baseline is the same fifty rows and the same capped count as one hand-written
query each (no rendering), so the ratio is what the application adds; the absolute times say
whether a page is fast. Median of 5 warm runs.
"""

import argparse
from typing import Any

from common import django_setup, median_seconds, print_table, record

PAGE = 50
CAP = 10_000

# The rows a program office sees: what its benefits reached (EXISTS), in each list's order.
OFFICE_SQL = {
    "people": (
        "SELECT p.id FROM people_person p WHERE EXISTS (SELECT 1 FROM people_benefit b WHERE b.person_id = p.id"
        " AND b.program_id = %(program)s) ORDER BY p.county_code, p.id"
    ),
    "households": (
        "SELECT h.id FROM people_household h WHERE EXISTS (SELECT 1 FROM people_person p JOIN people_benefit b"
        " ON b.person_id = p.id WHERE p.household_id = h.id AND b.program_id = %(program)s) ORDER BY h.number, h.id"
    ),
    "funds": "SELECT t.id FROM funds_ledgertransaction t WHERE t.program_id = %(program)s ORDER BY t.date, t.id",
}
# A county office: its own county's rows.
COUNTY_SQL = {
    "people": "SELECT p.id FROM people_person p WHERE p.county_code = %(county)s ORDER BY p.county_code, p.id",
    "households": "SELECT h.id FROM people_household h WHERE h.county_code = %(county)s ORDER BY h.number, h.id",
    "funds": (
        "SELECT t.id FROM funds_ledgertransaction t WHERE t.recipient_area_id LIKE %(prefix)s ORDER BY t.date, t.id"
    ),
}


def hand_page(sql: str, params: dict[str, Any]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT {PAGE}", params)
        cursor.fetchall()
        unordered = sql.rsplit(" ORDER BY ", 1)[0]
        cursor.execute(f"SELECT COUNT(*) FROM ({unordered} LIMIT {CAP + 1}) s", params)
        cursor.fetchone()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--program", default=None)
    args = parser.parse_args()
    django_setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from counterpart.access.models import Membership, Role
    from counterpart.people.models import Person
    from counterpart.registry.models import Area, Program

    settings.ALLOWED_HOSTS = ["*"]
    program = (
        Program.objects.get(slug=args.program)
        if args.program
        else Program.objects.filter(slug__startswith="synth-").order_by("-id").first()
    )
    if program is None:
        raise SystemExit("no synthetic program: run `counterpart synth --scale 0.1` first")
    county = Person.objects.values_list("county_code", flat=True).order_by("county_code").first() or ""
    users = get_user_model().objects

    def user(name: str, **membership: Any) -> Any:
        found, created = users.get_or_create(username=name)
        if created:
            Membership.objects.create(user=found, **membership)
        return found

    office = user(f"bench-office-{program.pk}", role=Role.PROGRAM_OFFICE, program=program)
    county_office = user(f"bench-county-{county}", role=Role.RECIPIENT_OFFICE, area=Area.objects.get(code=county))
    params = {"program": program.pk, "county": county, "prefix": f"{county}%"}
    rows = []
    for who, account, queries in (("office", office, OFFICE_SQL), ("county", county_office, COUNTY_SQL)):
        client = Client()
        client.force_login(account)
        for slug, sql in queries.items():
            response = client.get(f"/app/{slug}/")
            assert response.status_code == 200, (who, slug, response.status_code)
            page = median_seconds(lambda c=client, s=slug: c.get(f"/app/{s}/"))
            baseline = median_seconds(lambda q=sql: hand_page(q, params))
            rows.append(record(f"web_list_{slug}_{who}_vs_hand_sql", page, "s", baseline))
    print(f"program {program.slug}, county {county}")
    print_table(rows)


if __name__ == "__main__":
    main()
