from decimal import Decimal

import pytest

from counterpart.enterprise.models import INDICATOR_RULES, Aggregation, OperationKind
from counterpart.enterprise.selectors import (
    enterprise_totals,
    enterprise_totals_by_area,
    enterprise_totals_by_enterprise,
    qualifier_combine,
)
from counterpart.enterprise.services import (
    ReportFigures,
    enterprise_report_confirm,
    enterprise_report_draft,
    enterprise_report_return,
    enterprise_report_submit,
    operation_record,
)
from counterpart.registry.models import OrganisationKind
from counterpart.registry.services import organisation_create


def _confirmed(program, enterprise, actor, year, operation=None, **values):
    report = enterprise_report_draft(
        actor=actor,
        program=program,
        enterprise=enterprise,
        year=year,
        operation=operation,
        area=None if operation else program.donor_area,
        figures=ReportFigures(**values),
    )
    enterprise_report_submit(actor=actor, report=report)
    return enterprise_report_confirm(actor=actor, report=report)


def test_the_rule_says_flows_add_and_stocks_take_the_latest() -> None:
    flows = {k for k, rule in INDICATOR_RULES.items() if rule.aggregation == Aggregation.FLOW}
    stocks = {k for k, rule in INDICATOR_RULES.items() if rule.aggregation == Aggregation.STOCK}
    assert {"taxes_paid", "actual_investment", "jobs_created", "people_helped_into_jobs"} <= flows
    assert {"direct_sales", "order_value"} <= flows
    assert {"enterprise_assets", "production_capacity", "matching_enterprises", "employees", "annual_output"} <= stocks


def test_over_two_years_flows_add_and_stocks_take_the_latest_per_enterprise_then_sum(
    program, company, second_company, actor
) -> None:
    # given two enterprises reporting 2009 and 2010 (the second has no assets figure in 2010)
    _confirmed(program, company, actor, 2009, taxes_paid_fen=100_00, jobs_created=10, total_assets_fen=1_000_00)
    _confirmed(program, company, actor, 2010, taxes_paid_fen=150_00, jobs_created=5, total_assets_fen=1_200_00)
    _confirmed(program, second_company, actor, 2009, taxes_paid_fen=7_00, total_assets_fen=500_00)
    _confirmed(program, second_company, actor, 2010, taxes_paid_fen=3_00, matching_enterprises=4)
    # when the range 2009–2010 is totalled
    totals = enterprise_totals(program, 2009, 2010)
    # then flows add over years and enterprises
    assert totals["taxes_paid"].value == 100_00 + 150_00 + 7_00 + 3_00
    assert totals["jobs_created"].value == 15
    # and stocks take each enterprise's latest value within the range, then add
    assert totals["enterprise_assets"].value == 1_200_00 + 500_00
    assert totals["matching_enterprises"].value == 4
    # and a single year is the year alone
    single = enterprise_totals(program, 2009)
    assert (single["taxes_paid"].value, single["enterprise_assets"].value) == (107_00, 1_500_00)
    assert "matching_enterprises" not in single


def test_capacity_is_latest_per_operation_and_kept_by_product_unit(program, company, factory, areas, actor) -> None:
    tv_plant = operation_record(
        actor=actor,
        enterprise=company,
        organisation=organisation_create(
            actor=actor, name_zh="电视厂", kind=OrganisationKind.ENTERPRISE, area=areas["520402"]
        ),
        kind=OperationKind.SUBSIDIARY,
        area=areas["520402"],
        sector="electronics",
    )
    _confirmed(program, company, actor, 2008, operation=factory, capacity_quantity=500_000, capacity_unit="台冰箱")
    _confirmed(program, company, actor, 2009, operation=factory, capacity_quantity="1000000", capacity_unit="台冰箱")
    _confirmed(program, company, actor, 2008, operation=tv_plant, capacity_quantity=50_000, capacity_unit="台电视机")
    capacity = enterprise_totals(program, 2008, 2009)["production_capacity"]
    assert capacity.by_unit == {"台冰箱": Decimal(1_000_000), "台电视机": Decimal(50_000)}
    by_area = enterprise_totals_by_area(program, 2008, 2009)
    assert by_area["520422"]["production_capacity"].value == Decimal(1_000_000)
    assert by_area["520402"]["production_capacity"].value == Decimal(50_000)


