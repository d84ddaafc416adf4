"""The annual report of a program: every figure computed from records, or reported, and tagged.

The JSON shape is a contract (exports and other systems read it):
``{"program": slug, "year": Y,
"indicators": {key: {"value", "unit", "source", ["breakdown"], ["qualifier"]}}}``
Values are in base units (yuan, persons, km); keys follow docs/indicators.md.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum

from counterpart.enterprise.report import enterprise_figures
from counterpart.funds.models import DELIVERED_ACCOUNTS, FISCAL_SOURCES, AccountType
from counterpart.funds.selectors import LEDGER_FIGURES, in_kind_items, postings_for, with_project
from counterpart.funds.summary import ledger_totals_summarised
from counterpart.indicators.figures import AnnualReport, Figure, FigureProvider, Scope, Source, json_number
from counterpart.indicators.models import Aggregation, Indicator, Qualifier, ReportedValue
from counterpart.indicators.published import (
    PublishedSpan,
    alternative_json,
    implied_total,
    published_spans,
    share_json,
)
from counterpart.people.report import people_figures
from counterpart.projects.models import OUTPUT_UNITS
from counterpart.projects.selectors import project_outputs_total, projects_count_by
from counterpart.registry.models import PairingLevel, Program
from counterpart.registry.selectors import pairings_active_in_year, program_members


def _yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class LedgerTotals:
    """The year's postings summed once, by account type, source and project category.

    Every ledger figure of the report is a sum over some of these groups, so the postings are
    scanned once however many figures there are.
    """

    rows: tuple[tuple[str, str, str | None, int], ...]

    def fen(
        self,
        accounts: frozenset[str],
        sources: frozenset[str] | None = None,
        with_project: bool = False,
    ) -> int:
        return sum(
            total
            for account, source, category, total in self.rows
            if account in accounts and (sources is None or source in sources) and (category or not with_project)
        )

    def by(self, accounts: frozenset[str], position: int) -> dict[str, int]:
        grouped: dict[str, int] = defaultdict(int)
        for row in self.rows:
            if row[0] in accounts and row[position] is not None:
                grouped[row[position]] += row[3]  # type: ignore[index]
        return {key: fen for key, fen in sorted(grouped.items()) if fen}


def ledger_totals(report: AnnualReport) -> LedgerTotals:
    if report.scope.is_program_wide:
        # The whole program's years: sums of the ledger summary, kept in step with the postings
        # (counterpart/funds/summary.py) — a few thousand rows instead of the years' postings.
        return LedgerTotals(rows=ledger_totals_summarised(report.program.pk, report.year, report.year_to))
    rows = (
        with_project(_postings(report, list(AccountType.values)))
        .values_list("account__type", "transaction__source", "posting_project__category")  # type: ignore[misc]
        .annotate(total=Sum("amount_fen"))
        .order_by()
    )
    return LedgerTotals(rows=tuple(rows))


def _ledger_figures(report: AnnualReport) -> None:
    totals = ledger_totals(report)
    by_source = totals.by(DELIVERED_ACCOUNTS, 1)
    if not by_source:
        return

    def yuan(accounts: frozenset[str], sources: frozenset[str] | None = None) -> Decimal:
        return _yuan(totals.fen(accounts, sources))

    # Each figure sums the accounts and sources funds.selectors.LEDGER_FIGURES names for it, the same
    # definition the funds list's ?figure= drill-down applies to the transactions.
    for key, (accounts, sources) in LEDGER_FIGURES.items():
        breakdown = None
        if key == "total_support":
            breakdown = {code: _yuan(fen) for code, fen in by_source.items()}
        elif sources is FISCAL_SOURCES:
            breakdown = {code: _yuan(fen) for code, fen in by_source.items() if code in FISCAL_SOURCES}
        report.add(Figure(key, yuan(accounts, sources), "yuan", Source.LEDGER, breakdown))
    funds_by_category = totals.by(DELIVERED_ACCOUNTS, 2)
    if funds_by_category:
        report.add(
            Figure(
                "funds_by_category",
                _yuan(sum(funds_by_category.values())),
                "yuan",
                Source.LEDGER,
                {code: _yuan(fen) for code, fen in funds_by_category.items()},
            )
        )
    scope = report.scope
    items = in_kind_items(
        report.program,
        year=report.year,
        year_to=report.year_to,
        unit="件",
        area_code=scope.area_code,
        pairing_ids=scope.pairing_ids,
    )
    if items:
        report.add(Figure("in_kind_items", items["件"], "pieces", Source.LEDGER))


def _postings(report: AnnualReport, accounts: list[str]) -> Any:
    return postings_for(
        report.program,
        accounts=accounts,
        year=report.year,
        year_to=report.year_to,
        area_code=report.scope.area_code,
        pairing_ids=report.scope.pairing_ids,
    )


def _project_figures(report: AnnualReport) -> None:
    program, year, year_to, scope = report.program, report.year, report.year_to, report.scope
    by_category = projects_count_by(
        program, year, "category", year_to, area_code=scope.area_code, pairing_ids=scope.pairing_ids
    )
    if by_category:
        total = sum(by_category.values())
        report.add(Figure("projects", total, "count", Source.PROJECTS, dict(by_category)))
        report.add(Figure("projects_by_category", total, "count", Source.PROJECTS, dict(by_category)))
    outputs = project_outputs_total(program, year, year_to, area_code=scope.area_code, pairing_ids=scope.pairing_ids)
    for indicator, quantity in outputs.items():
        report.add(Figure(indicator, quantity, OUTPUT_UNITS[indicator], Source.PROJECTS))


def _pairing_figures(report: AnnualReport) -> None:
    """District–county pairs in force in the last year of the report (a stock)."""
    pairs = pairings_active_in_year(report.program, report.last_year).filter(level=PairingLevel.DISTRICT_COUNTY)
    if report.scope.area_code is not None:
        pairs = pairs.filter(recipient_area__code__startswith=report.scope.area_code)
    if report.scope.pairing_ids is not None:
        pairs = pairs.filter(id__in=report.scope.pairing_ids)
    count = pairs.count()
    if count:
        report.add(Figure("district_county_pairs", count, "pairs", Source.REGISTRY))


def _member_figures(report: AnnualReport) -> None:
    """A grouping program's figures from its members' records: flows (years add) and stocks (pairs in
    force) add across programs; unique counts do not (one person may be reached by two programs), so the
    group shows them only as published. Each figure's breakdown is by member program."""
    if not report.scope.is_program_wide:
        return
    members = list(program_members(report.program))
    if not members:
        return
    reports = {member.slug: _records_report(member, report.year, report.scope, report.year_to) for member in members}
    keys = sorted({key for member_report in reports.values() for key in member_report.figures})
    additive = set(
        Indicator.objects.filter(key__in=keys, aggregation__in=(Aggregation.SUM, Aggregation.LATEST)).values_list(
            "key", flat=True
        )
    )
    for key in keys:
        parts = {slug: r.figures[key] for slug, r in reports.items() if key in r.figures}
        units = {figure.unit for figure in parts.values()}
        if key not in additive or len(units) != 1:
            continue
        values = {slug: figure.value for slug, figure in parts.items()}
        report.add(Figure(key, sum(values.values()), units.pop(), Source.PROGRAMS, values))


