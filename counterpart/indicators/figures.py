"""The figures a report is made of, and the report that holds them: the types every domain's
figure provider fills in (``counterpart/people/report.py``, ``counterpart/enterprise/report.py``,
the ledger and projects figures of ``counterpart/reports/annual.py``).

They live here, below the domain apps that provide figures, so that a provider does not import
the report module that lists it (``reports`` sits above them all). The report is computed by
``counterpart.reports.annual.report_annual``; code below ``reports`` that needs a report (the
assessment opens with a pairing's figures) asks ``report_compute``, which ``reports`` registers
when the apps are ready.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from counterpart.registry.models import Pairing, Program
from counterpart.registry.selectors import pairing_with_descendants_ids

from .published import Breakdown


class Source:
    LEDGER = "ledger"
    PROJECTS = "projects"
    REGISTRY = "registry"
    REPORTED = "reported"
    # A grouping program's figure added up from its member programs' records (counterpart/reports/annual.py).
    PROGRAMS = "programs"


@dataclass(frozen=True)
class Scope:
    """Where a report looks: the whole program, a recipient area (and below), or a pairing (and below)."""

    area_code: str | None = None
    pairing_ids: tuple[int, ...] | None = None
    pairing_id: int | None = None  # the pairing named, whose descendants fill pairing_ids

    @property
    def is_program_wide(self) -> bool:
        return self.area_code is None and self.pairing_ids is None

    @classmethod
    def of_pairing(cls, pairing: Pairing) -> "Scope":
        return cls(pairing_ids=tuple(pairing_with_descendants_ids(pairing)), pairing_id=pairing.pk)


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
    # A multi-year figure assembled from parts (published totals for some years, records for others).
    composition: list[dict[str, Any]] | None = None
    # Published parts by dimension (by recipient, by level …), each complete or partial, with names.
    breakdowns: dict[str, Breakdown] | None = None
    # Other sources' values for the same figure, kept beside the one shown (flagged by the checks).
    alternatives: list[dict[str, Any]] | None = None
    share: dict[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"value": json_number(self.value), "unit": self.unit, "source": self.source}
        if self.breakdown:
            data["breakdown"] = {code: json_number(v) for code, v in self.breakdown.items()}
        if self.breakdowns:
            data["breakdowns"] = {name: breakdown.as_json() for name, breakdown in self.breakdowns.items()}
        if self.qualifier:
            data["qualifier"] = self.qualifier
        if self.share:
            data["share"] = self.share
        if self.citation:
            data["citation"] = self.citation
        if self.alternatives:
            data["alternatives"] = self.alternatives
        if self.records is not None:
            data["records"] = {"value": json_number(self.records.value), "source": self.records.source}
        if self.composition:
            data["composition"] = [{**part, "value": json_number(part["value"])} for part in self.composition]
        return data


@dataclass
class AnnualReport:
    program: Program
    year: int
    year_to: int | None
    scope: Scope = field(default_factory=Scope)
    figures: dict[str, Figure] = field(default_factory=dict)
    # Breakdowns published without their total: shown, but no figure is made up for the whole.
    parts_only: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Totals implied by a share ("70% of fiscal aid"): shown as derived, never as published.
    derived: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def last_year(self) -> int:
        return self.year_to or self.year

    def add(self, figure: Figure) -> None:
        self.figures[figure.key] = figure

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"program": self.program.slug, "year": self.year}
        if self.year_to and self.year_to != self.year:
            data["year_to"] = self.year_to
        if self.scope.area_code is not None:
            data["area"] = self.scope.area_code
        if self.scope.pairing_id is not None:
            data["pairing"] = self.scope.pairing_id
        data["indicators"] = {key: figure.as_json() for key, figure in sorted(self.figures.items())}
        data.update(self.published_extras())
        return data

    def published_extras(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.parts_only:
            data["parts_without_total"] = dict(sorted(self.parts_only.items()))
        if self.derived:
            data["derived"] = dict(sorted(self.derived.items()))
        return data


def json_number(value: Decimal | int) -> int | float:
    """JSON number for an exact value: integers stay integers, yuan keep their two places."""
    if isinstance(value, int):
        return value
    if value == value.to_integral_value():
        return int(value)
    return float(value)  # at most 2 places and < 1e13: repr round-trips to the exact decimal


# A figure provider adds the Figures of its domain to a report and never overwrites one already there.
FigureProvider = Callable[[AnnualReport], None]

ReportCompute = Callable[..., AnnualReport]
_report_compute: list[ReportCompute] = []


def report_compute_register(compute: ReportCompute) -> None:
    """Called once by ``counterpart.reports`` (its AppConfig.ready) with ``report_annual``."""
    _report_compute[:] = [compute]


def report_compute(
    program: Program, year: int, year_to: int | None = None, *, scope: Scope | None = None
) -> AnnualReport:
    """The annual (or cumulative) report, for code that sits below ``reports``."""
    if not _report_compute:
        raise RuntimeError("counterpart.reports is not installed: no report to compute")
    return _report_compute[0](program, year, year_to, scope=scope)