@pytest.mark.parametrize("stop", ["draft", "submitted", "returned"])
def test_an_unconfirmed_report_does_not_count(program, company, actor, stop) -> None:
    # given a report left as draft, submitted or returned
    report = enterprise_report_draft(
        actor=actor,
        program=program,
        enterprise=company,
        year=2009,
        area=program.donor_area,
        figures=ReportFigures(taxes_paid_fen=580_00, jobs_created=34),
    )
    if stop != "draft":
        enterprise_report_submit(actor=actor, report=report)
    if stop == "returned":
        enterprise_report_return(actor=actor, report=report, reason="请核对")
    # then nothing of it is in the totals
    assert enterprise_totals(program, 2009) == {}
    assert enterprise_totals_by_enterprise(program, 2009) == {}


def test_a_confirmed_correction_replaces_the_figures_without_double_counting(program, company, actor) -> None:
    # given a confirmed report and a correction of it
    _confirmed(program, company, actor, 2009, taxes_paid_fen=100_00, total_assets_fen=900_00)
    correction = enterprise_report_draft(
        actor=actor,
        program=program,
        enterprise=company,
        year=2009,
        area=program.donor_area,
        figures=ReportFigures(taxes_paid_fen=120_00, total_assets_fen=950_00),
    )
    enterprise_report_submit(actor=actor, report=correction)
    # while the correction waits, the confirmed figures stand
    assert enterprise_totals(program, 2009)["taxes_paid"].value == 100_00
    # when the correction is confirmed, its figures replace the old ones
    enterprise_report_confirm(actor=actor, report=correction)
    totals = enterprise_totals(program, 2009)
    assert (totals["taxes_paid"].value, totals["enterprise_assets"].value) == (120_00, 950_00)


def test_qualifiers_survive_aggregation(program, company, second_company, actor) -> None:
    _confirmed(program, company, actor, 2009, jobs_created=3400, qualifiers={"jobs_created": "more_than"})
    assert enterprise_totals(program, 2009)["jobs_created"].qualifier == "more_than"
    _confirmed(program, second_company, actor, 2009, jobs_created=100)
    # an exact part does not change "more than"
    total = enterprise_totals(program, 2009)["jobs_created"]
    assert (total.value, total.qualifier) == (3500, "more_than")
    by_enterprise = enterprise_totals_by_enterprise(program, 2009)
    assert by_enterprise[company]["jobs_created"].value == 3400
    assert by_enterprise[second_company]["jobs_created"].value == 100


def test_qualifier_combination() -> None:
    assert qualifier_combine(["", ""]) == ""
    assert qualifier_combine(["nearly", ""]) == "nearly"
    assert qualifier_combine(["nearly", "more_than"]) == "about"


def test_an_average_is_not_added_across_enterprises(program, company, second_company, actor) -> None:
    _confirmed(program, company, actor, 2009, average_staff_income_fen=12_000_00)
    assert enterprise_totals(program, 2009)["average_staff_income"].value == 12_000_00
    _confirmed(program, second_company, actor, 2009, average_staff_income_fen=30_000_00)
    assert "average_staff_income" not in enterprise_totals(program, 2009)
    assert enterprise_totals_by_enterprise(program, 2009)[company]["average_staff_income"].value == 12_000_00


def test_another_programs_reports_do_not_leak_in(program, company, areas, actor) -> None:
    from counterpart.registry.services import program_create

    other = program_create(actor=actor, slug="other", name_zh="其他", donor_area=areas["3702"], start_year=2000)
    company.programs.add(other)
    _confirmed(other, company, actor, 2009, taxes_paid_fen=1_00)
    assert enterprise_totals(program, 2009) == {}
    assert enterprise_totals(other, 2009)["taxes_paid"].value == 1_00
