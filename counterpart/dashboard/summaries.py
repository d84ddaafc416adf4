"""The dashboard's figures read from the summaries the report reads, wherever they are exact for the view.

At national scale the charts' grouped queries over the records were the dashboard's whole cost: a
``COUNT(DISTINCT person)`` per county over the year's benefits (tens of millions of rows at S = 1.0) and
the year's postings summed by source, category and county (docs/benchmarks.md). The summaries kept in the
same transaction as those records answer the same figures from a few hundred rows, whatever the size:

- persons reached per county: ``people.BeneficiarySummary`` (program × year × the persons' county);
- support delivered by year and source, by project category, and per county: ``funds.LedgerSummary``
  (program × year × county × account type × source × project category);
- for a donor district's view (its pairings), persons reached per county: ``people.PairingReachSummary``
  (persons by the set of pairings they were reached through).

A view the summaries do not key returns None here and the caller groups the records, as before: an area
finer than a county (a township office; the summaries stop at the county), and a pairing view's funds
(the ledger summary has no pairing; a district's postings are its own few, read through their index).
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet, Sum

from counterpart.core.distribution import COUNTY_CODE_LENGTH, county_filter
from counterpart.funds.models import DELIVERED_ACCOUNTS, LedgerSummary
from counterpart.people.models import BeneficiarySummary
from counterpart.people.pairing_reach import persons_reached_through
from counterpart.registry.models import Program

from .scopes import DashboardView


def _by_county(view: DashboardView) -> bool:
    """The view is the whole program or an area of a county or coarser, without a pairing filter."""
    area = view.scope.area_code
    return view.scope.pairing_ids is None and (area is None or len(area) <= COUNTY_CODE_LENGTH)


def _area(rows: QuerySet[Any], view: DashboardView) -> QuerySet[Any]:
    area = view.scope.area_code
    return rows if area is None else rows.filter(county_filter("county_code", area))


def county_persons(program: Program, year: int, view: DashboardView) -> dict[str, int] | None:
    """Unique persons reached in the year per county (the persons' own county, which is the benefits'
    ``county_code``), or None when no summary keys the view."""
    if _by_county(view):
        rows = _area(BeneficiarySummary.objects.filter(program=program, year=year), view)
        return {code: n for code, n in rows.values_list("county_code", "persons") if n}
    area = view.scope.area_code
    if view.scope.pairing_ids is not None and (area is None or len(area) <= COUNTY_CODE_LENGTH):
        return persons_reached_through(program.pk, year, view.scope.pairing_ids, area_code=area)
    return None


def _delivered(program: Program, year_from: int, year: int, view: DashboardView) -> QuerySet[LedgerSummary]:
    rows = LedgerSummary.objects.filter(
        program=program, year__gte=year_from, year__lte=year, account_type__in=list(DELIVERED_ACCOUNTS)
    )
    return _area(rows, view)


def delivered_by_year_and_source(
    program: Program, year_from: int, year: int, view: DashboardView
) -> Iterable[tuple[int, str, int]] | None:
    """(year, source, fen) of the support delivered, or None when the ledger summary does not key the view."""
    if not _by_county(view):
        return None
    rows = _delivered(program, year_from, year, view).values_list("year", "source").annotate(t=Sum("amount_fen"))
    return [(y, source, int(total or 0)) for y, source, total in rows.order_by()]


def delivered_by_category(program: Program, year: int, view: DashboardView) -> dict[str, int] | None:
    """Fen delivered to projects in the year by the project's category ('' is a transaction without one)."""
    if not _by_county(view):
        return None
    rows = _delivered(program, year, year, view).exclude(category="").values_list("category")
    return {category: int(total or 0) for category, total in rows.annotate(t=Sum("amount_fen")).order_by()}


def delivered_by_county(program: Program, year: int, view: DashboardView) -> dict[str, int] | None:
    """Fen delivered in the year per recipient county. A transaction placed above a county (a prefecture,
    or none) has a shorter ``county_code`` and belongs to no county's figure, as on the records' path."""
    if not _by_county(view):
        return None
    funds: dict[str, int] = defaultdict(int)
    rows = _delivered(program, year, year, view).values_list("county_code").annotate(t=Sum("amount_fen"))
    for code, total in rows.order_by():
        if len(code) == COUNTY_CODE_LENGTH:
            funds[code] += int(total or 0)
    return dict(funds)
