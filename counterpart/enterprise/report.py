"""The enterprise and market figures of a program's annual (or cumulative) report.

Sources: figures from confirmed enterprise reports, and event totals entered as organisers
published them, are ``reported`` (docs/indicators.md: industry and market figures are reported
numbers). Figures counted from records held one by one — agreements, engaged enterprises,
events, registered participants, purchases — are ``registry``. Where the events carry a published
participant count, that count is shown and the number of registered participants rides beside it
under ``records``, as for any published figure.
"""

from decimal import Decimal

from counterpart.core.money import fen_to_yuan
from counterpart.indicators.figures import AnnualReport, Figure, Source
from counterpart.registry.models import Pairing

from .models import INDICATOR_RULES, MONEY_INDICATORS
from .selectors import (
    Total,
    agreements_total,
    enterprise_totals,
    enterprises_engaged,
    market_totals,
    purchases_total_by_buyer_kind,
)

# Report-based figures that make sense for a whole program (an average income does not add up).
PROGRAM_REPORT_KEYS = (
    "actual_investment",
    "taxes_paid",
    "jobs_created",
    "people_helped_into_jobs",
    "enterprise_assets",
    "annual_output",
    "production_capacity",
    "matching_enterprises",
    "employees",
    "employees_from_poor_households",
)


def _value(key: str, value: Decimal | int) -> Decimal | int:
    return fen_to_yuan(int(value)) if key in MONEY_INDICATORS else value


def _add(report: AnnualReport, figure: Figure) -> None:
    # Providers never overwrite a figure another provider gave.
    if figure.key not in report.figures:
        report.add(figure)


def _reported(report: AnnualReport, key: str, total: Total) -> None:
    rule = INDICATOR_RULES[key]
    breakdown = dict(total.by_unit) if total.by_unit else None
    _add(report, Figure(key, _value(key, total.value), rule.unit, Source.REPORTED, breakdown, total.qualifier))


def enterprise_figures(report: AnnualReport) -> None:
    """Add the enterprise cooperation and market development figures to ``report``.

    ``production_capacity`` is given by product unit in ``breakdown`` (refrigerators and TV sets
    do not add up); its ``value`` is the sum of the parts, meaningful only when there is one unit.
    """
    program, year, year_to, scope = report.program, report.year, report.year_to, report.scope
    if not scope.is_program_wide:
        # A recipient area's (or a pairing's recipient area's) share: the enterprise reports made
        # for operations there. Events, agreements and purchases are program-wide records.
        area_code = scope.area_code
        if area_code is None and scope.pairing_id is not None:
            area_code = Pairing.objects.values_list("recipient_area_id", flat=True).get(pk=scope.pairing_id)
        totals = enterprise_totals(program, year, year_to, area_code=area_code)
        for key in PROGRAM_REPORT_KEYS:
            if key in totals:
                _reported(report, key, totals[key])
        return
    totals = enterprise_totals(program, year, year_to)
    for key in PROGRAM_REPORT_KEYS:
        if key in totals:
            _reported(report, key, totals[key])

    count, agreed_fen = agreements_total(program, year, year_to)
    if count:
        _add(report, Figure("cooperation_agreements", count, "count", Source.REGISTRY))
        _add(report, Figure("agreed_investment", fen_to_yuan(agreed_fen), "yuan", Source.REGISTRY))
    engaged = enterprises_engaged(program, year, year_to)
    if engaged:
        _add(report, Figure("enterprises_engaged", engaged, "count", Source.REGISTRY))

    market = market_totals(program, year, year_to)
    if market.events:
        _add(report, Figure("market_events", market.events, "count", Source.REGISTRY))
        registered = Figure("participating_enterprises", market.registered_participants, "count", Source.REGISTRY)
        if market.participating_enterprises is not None:
            published = market.participating_enterprises
            _add(
                report,
                Figure(
                    "participating_enterprises",
                    published.value,
                    "count",
                    Source.REPORTED,
                    qualifier=published.qualifier,
                    records=registered if market.registered_participants else None,
                ),
            )
        elif market.registered_participants:
            _add(report, registered)
        for key, total in (("direct_sales", market.direct_sales_fen), ("order_value", market.order_value_fen)):
            if total is not None:
                _reported(report, key, total)

    purchases = purchases_total_by_buyer_kind(program, year, year_to)
    if purchases:
        _add(
            report,
            Figure(
                "purchases",
                fen_to_yuan(sum(purchases.values())),
                "yuan",
                Source.REGISTRY,
                {kind: fen_to_yuan(fen) for kind, fen in purchases.items()},
            ),
        )
