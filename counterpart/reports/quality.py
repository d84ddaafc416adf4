"""Data-quality checks on a report: shown beside the figures, never silently corrected."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q

from counterpart.core.numbers import figure_text, number_zh
from counterpart.indicators.models import Aggregation, Indicator, ReportedValue

from .annual import AnnualReport, Figure


class Check:
    BREAKDOWN_MISMATCH = "breakdown_mismatch"
    PART_EXCEEDS_WHOLE = "part_exceeds_whole"
    CONFLICTING_ENTRIES = "conflicting_entries"
    ANNUAL_EXCEEDS_CUMULATIVE = "annual_exceeds_cumulative"
    ANNUAL_EXCEEDS_CUMULATIVE_BEFORE = "annual_exceeds_cumulative_before"
    STATED_CHANGE_MISMATCH = "stated_change_mismatch"
    RECORDS_DIFFER = "records_differ"


@dataclass(frozen=True)
class QualityWarning:
    key: str
    check: str
    message_zh: str
    message_en: str

    def as_json(self) -> dict[str, str]:
        return {
            "indicator": self.key,
            "check": self.check,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


# A stated change of 12% is checked to half a percentage point: sources round.
CHANGE_TOLERANCE = Decimal("0.5")


def _fmt_zh(value: Decimal | int) -> str:
    """A number in a Chinese warning, written as the pages write it (1640万, 2040)."""
    return number_zh(value)


def _fmt(value: Decimal | int) -> str:
    return f"{Decimal(value):,f}".rstrip("0").rstrip(".") if isinstance(value, Decimal) else f"{value:,}"


def _breakdown_mismatch(figure: Figure) -> list[QualityWarning]:
    """Each complete breakdown against its total, apart (two dimensions of one figure never merge); a
    partial one (three of five recipients) is not expected to add up, but no part may exceed the whole."""
    if figure.breakdowns:
        dimensions = {name: (b.total, b.partial, b.parts) for name, b in figure.breakdowns.items()}
    elif figure.breakdown:
        parts = sum((Decimal(v) for v in figure.breakdown.values()), Decimal(0))
        dimensions = {"": (parts, False, {})}
    else:
        return []
    whole = Decimal(figure.value)
    warnings = []
    for name, (parts, partial, named) in dimensions.items():
        label_zh, label_en = (f"（{name}）", f" ({name})") if name else ("", "")
        if not partial and parts != whole:
            warnings.append(
                QualityWarning(
                    figure.key,
                    Check.BREAKDOWN_MISMATCH,
                    f"分项{label_zh}合计 {_fmt_zh(parts)} 与总数 {_fmt_zh(figure.value)} 不一致",
                    f"the parts{label_en} add up to {_fmt(parts)}, the stated total is {_fmt(figure.value)}",
                )
            )
        for part_name, part in named.items():
            if part.value > whole:
                warnings.append(
                    QualityWarning(
                        figure.key,
                        Check.PART_EXCEEDS_WHOLE,
                        f"分项“{part_name}”{_fmt_zh(part.value)} 大于总数 {_fmt_zh(figure.value)}",
                        f"the part {part_name} ({_fmt(part.value)}) is larger than the whole ({_fmt(figure.value)})",
                    )
                )
    return warnings


def _records_differ(figure: Figure) -> QualityWarning | None:
    if figure.records is None or Decimal(figure.records.value) == Decimal(figure.value):
        return None
    return QualityWarning(
        figure.key,
        Check.RECORDS_DIFFER,
        f"上报数 {figure_text(figure.value, figure.unit, figure.qualifier, language='zh-hans')} 与系统登记记录 "
        f"{figure_text(figure.records.value, figure.unit, language='zh-hans')} 不同："
        "上报数为公布的数字，登记记录为逐条录入的记录",
        f"published {figure_text(figure.value, figure.unit, figure.qualifier, language='en')}, the records entered "
        f"give {figure_text(figure.records.value, figure.unit, language='en')}",
    )


def _scoped_values(report: AnnualReport) -> "Q":
    scope = report.scope
    condition = Q(program=report.program)
    condition &= Q(area_id=scope.area_code) if scope.area_code else Q(area__isnull=True)
    condition &= Q(pairing_id=scope.pairing_id) if scope.pairing_id else Q(pairing__isnull=True)
    return condition


def _conflicting_entries(report: AnnualReport) -> list[QualityWarning]:
    values = ReportedValue.objects.filter(_scoped_values(report), year__gte=report.year, year__lte=report.last_year)
    seen: dict[tuple, set[Decimal]] = defaultdict(set)
    for value in values:
        part = f"{value.breakdown_dimension}: {value.breakdown_code}" if value.breakdown_code else ""
        seen[(value.indicator_key, value.year, value.year_to, part)].add(value.value)
    warnings = []
    for (key, year, year_to, part), numbers in sorted(seen.items(), key=lambda item: str(item[0])):
        if len(numbers) > 1:
            years = f"{year}–{year_to}" if year_to else str(year)
            listed = "、".join(_fmt(n) for n in sorted(numbers))
            what = f" [{part}]" if part else ""
            warnings.append(
                QualityWarning(
                    key,
                    Check.CONFLICTING_ENTRIES,
                    f"{years}{what} 同一数据录入了不同的数值：{listed}",
                    f"{years}{what}: the same figure was entered with different values: {listed.replace('、', ', ')}",
                )
            )
    return warnings


def _year_above_totals(report: AnnualReport, totals: Any) -> list[tuple[ReportedValue, Any]]:
    """The multi-year published totals of summed indicators that this year's figure alone exceeds."""
    sums = set(Indicator.objects.filter(aggregation=Aggregation.SUM).values_list("key", flat=True))
    above = []
    for total in totals:
        figure = report.figures.get(total.indicator_key)
        if figure is not None and total.indicator_key in sums and Decimal(figure.value) > total.value:
            above.append((total, figure))
    return above


