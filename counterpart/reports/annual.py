"""The annual report of a program: every figure computed from records, or reported, and tagged.

The JSON shape is a contract (exports and other systems read it):
``{"program": slug, "year": Y,
"indicators": {key: {"value", "unit", "source", ["breakdown"], ["qualifier"]}}}``
Values are in base units (yuan, persons, km); keys follow docs/indicators.md.
"""

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from counterpart.funds.models import DELIVERED_ACCOUNTS, FISCAL_SOURCES, SOCIAL_SOURCES, AccountType
from counterpart.funds.selectors import in_kind_items, postings_for, support_delivered_fen
from counterpart.indicators.models import ReportedValue
from counterpart.people.report import people_figures
from counterpart.projects.models import OUTPUT_UNITS
from counterpart.projects.selectors import project_outputs_total, projects_count_by
from counterpart.registry.models import PairingLevel, Program
from counterpart.registry.selectors import pairings_active_in_year


class Source:
    LEDGER = "ledger"
    PROJECTS = "projects"
    REGISTRY = "registry"
    REPORTED = "reported"


@dataclass
class Figure:
    key: str
    value: Decimal | int
    unit: str
    source: str
    breakdown: Mapping[str, Decimal | int] | None = None
    qualifier: str = ""
    citation: str = ""
    # When a published figure and records both exist, the published one is shown and the
    # figure from records rides beside it, so any difference is visible and nothing is added up.
    records: "Figure | None" = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"value": _number(self.value), "unit": self.unit, "source": self.source}
        if self.breakdown:
            data["breakdown"] = {code: _number(v) for code, v in self.breakdown.items()}
        if self.qualifier:
            data["qualifier"] = self.qualifier
        if self.records is not None:
            data["records"] = {"value": _number(self.records.value), "source": self.records.source}
        return data


@dataclass
class AnnualReport:
    program: Program
    year: int
    year_to: int | None
    figures: dict[str, Figure] = field(default_factory=dict)

    def add(self, figure: Figure) -> None:
        self.figures[figure.key] = figure

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"program": self.program.slug, "year": self.year}
        if self.year_to and self.year_to != self.year:
            data["year_to"] = self.year_to
        data["indicators"] = {key: figure.as_json() for key, figure in sorted(self.figures.items())}
        return data


def _number(value: Decimal | int) -> int | float:
    """JSON number for an exact value: integers stay integers, yuan keep their two places."""
    if isinstance(value, int):
        return value
    if value == value.to_integral_value():
        return int(value)
    return float(value)  # at most 2 places and < 1e13: repr round-trips to the exact decimal


def _yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def _ledger_figures(report: AnnualReport) -> None:
    program, year, year_to = report.program, report.year, report.year_to

    def delivered(sources: frozenset[str] | None, in_kind: bool | None) -> int:
        return support_delivered_fen(
            program, year=year, year_to=year_to, sources=sorted(sources) if sources else None, in_kind=in_kind
        )

    by_source = {code: fen for code, fen in _delivered_by_source(program, year, year_to).items() if fen}
    if not by_source:
        return
    report.add(
        Figure(
            "total_support",
            _yuan(delivered(None, None)),
            "yuan",
            Source.LEDGER,
            {code: _yuan(fen) for code, fen in by_source.items()},
        )
    )
    fiscal_breakdown = {code: _yuan(fen) for code, fen in by_source.items() if code in FISCAL_SOURCES}
    report.add(Figure("fiscal_aid", _yuan(delivered(FISCAL_SOURCES, None)), "yuan", Source.LEDGER, fiscal_breakdown))
    report.add(
        Figure(
            "fiscal_aid_by_level",
            _yuan(delivered(FISCAL_SOURCES, None)),
            "yuan",
            Source.LEDGER,
            fiscal_breakdown,
        )
    )
    report.add(Figure("social_donation_cash", _yuan(delivered(SOCIAL_SOURCES, False)), "yuan", Source.LEDGER))
    report.add(Figure("social_donation_in_kind", _yuan(delivered(SOCIAL_SOURCES, True)), "yuan", Source.LEDGER))
    report.add(Figure("funds_disbursed", _yuan(delivered(None, False)), "yuan", Source.LEDGER))
    spent = (
        postings_for(program, accounts=[AccountType.SPENT], year=year, year_to=year_to).aggregate(
            total=Sum("amount_fen")
        )["total"]
        or 0
    )
    report.add(Figure("funds_spent", _yuan(spent), "yuan", Source.LEDGER))
    items = in_kind_items(program, year=year, unit="件") if year_to in (None, year) else {}
    if items:
        report.add(Figure("in_kind_items", items["件"], "pieces", Source.LEDGER))


