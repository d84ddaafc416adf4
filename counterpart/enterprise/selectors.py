"""Reads for enterprise cooperation and market development.

Every total applies ``INDICATOR_RULES`` (models.py), the one statement of which indicators are
flows (add over years) and which are stocks (latest year per reporting scope, then added across
scopes). Only confirmed reports count.
"""

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Sum, TextField, Value, Window
from django.db.models.expressions import RowRange
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import NullIf

from counterpart.indicators.models import Qualifier
from counterpart.registry.models import Program

from .models import (
    INDICATOR_RULES,
    REPORT_INDICATORS,
    Aggregation,
    CooperationAgreement,
    Enterprise,
    EnterpriseReport,
    EventParticipation,
    MarketEvent,
    Purchase,
    ReportStatus,
    Side,
)


@dataclass
class Total:
    """An indicator's total: a number in the report field's unit (fen for money), how it was
    qualified when published, and, for capacity, the parts by product unit."""

    value: Decimal | int
    qualifier: str = ""
    by_unit: dict[str, Decimal] = field(default_factory=dict)


def qualifier_combine(qualifiers: Iterable[str]) -> str:
    """The qualifier of a sum: "more than 3,400" plus an exact 100 is "more than 3,500".

    Exact parts do not change the qualifier of the others; differing qualifiers ("nearly" plus
    "more than") leave only "about".
    """
    kinds = {q for q in qualifiers if q}
    if not kinds:
        return Qualifier.EXACT
    if len(kinds) == 1:
        return kinds.pop()
    return Qualifier.ABOUT


def confirmed_reports(
    program: Program, year: int, year_to: int | None = None, *, area_code: str | None = None
) -> QuerySet[EnterpriseReport]:
    """Confirmed enterprise reports of a program's year (or range): the only ones that count.

    ``area_code`` keeps the reports whose area lies within that recipient area.
    """
    reports = EnterpriseReport.objects.filter(
        program=program, status=ReportStatus.CONFIRMED, year__gte=year, year__lte=year_to or year
    )
    if area_code is not None:
        reports = reports.filter(area__code__startswith=area_code)
    return reports


def _aggregate(reports: Iterable[EnterpriseReport]) -> dict[str, Total]:
    """Apply INDICATOR_RULES to one group of reports."""
    ordered = sorted(reports, key=lambda r: (r.year, r.pk))
    totals: dict[str, Total] = {}
    for key, rule in REPORT_INDICATORS.items():
        contributing: list[EnterpriseReport]
        if rule.aggregation == Aggregation.FLOW:
            contributing = [r for r in ordered if getattr(r, rule.field) is not None]
        else:
            # latest year with a value, per reporting scope (enterprise and operation)
            latest: dict[tuple[int, int | None], EnterpriseReport] = {}
            for report in ordered:
                if getattr(report, rule.field) is not None:
                    latest[(report.enterprise_id, report.operation_id)] = report
            contributing = list(latest.values())
        if not contributing or (not rule.additive and len(contributing) > 1):
            continue
        values = [getattr(r, rule.field) for r in contributing]
        total = Total(sum(values), qualifier_combine(r.qualifiers.get(key, "") for r in contributing))
        if key == "production_capacity":
            by_unit: dict[str, Decimal] = defaultdict(Decimal)
            for report in contributing:
                by_unit[report.capacity_unit] += report.capacity_quantity or Decimal(0)
            total.by_unit = dict(sorted(by_unit.items()))
        totals[key] = total
    return totals


def _grouped(
    reports: QuerySet[EnterpriseReport], key: Callable[[EnterpriseReport], Hashable]
) -> dict[Hashable, dict[str, Total]]:
    groups: dict[Hashable, list[EnterpriseReport]] = defaultdict(list)
    for report in reports:
        groups[key(report)].append(report)
    return {group: _aggregate(members) for group, members in groups.items()}


def _contributes(key: str) -> str:
    """SQL true where a row of ``_RANKED`` counts in ``key``'s total, as ``_aggregate`` picks it: a flow's
    every value; a stock's latest value in its scope (the first non-null counting back from the last year)."""
    field = REPORT_INDICATORS[key].field
    if REPORT_INDICATORS[key].aggregation == Aggregation.FLOW:
        return f"r.{field} IS NOT NULL"
    return f"r.{field} IS NOT NULL AND r.n_{key} = 1"