def _reported_values(report: AnnualReport) -> Any:
    """Published figures of the report's scope whose years lie within the report's years."""
    values = ReportedValue.objects.filter(program=report.program, year__gte=report.year, year__lte=report.last_year)
    values = values.filter(Q(year_to__isnull=True) | Q(year_to__lte=report.last_year))
    scope = report.scope
    values = values.filter(area_id=scope.area_code) if scope.area_code else values.filter(area__isnull=True)
    values = values.filter(pairing_id=scope.pairing_id) if scope.pairing_id else values.filter(pairing__isnull=True)
    return values.order_by("created_at", "id")


def _reported_figures(report: AnnualReport) -> None:
    """Published figures: what the office stands behind ("more than 50,000") is the value shown.

    A figure computed from records for the same key is kept beside it under ``records``. For a
    multi-year report, a total published for exactly those years is used as it stands; otherwise
    the years are assembled from published totals and, for the years without one, records
    (``composition`` lists the parts): a published year stands for that year, as in a one-year report.
    This holds for indicators that add up over years and for unique counts (beneficiaries): for the
    latter the years' parts may hold the same person twice, so a sum of several parts is "about".
    Two sources' values for one figure: the preferred one (or the first entered) is shown and the
    others ride beside it under ``alternatives``; the quality checks flag the conflict.
    """
    spans = published_spans(_reported_values(report))
    whole = (report.year, report.last_year)
    keys = sorted({key for key, _first, _last in spans})
    aggregation = dict(Indicator.objects.filter(key__in=keys).values_list("key", "aggregation"))
    yearly = _Yearly(report)
    for key in keys:
        exact = spans.get((key, *whole))
        if exact is not None and exact.chosen() is not None:
            report.add(_reported_figure(exact, records=report.figures.get(key)))
        elif (
            report.year_to
            and aggregation.get(key) in (Aggregation.SUM, Aggregation.UNIQUE)
            and any(k == key and span.totals for (k, _f, _l), span in spans.items())
        ):
            chosen = {(first, last): span.chosen() for (k, first, last), span in spans.items() if k == key}
            figure = _composed_figure(
                report,
                key,
                {s: v for s, v in chosen.items() if v is not None},
                yearly,
                unique=aggregation[key] == Aggregation.UNIQUE,
            )
            if figure is not None:
                report.add(figure)
        if exact is not None and exact.chosen() is None and exact.breakdowns:
            report.parts_only[key] = {
                "unit": exact.unit,
                "source": Source.REPORTED,
                "breakdowns": {name: b.as_json() for name, b in exact.breakdowns.items()},
            }
        for value in exact.shares if exact is not None else ():
            part = (
                {"part": value.breakdown_code, "dimension": value.breakdown_dimension} if value.breakdown_code else {}
            )
            report.derived.setdefault(
                value.share_of,
                {
                    "value": json_number(implied_total(value)),
                    "unit": value.unit,
                    "source": "derived",
                    "from": {"indicator": key, **part, "value": json_number(value.value), **(share_json(value) or {})},
                },
            )


