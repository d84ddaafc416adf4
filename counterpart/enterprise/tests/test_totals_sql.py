"""The enterprise totals computed in the database equal the rule applied report by report in Python.

``enterprise_totals`` aggregates in SQL (a window per reporting scope, one grouped query); ``_aggregate``
is the same rule applied to the report objects one by one, and stays the path of the per-enterprise
and per-area tables. For random histories of reports both must give the same totals to the digit:
the same value and type (an int, or a Decimal with the same exponent — the report's JSON shows it),
the same qualifier and the same capacity parts.
"""

from decimal import Decimal

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counterpart.enterprise.models import REPORT_INDICATORS, EnterpriseReport, ReportStatus
from counterpart.enterprise.selectors import Total, _aggregate, confirmed_reports, enterprise_totals

QUALIFIERS = st.sampled_from(["", "more_than", "nearly", "about"])
# Each field empty or a value: fen (bigint) and counts (integer) whole, capacity a quantity with two decimals.
FIELD_VALUES: dict[str, st.SearchStrategy[object]] = {
    rule.field: st.one_of(st.none(), st.decimals(0, 10_000, places=2))
    if rule.field == "capacity_quantity"
    else st.one_of(st.none(), st.integers(0, 10**12 if rule.field.endswith("_fen") else 10**6))
    for rule in REPORT_INDICATORS.values()
}
reports = st.lists(
    st.fixed_dictionaries(
        {
            "scope": st.integers(0, 3),  # two enterprises, each with and without its operation
            "year": st.integers(2008, 2012),
            "status": st.sampled_from([ReportStatus.CONFIRMED, ReportStatus.CONFIRMED, ReportStatus.SUBMITTED]),
            "values": st.fixed_dictionaries(FIELD_VALUES),
            "unit": st.sampled_from(["台", "套"]),
            "qualifiers": st.dictionaries(st.sampled_from(sorted(REPORT_INDICATORS)), QUALIFIERS, max_size=4),
        }
    ),
    max_size=14,
)


def _shape(totals: dict[str, Total]) -> dict[str, tuple]:
    def exact(value: object) -> tuple[str, str]:
        return type(value).__name__, str(value)

    return {
        key: (exact(t.value), t.qualifier, {unit: exact(q) for unit, q in t.by_unit.items()})
        for key, t in totals.items()
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=reports)
def test_the_sql_totals_equal_the_rule_applied_report_by_report(program, company, second_company, factory, history):
    scopes = [(company, factory), (company, None), (second_company, None), (second_company, None)]
    with transaction.atomic():
        seen: set[tuple] = set()
        rows = []
        for item in history:
            enterprise, operation = scopes[item["scope"]]
            # the constraints allow one confirmed report per scope and year (and one open one)
            key = (enterprise.pk, operation and operation.pk, item["year"], item["status"])
            if key in seen:
                continue
            seen.add(key)
            values = item["values"]
            capacity = values["capacity_quantity"]
            given = {k: v for k, v in item["qualifiers"].items() if values[REPORT_INDICATORS[k].field] is not None}
            # Written directly: the inputs of the aggregation, every combination the review workflow can leave.
            rows.append(
                EnterpriseReport(
                    program=program,
                    enterprise=enterprise,
                    operation=operation,
                    area=operation.area if operation else program.donor_area,
                    year=item["year"],
                    status=item["status"],
                    capacity_unit=item["unit"] if capacity is not None else "",
                    qualifiers={k: v for k, v in given.items() if v},
                    **values,
                )
            )
        EnterpriseReport.objects.bulk_create(rows)
        for area_code in (None, "52", "520422", "37"):
            for first in range(2008, 2013):
                for last in range(first, 2013):
                    by_rule = _aggregate(confirmed_reports(program, first, last, area_code=area_code))
                    in_sql = enterprise_totals(program, first, last, area_code=area_code)
                    assert _shape(in_sql) == _shape(by_rule), (area_code, first, last)
        transaction.set_rollback(True)


def test_capacity_parts_keep_their_cents(program, company, factory, actor) -> None:
    # given two scopes' capacities whose cents add to a whole number
    for operation, quantity in ((factory, Decimal("10.25")), (None, Decimal("0.75"))):
        EnterpriseReport.objects.create(
            program=program,
            enterprise=company,
            operation=operation,
            area=operation.area if operation else program.donor_area,
            year=2010,
            status=ReportStatus.CONFIRMED,
            capacity_quantity=quantity,
            capacity_unit="台",
        )
    # then the total keeps two places, as the sum of the fields does
    total = enterprise_totals(program, 2010)["production_capacity"]
    assert (str(total.value), {unit: str(q) for unit, q in total.by_unit.items()}) == ("11.00", {"台": "11.00"})
