"""The distribution column of a national deployment: ``county_code`` on every large table.

On Citus (distributed PostgreSQL; docs/scale.md) the large tables are distributed by the recipient
county's six-digit code and co-located, so the work of one county — its persons, households,
benefits, projects, ledger transactions and postings — lives on one node, and a query that names
one county is routed to that node alone. Selectors filter through ``county_filter`` so a county's
(or finer) scope becomes an equality on the column, the form the planner prunes shards by.
``DISTRIBUTED_TABLES`` lists the tables and is checked by counterpart/core/tests/test_distribution.py.
"""

from django.db.models import Q

# model label → the distribution column (always ``county_code``; listed so a test can hold us to it)
DISTRIBUTED_TABLES: dict[str, str] = {
    "people.Person": "county_code",
    "people.Household": "county_code",
    "people.HouseholdStatus": "county_code",
    "people.Benefit": "county_code",
    "people.StudentAid": "county_code",
    "people.VillageAdvancement": "county_code",
    "people.BeneficiarySummary": "county_code",
    "projects.Project": "county_code",
    "funds.LedgerTransaction": "county_code",
    "funds.Posting": "county_code",
}
COUNTY_CODE_LENGTH = 6


def county_filter(field: str, area_code: str) -> Q:
    """Rows of an area: an equality on the county column for a county or finer, a prefix above it."""
    if len(area_code) >= COUNTY_CODE_LENGTH:
        return Q(**{field: area_code[:COUNTY_CODE_LENGTH]})
    return Q(**{f"{field}__startswith": area_code})
