"""The distribution column of a national deployment: ``county_code`` on every large table.

On Citus (distributed PostgreSQL; docs/scale.md) the large tables are distributed by the recipient
county's six-digit code and co-located, so the work of one county — its persons, households,
benefits, projects, ledger transactions and postings — lives on one node, and a query that names
one county is routed to that node alone. Selectors filter through ``county_filter`` so a county's
(or finer) scope becomes an equality on the column, the form the planner prunes shards by.
``DISTRIBUTED_TABLES`` lists the tables and is checked by counterpart/core/tests/test_distribution.py.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models
from django.db.models import Q

# model label → the distribution column (always ``county_code``; listed so a test can hold us to it)
DISTRIBUTED_TABLES: dict[str, str] = {
    "people.Person": "county_code",
    "people.Household": "county_code",
    "people.HouseholdStatus": "county_code",
    "people.Benefit": "county_code",
    "people.StudentAid": "county_code",
    "projects.VillageAdvancement": "county_code",
    "people.BeneficiarySummary": "county_code",
    "people.YearsReachedSummary": "county_code",
    # the donor's and the county office's dashboard summaries: their refreshes recount one county's
    # benefits (INSERT … SELECT routed to the county's shard only when the summary is co-located with them)
    "people.PairingReachSummary": "county_code",
    "people.TownshipReachSummary": "county_code",
    "projects.Project": "county_code",
    "funds.LedgerTransaction": "county_code",
    "funds.Posting": "county_code",
}
COUNTY_CODE_LENGTH = 6
DISTRIBUTION_COLUMN = "county_code"

# Tables whose county is their recipient area's (its first six digits), written with each row by the
# services and by bulk writers that name the area (``county_of``); Citus routes every INSERT by it.
COUNTY_FROM_AREA: dict[str, str] = {
    "projects.Project": "recipient_area_id",
    "funds.LedgerTransaction": "recipient_area_id",
}


def county_of(area_code: str | None) -> str:
    """The county column of a row in an area: its code's first six digits, '' for none (program-wide)."""
    return (area_code or "")[:COUNTY_CODE_LENGTH]


def county_columns_filled(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> tuple[list[str], Iterable[Sequence[Any]]]:
    """For a bulk writer: the rows of a table in ``COUNTY_FROM_AREA`` given with their area but without
    their county get the county appended (columns are attnames, rows tuples in their order)."""
    area = COUNTY_FROM_AREA.get(model._meta.label)
    if area is None or DISTRIBUTION_COLUMN in columns or area not in columns:
        return list(columns), rows
    position = list(columns).index(area)
    return [*columns, DISTRIBUTION_COLUMN], ((*row, county_of(row[position])) for row in rows)


def county_filter(field: str, area_code: str) -> Q:
    """Rows of an area: an equality on the county column for a county or finer, a prefix (as a range the
    column's plain index serves: ``code_prefix``) above it."""
    if len(area_code) >= COUNTY_CODE_LENGTH:
        return Q(**{field: area_code[:COUNTY_CODE_LENGTH]})
    return Q(**{f"{field}__code_prefix": area_code})