def _reported_figure(span: PublishedSpan, records: Figure | None) -> Figure:
    value = span.chosen()
    assert value is not None
    breakdowns = dict(span.breakdowns) or None
    single = next(iter(breakdowns.values())) if breakdowns and len(breakdowns) == 1 else None
    return Figure(
        value.indicator_key,
        value.value,
        value.unit,
        Source.REPORTED,
        {name: part.value for name, part in single.parts.items()} if single else None,
        value.qualifier,
        value.citation,
        records=records,
        breakdowns=breakdowns,
        alternatives=[alternative_json(other) for other in span.alternatives()] or None,
        share=share_json(value),
    )


def _combined_qualifier(qualifiers: set[str]) -> str:
    """Adding "more than" parts gives "more than"; "nearly" parts, "nearly"; a mix of both, "about"."""
    qualifiers = qualifiers - {Qualifier.EXACT}
    if not qualifiers:
        return Qualifier.EXACT
    return qualifiers.pop() if len(qualifiers) == 1 else Qualifier.ABOUT


def _composed_figure(
    report: AnnualReport,
    key: str,
    spans: dict[tuple[int, int], ReportedValue],
    yearly: "_Yearly",
    *,
    unique: bool = False,
) -> Figure | None:
    with_records = yearly.years_with(key)
    covered: set[int] = set()
    pieces: list[dict[str, Any]] = []
    qualifiers: set[str] = set()
    # Longest published spans first, each over years no other published span covers; records fill the rest.
    for (first, last), value in sorted(spans.items(), key=lambda item: item[0][0] - item[0][1]):
        years = set(range(first, last + 1))
        if years & covered:
            continue
        covered |= years
        qualifiers.add(value.qualifier)
        years_text = str(first) if first == last else f"{first}-{last}"
        pieces.append({"years": years_text, "value": value.value, "source": Source.REPORTED})
    for year in sorted(set(with_records) - covered):
        figure = with_records[year].figures[key]
        covered.add(year)
        pieces.append({"years": str(year), "value": figure.value, "source": figure.source})
    if not any(piece["source"] == Source.REPORTED for piece in pieces):
        return None
    pieces.sort(key=lambda piece: piece["years"])
    unit = next(iter(spans.values())).unit
    total = sum((Decimal(piece["value"]) for piece in pieces), Decimal(0))
    missing = [year for year in range(report.year, report.last_year + 1) if year not in covered]
    if missing:
        pieces.append({"years": ",".join(map(str, missing)), "value": 0, "source": "missing"})
    qualifier = _combined_qualifier(qualifiers)
    if unique and sum(1 for piece in pieces if piece["source"] != "missing") > 1:
        qualifier = Qualifier.ABOUT
    return Figure(
        key,
        total,
        unit,
        Source.REPORTED,
        qualifier=qualifier,
        records=report.figures.get(key),
        composition=pieces,
    )