def _totals_sql(inner: str) -> str:
    """One grouped pass over the ranked reports: per indicator the sum, the count, and the least and greatest
    non-empty qualifier of the contributing reports (equal: one kind; different: "about"), in groups by the
    unit of the capacity a row contributes (NULL for the rest: a handful of groups, added in Python)."""
    columns = []
    for key in REPORT_INDICATORS:
        field, when = REPORT_INDICATORS[key].field, _contributes(key)
        # capacity in hundredths, an integer on both databases (SQLite would add REALs)
        value = "CAST(ROUND(r.capacity_quantity * 100) AS BIGINT)" if key == "production_capacity" else f"r.{field}"
        columns += [
            f"SUM(CASE WHEN {when} THEN {value} END)",
            f"COUNT(CASE WHEN {when} THEN 1 END)",
            f"MIN(CASE WHEN {when} THEN r.q_{key} END)",
            f"MAX(CASE WHEN {when} THEN r.q_{key} END)",
        ]
    unit = f"CASE WHEN {_contributes('production_capacity')} THEN r.capacity_unit END"
    return f"SELECT {unit}, {', '.join(columns)} FROM ({inner}) r GROUP BY {unit}"


def enterprise_totals(
    program: Program, year: int, year_to: int | None = None, *, area_code: str | None = None
) -> dict[str, Total]:
    """The program's enterprise figures for a year or a range (cumulative report), optionally in an area.

    The same totals as ``_aggregate`` over ``confirmed_reports`` (tests/test_totals_sql.py compares them),
    computed in the database: a window over each scope's reports, newest first, counts for every stock how
    many of them from the newest one on carry it (1 on the latest that does), and one grouped query adds
    up what contributes. A few rows come back however many reports there are (S = 1.0: ~58,000).
    """
    scope = [F("enterprise_id"), F("operation_id")]
    newest_first = [F("year").desc(), F("id").desc()]
    annotations: dict[str, Any] = {}
    for key, rule in REPORT_INDICATORS.items():
        annotations[f"q_{key}"] = NullIf(KeyTextTransform(key, "qualifiers"), Value("", output_field=TextField()))
        if rule.aggregation == Aggregation.STOCK:
            annotations[f"n_{key}"] = Window(
                Count(rule.field), partition_by=scope, order_by=newest_first, frame=RowRange(start=None, end=0)
            )
    ranked = (
        confirmed_reports(program, year, year_to, area_code=area_code)
        .annotate(**annotations)
        .values("capacity_unit", *{rule.field for rule in REPORT_INDICATORS.values()}, *annotations)
    )
    inner, params = ranked.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(_totals_sql(inner), params)
        groups = cursor.fetchall()
    totals: dict[str, Total] = {}
    for index, (key, rule) in enumerate(REPORT_INDICATORS.items()):
        column = 1 + 4 * index
        parts = [group[column : column + 4] for group in groups if group[column + 1]]
        count = sum(n for _total, n, _least, _greatest in parts)
        if not count or (not rule.additive and count > 1):
            continue
        kinds = {q for _t, _n, least, greatest in parts for q in (least, greatest) if q}
        total: Decimal | int = sum(int(t) for t, _n, _l, _g in parts)
        if key == "production_capacity":
            # as ``_aggregate`` adds them: a unit whose capacities are all zero stays Decimal(0), not 0.00
            by_unit = {
                group[0]: _hundredths(group[column]) if group[column] else Decimal(0)
                for group in groups
                if group[column + 1]
            }
            totals[key] = Total(_hundredths(total), qualifier_combine(kinds), dict(sorted(by_unit.items())))
        else:
            totals[key] = Total(total, qualifier_combine(kinds))
    return totals


def _hundredths(value: object) -> Decimal:
    return Decimal(int(value)).scaleb(-2)  # type: ignore[call-overload]


def enterprise_totals_by_enterprise(
    program: Program, year: int, year_to: int | None = None
) -> dict[Enterprise, dict[str, Total]]:
    """Per enterprise: the dashboard's table of what each company achieved."""
    reports = confirmed_reports(program, year, year_to).select_related("enterprise__organisation")
    return _grouped(reports, lambda r: r.enterprise)  # type: ignore[return-value]


def enterprise_totals_by_area(program: Program, year: int, year_to: int | None = None) -> dict[str, dict[str, Total]]:
    """Per recipient area a report covers (an operation's county or prefecture, or a province)."""
    return _grouped(confirmed_reports(program, year, year_to), lambda r: r.area_id)  # type: ignore[return-value]


