"""Published figures as the sources give them: breakdowns by several dimensions, each complete or
partial, parts with their own qualifiers, a figure stated as a share of another, and two sources'
values for one figure side by side. Plain data here; annual.py assembles them into the report.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from counterpart.indicators.models import ReportedValue


def _number(value: Decimal | int) -> int | float:
    if isinstance(value, int):
        return value
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def share_json(value: ReportedValue) -> dict[str, Any] | None:
    if value.share_percent is None:
        return None
    return {"percent": _number(value.share_percent), "of": value.share_of}


@dataclass
class Part:
    value: Decimal
    qualifier: str = ""
    citation: str = ""
    share: dict[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"value": _number(self.value)}
        if self.qualifier:
            data["qualifier"] = self.qualifier
        if self.share:
            data["share"] = self.share
        if self.citation:
            data["citation"] = self.citation
        return data


@dataclass
class Breakdown:
    """One dimension's parts (by recipient, by level …), as named in the source."""

    parts: dict[str, Part] = field(default_factory=dict)
    partial: bool = False

    @property
    def total(self) -> Decimal:
        return sum((part.value for part in self.parts.values()), Decimal(0))

    def as_json(self) -> dict[str, Any]:
        return {
            "complete": not self.partial,
            "parts": {name: part.as_json() for name, part in self.parts.items()},
        }


@dataclass
class PublishedSpan:
    """Everything published for one indicator and one span of years in one scope."""

    unit: str = ""
    totals: list[ReportedValue] = field(default_factory=list)
    breakdowns: dict[str, Breakdown] = field(default_factory=lambda: defaultdict(Breakdown))
    # Values stated as a share of another figure ("70% of fiscal aid"), totals or parts.
    shares: list[ReportedValue] = field(default_factory=list)

    def chosen(self) -> ReportedValue | None:
        """The value the office marks preferred; else the first entered (the others ride beside it, flagged)."""
        if not self.totals:
            return None
        preferred = [value for value in self.totals if value.is_preferred]
        return (preferred or self.totals)[0]

    def alternatives(self) -> list[ReportedValue]:
        chosen = self.chosen()
        return [value for value in self.totals if value is not chosen and value.value != chosen.value]  # type: ignore[union-attr]


def published_spans(values: Any) -> dict[tuple[str, int, int], PublishedSpan]:
    """Reported values grouped by (indicator, first year, last year): totals apart from parts."""
    spans: dict[tuple[str, int, int], PublishedSpan] = defaultdict(PublishedSpan)
    for value in values:
        span = spans[(value.indicator_key, value.year, value.year_to or value.year)]
        span.unit = value.unit
        if value.share_percent is not None:
            span.shares.append(value)
        if value.breakdown_code:
            breakdown = span.breakdowns[value.breakdown_dimension]
            breakdown.partial = breakdown.partial or value.breakdown_partial
            part = breakdown.parts.get(value.breakdown_code)
            if part is None or value.is_preferred:
                breakdown.parts[value.breakdown_code] = Part(
                    value.value, value.qualifier, value.citation, share_json(value)
                )
        else:
            span.totals.append(value)
    return spans


def alternative_json(value: ReportedValue) -> dict[str, Any]:
    data: dict[str, Any] = {"value": _number(value.value)}
    if value.qualifier:
        data["qualifier"] = value.qualifier
    if value.citation:
        data["citation"] = value.citation
    return data


def implied_total(value: ReportedValue) -> Decimal:
    """The whole a share implies: 32.4 million as 70% implies 46,285,714.29 (to the fen)."""
    assert value.share_percent is not None
    return (value.value * 100 / value.share_percent).quantize(Decimal("0.01"))