class _Yearly:
    """Records reports of runs of years of a range, each computed once for all the figures composed from
    parts. The years that hold a figure are found by halving: a records report over a run that lacks the
    figure rules out every year of the run (exact: a year with the figure gives its run one). A range of
    1949–2099 asked for 151 annual reports per figure, seconds on the demo; now a few dozen in all."""

    def __init__(self, report: AnnualReport) -> None:
        self.report = report
        self._runs: dict[tuple[int, int], AnnualReport] = {}

    def run(self, low: int, high: int) -> AnnualReport:
        if (low, high) not in self._runs:
            report = self.report
            self._runs[low, high] = _records_report(report.program, low, report.scope, high if high != low else None)
        return self._runs[low, high]

    def years_with(self, key: str) -> dict[int, AnnualReport]:
        """The years of the range whose records give ``key``, with their reports."""
        found: dict[int, AnnualReport] = {}
        runs = [(self.report.year, self.report.last_year)]
        while runs:
            low, high = runs.pop()
            run = self.run(low, high)
            if key not in run.figures:
                continue
            if low == high:
                found[low] = run
                continue
            middle = (low + high) // 2
            runs += [(low, middle), (middle + 1, high)]
        return found


def _records_report(program: Program, year: int, scope: Scope, year_to: int | None = None) -> "AnnualReport":
    report = AnnualReport(program=program, year=year, year_to=year_to, scope=scope)
    for provider in FIGURE_PROVIDERS:
        provider(report)
    return report


def report_annual(
    program: Program, year: int, year_to: int | None = None, *, scope: Scope | None = None
) -> AnnualReport:
    """Every indicator the platform can give for a program and a year (or range of years)."""
    report = AnnualReport(
        program=program, year=year, year_to=year_to if year_to != year else None, scope=scope or Scope()
    )
    for provider in FIGURE_PROVIDERS:
        provider(report)
    # Published figures last: where one exists it is shown, with the records' figure beside it.
    _reported_figures(report)
    return report


# Each domain contributes the figures it holds records for, in this order (a provider never overwrites
# a figure an earlier one gave).
FIGURE_PROVIDERS: list[FigureProvider] = [
    _ledger_figures,
    _project_figures,
    _pairing_figures,
    people_figures,
    enterprise_figures,
    _member_figures,
]