def _annual_exceeds_cumulative(report: AnnualReport) -> list[QualityWarning]:
    if report.year_to:
        return []
    ranges = ReportedValue.objects.filter(
        _scoped_values(report), year__lte=report.year, year_to__gte=report.year, breakdown_code=""
    ).exclude(year_to=report.year, year=report.year)
    warnings = []
    for total, figure in _year_above_totals(report, ranges):
        warnings.append(
            QualityWarning(
                total.indicator_key,
                Check.ANNUAL_EXCEEDS_CUMULATIVE,
                f"{report.year} 年数值 {_fmt_zh(figure.value)} 大于 "
                f"{total.year}–{total.year_to} 累计数 {_fmt_zh(total.value)}",
                f"{report.year} alone ({_fmt(figure.value)}) exceeds the {total.year}–{total.year_to} total "
                f"({_fmt(total.value)})",
            )
        )
    return warnings


def _annual_exceeds_cumulative_before(report: AnnualReport) -> list[QualityWarning]:
    """One year's figure larger than everything published for the years up to the year before."""
    if report.year_to:
        return []
    ranges = ReportedValue.objects.filter(
        _scoped_values(report), year_to=report.year - 1, year__lt=report.year - 1, breakdown_code=""
    )
    warnings = []
    for total, figure in _year_above_totals(report, ranges):
        warnings.append(
            QualityWarning(
                total.indicator_key,
                Check.ANNUAL_EXCEEDS_CUMULATIVE_BEFORE,
                f"{report.year} 年数值 {_fmt_zh(figure.value)} 大于此前 "
                f"{total.year}–{total.year_to} 累计数 {_fmt_zh(total.value)}",
                f"{report.year} alone ({_fmt(figure.value)}) exceeds the whole of {total.year}–{total.year_to} "
                f"({_fmt(total.value)})",
            )
        )
    return warnings


def _stated_change_mismatch(report: AnnualReport, previous: AnnualReport | None) -> list[QualityWarning]:
    if previous is None:
        return []
    stated = ReportedValue.objects.filter(
        _scoped_values(report), year=report.year, year_to__isnull=True, stated_change_percent__isnull=False
    )
    warnings = []
    for value in stated:
        now, before = report.figures.get(value.indicator_key), previous.figures.get(value.indicator_key)
        if now is None or before is None or Decimal(before.value) == 0:
            continue
        actual = (Decimal(now.value) - Decimal(before.value)) / Decimal(before.value) * 100
        assert value.stated_change_percent is not None
        if abs(actual - value.stated_change_percent) <= CHANGE_TOLERANCE:
            continue
        warnings.append(
            QualityWarning(
                value.indicator_key,
                Check.STATED_CHANGE_MISMATCH,
                f"资料称比上年增长 {value.stated_change_percent}%，按数据计算为 {actual:.1f}%",
                f"the source states a change of {value.stated_change_percent}% on the year before; "
                f"the figures give {actual:.1f}%",
            )
        )
    return warnings


def report_quality(report: AnnualReport, previous: AnnualReport | None = None) -> list[QualityWarning]:
    """Every data-quality warning for a report (``previous``: the same scope a year earlier)."""
    warnings: list[QualityWarning] = []
    for figure in report.figures.values():
        warnings += _breakdown_mismatch(figure)
        warning = _records_differ(figure)
        if warning is not None:
            warnings.append(warning)
    warnings += _conflicting_entries(report)
    warnings += _annual_exceeds_cumulative(report)
    warnings += _annual_exceeds_cumulative_before(report)
    warnings += _stated_change_mismatch(report, previous)
    return sorted(warnings, key=lambda w: (w.key, w.check))