def agreements_of_year(program: Program, year: int, year_to: int | None = None) -> QuerySet[CooperationAgreement]:
    return CooperationAgreement.objects.filter(
        program=program, signed_on__year__gte=year, signed_on__year__lte=year_to or year
    )


def agreements_total(program: Program, year: int, year_to: int | None = None) -> tuple[int, int]:
    """(number of agreements signed, agreed investment in fen) in the year or range."""
    row = agreements_of_year(program, year, year_to).aggregate(n=Count("id"), fen=Sum("agreed_investment_fen"))
    return row["n"], row["fen"] or 0


def enterprises_engaged(program: Program, year: int, year_to: int | None = None) -> int:
    """Donor-side enterprises with a confirmed report or a signed agreement in the year or range."""
    # Two semi-joins on the enterprise's id: joining its reports and agreements and counting distinct
    # enterprises multiplied the rows (S = 1.0: 20,000 enterprises, ~58,000 reports; 1.5 s at 50 × S = 0.02).
    # The program's membership is one row per enterprise, so the count needs no DISTINCT.
    reporting = confirmed_reports(program, year, year_to).values("enterprise_id")
    signing = agreements_of_year(program, year, year_to).values("enterprise_id")
    return (
        Enterprise.objects.filter(side=Side.DONOR, programs=program)
        .filter(Q(id__in=reporting) | Q(id__in=signing))
        .count()
    )


def market_events_of_year(program: Program, year: int, year_to: int | None = None) -> QuerySet[MarketEvent]:
    """Events that began in the year or range."""
    return MarketEvent.objects.filter(
        program=program, start_date__year__gte=year, start_date__year__lte=year_to or year
    )


@dataclass
class MarketTotals:
    events: int = 0
    # as published on the events (sum over events), with the combined qualifier
    participating_enterprises: Total | None = None
    direct_sales_fen: Total | None = None
    order_value_fen: Total | None = None
    # distinct enterprises registered as participants
    registered_participants: int = 0
    export_destinations: list[str] = field(default_factory=list)


def _event_total(events: list[MarketEvent], key: str, published: str, registered: str) -> Total | None:
    """An event's total is its published figure, else the sum of its participants' own figures."""
    parts: list[tuple[int, str]] = []
    for event in events:
        value = getattr(event, published)
        if value is not None:
            parts.append((value, event.qualifiers.get(key, "")))
        elif registered:
            own = [getattr(p, registered) for p in event.participations.all() if getattr(p, registered) is not None]
            if own:
                parts.append((sum(own), ""))
    if not parts:
        return None
    return Total(sum(v for v, _q in parts), qualifier_combine(q for _v, q in parts))


def market_totals(program: Program, year: int, year_to: int | None = None) -> MarketTotals:
    """Events, participants, sales and orders of the year or range (flows, per INDICATOR_RULES)."""
    assert all(INDICATOR_RULES[k].aggregation == Aggregation.FLOW for k in ("direct_sales", "order_value"))
    events = list(market_events_of_year(program, year, year_to).prefetch_related("participations"))
    if not events:
        return MarketTotals()
    destinations = sorted({d for event in events for d in event.export_destinations})
    return MarketTotals(
        events=len(events),
        participating_enterprises=_event_total(
            events, "participating_enterprises", "participating_enterprises_count", ""
        ),
        direct_sales_fen=_event_total(events, "direct_sales", "direct_sales_fen", "direct_sales_fen"),
        order_value_fen=_event_total(events, "order_value", "order_value_fen", "order_value_fen"),
        registered_participants=EventParticipation.objects.filter(event__in=events)
        .values("enterprise")
        .distinct()
        .count(),
        export_destinations=destinations,
    )


def purchases_total_by_buyer_kind(program: Program, year: int, year_to: int | None = None) -> dict[str, int]:
    """Consumption assistance: amounts in fen by kind of buyer, for the year or range."""
    rows = (
        Purchase.objects.filter(program=program, purchased_on__year__gte=year, purchased_on__year__lte=year_to or year)
        .values("buyer_kind")
        .annotate(fen=Sum("amount_fen"))
        .order_by("buyer_kind")
    )
    return {row["buyer_kind"]: row["fen"] for row in rows if row["fen"]}