def _delivered_by_source(program: Program, year: int, year_to: int | None) -> dict[str, int]:
    rows = (
        postings_for(program, accounts=list(DELIVERED_ACCOUNTS), year=year, year_to=year_to)
        .values("transaction__source")
        .annotate(total=Sum("amount_fen"))
        .order_by("transaction__source")
    )
    return {row["transaction__source"]: row["total"] for row in rows}


def _project_figures(report: AnnualReport) -> None:
    program, year, year_to = report.program, report.year, report.year_to
    by_category = projects_count_by(program, year, "category", year_to)
    if by_category:
        total = sum(by_category.values())
        report.add(Figure("projects", total, "count", Source.PROJECTS, dict(by_category)))
        report.add(Figure("projects_by_category", total, "count", Source.PROJECTS, dict(by_category)))
    category_rows = (
        postings_for(program, accounts=list(DELIVERED_ACCOUNTS), year=year, year_to=year_to)
        .filter(transaction__project__isnull=False)
        .values("transaction__project__category")
        .annotate(total=Sum("amount_fen"))
        .order_by("transaction__project__category")
    )
    funds_by_category = {row["transaction__project__category"]: row["total"] for row in category_rows if row["total"]}
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
    for indicator, quantity in project_outputs_total(program, year, year_to).items():
        report.add(Figure(indicator, quantity, OUTPUT_UNITS[indicator], Source.PROJECTS))


def _pairing_figures(report: AnnualReport) -> None:
    pairs = pairings_active_in_year(report.program, report.year_to or report.year).filter(
        level=PairingLevel.DISTRICT_COUNTY
    )
    count = pairs.count()
    if count:
        report.add(Figure("district_county_pairs", count, "pairs", Source.REGISTRY))


def _reported_figures(report: AnnualReport) -> None:
    """Program-wide published figures for exactly this year (or range).

    A published figure is what the office stands behind ("more than 50,000"), so it is the value
    shown; a figure computed from records for the same key is kept beside it under ``records``.
    """
    values = ReportedValue.objects.filter(
        program=report.program, year=report.year, area__isnull=True, pairing__isnull=True
    )
    values = (
        values.filter(year_to=report.year_to)
        if report.year_to not in (None, report.year)
        else values.filter(year_to__isnull=True)
    )
    totals: dict[str, ReportedValue] = {}
    parts: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for value in values.order_by("created_at", "id"):
        if value.breakdown_code:
            parts[value.indicator_key][value.breakdown_code] = value.value
        else:
            totals[value.indicator_key] = value
    for key, value in totals.items():
        report.add(
            Figure(
                key,
                value.value,
                value.unit,
                Source.REPORTED,
                parts.get(key) or None,
                value.qualifier,
                value.citation,
                records=report.figures.get(key),
            )
        )


def report_annual(program: Program, year: int, year_to: int | None = None) -> AnnualReport:
    """Every indicator the platform can give for a program and a year (or range of years)."""
    report = AnnualReport(program=program, year=year, year_to=year_to if year_to != year else None)
    for provider in FIGURE_PROVIDERS:
        provider(report)
    # Published figures last: where one exists it is shown, with the records' figure beside it.
    _reported_figures(report)
    return report


# Each domain contributes the figures it holds records for. A provider adds Figures to the report
# and never overwrites one already there.
FIGURE_PROVIDERS: list[Callable[[AnnualReport], None]] = [
    _ledger_figures,
    _project_figures,
    _pairing_figures,
    people_figures,
]
