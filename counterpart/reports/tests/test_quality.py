import datetime

from counterpart.funds.models import FundSource
from counterpart.funds.services import ledger_commit, ledger_disburse
from counterpart.indicators.services import reported_value_enter
from counterpart.reports.annual import Scope, report_annual
from counterpart.reports.quality import Check, report_quality


def _checks(report, previous=None) -> set[tuple[str, str]]:
    return {(w.key, w.check) for w in report_quality(report, previous)}


def test_a_breakdown_that_does_not_add_up_is_flagged_not_corrected(program, actor) -> None:
    reported_value_enter(actor=actor, program=program, indicator_key="fiscal_aid", year=2011, value="16400000")
    for level, value in (("fiscal_municipal", "14000000"), ("fiscal_district", "2000000")):
        reported_value_enter(
            actor=actor,
            program=program,
            indicator_key="fiscal_aid",
            year=2011,
            value=value,
            breakdown_dimension="source",
            breakdown_code=level,
        )
    report = report_annual(program, 2011)
    assert report.figures["fiscal_aid"].value == 16_400_000  # as published
    assert _checks(report) == {("fiscal_aid", Check.BREAKDOWN_MISMATCH)}
    [warning] = report_quality(report)
    assert "1600万" in warning.message_zh and "1640万" in warning.message_zh


def test_the_same_figure_entered_twice_with_different_values_is_flagged(program, actor) -> None:
    reported_value_enter(actor=actor, program=program, indicator_key="labour_trained", year=2009, value=12000)
    assert _checks(report_annual(program, 2009)) == set()
    reported_value_enter(actor=actor, program=program, indicator_key="labour_trained", year=2009, value=11800)
    assert _checks(report_annual(program, 2009)) == {("labour_trained", Check.CONFLICTING_ENTRIES)}


def test_a_year_larger_than_its_cumulative_total_is_flagged(program, actor) -> None:
    reported_value_enter(actor=actor, program=program, indicator_key="projects", year=1997, year_to=2009, value=100)
    reported_value_enter(actor=actor, program=program, indicator_key="projects", year=2009, value=152)
    assert ("projects", Check.ANNUAL_EXCEEDS_CUMULATIVE) in _checks(report_annual(program, 2009))


def test_a_stated_change_that_the_figures_contradict_is_flagged(program, actor) -> None:
    reported_value_enter(actor=actor, program=program, indicator_key="labour_trained", year=2008, value=10000)
    reported_value_enter(
        actor=actor, program=program, indicator_key="labour_trained", year=2009, value=12000, stated_change_percent=20
    )
    assert _checks(report_annual(program, 2009), report_annual(program, 2008)) == set()
    reported_value_enter(
        actor=actor,
        program=program,
        indicator_key="students_aided",
        year=2008,
        value=1000,
    )
    reported_value_enter(
        actor=actor, program=program, indicator_key="students_aided", year=2009, value=1000, stated_change_percent=15
    )
    assert ("students_aided", Check.STATED_CHANGE_MISMATCH) in _checks(
        report_annual(program, 2009), report_annual(program, 2008)
    )


def test_published_and_recorded_figures_that_differ_are_flagged(program, project, actor) -> None:
    reported_value_enter(actor=actor, program=program, indicator_key="projects", year=2009, value=2)
    assert _checks(report_annual(program, 2009)) == {("projects", Check.RECORDS_DIFFER)}


def test_scoped_ledger_figures_agree_with_their_breakdowns(program, pairing, project, actor) -> None:
    # regression: the pairing scope once reached the breakdown but not the total
    day = datetime.date(2009, 4, 1)
    for source, pair in ((FundSource.FISCAL_MUNICIPAL, pairing), (FundSource.FISCAL_DISTRICT, None)):
        commitment = ledger_commit(
            actor=actor, program=program, date=day, source=source, amount_fen=10_00, pairing=pair
        )
        ledger_disburse(actor=actor, commitment=commitment, date=day, amount_fen=10_00)
    report = report_annual(program, 2009, scope=Scope.of_pairing(pairing))
    assert report.figures["fiscal_aid"].value == 10
    assert _checks(report) == set()


def test_a_year_larger_than_everything_up_to_the_year_before_is_flagged(program, actor) -> None:
    # given 1997–2009 published as 800 projects
    reported_value_enter(actor=actor, program=program, indicator_key="projects", year=1997, year_to=2009, value=800)
    # when 2010 has 111, and 2011 (say) 900
    reported_value_enter(actor=actor, program=program, indicator_key="projects", year=2010, value=111)
    reported_value_enter(actor=actor, program=program, indicator_key="road_km", year=1997, year_to=2009, value="50")
    reported_value_enter(actor=actor, program=program, indicator_key="road_km", year=2010, value="82.6")
    # then only the year larger than the whole before it is flagged
    checks = _checks(report_annual(program, 2010))
    assert ("road_km", Check.ANNUAL_EXCEEDS_CUMULATIVE_BEFORE) in checks
    assert ("projects", Check.ANNUAL_EXCEEDS_CUMULATIVE_BEFORE) not in checks


def test_two_breakdowns_of_one_figure_are_checked_apart_and_a_partial_one_is_not_expected_to_add_up(
    program, actor
) -> None:
    reported_value_enter(actor=actor, program=program, indicator_key="fiscal_aid", year=2011, value="31250000")
    parts = [
        ("level", "city", "27000000", False),
        ("level", "district", "4250000", False),
        ("recipient", "Anshun", "8400000", True),
    ]
    for dimension, part, value, partial in parts:
        reported_value_enter(
            actor=actor,
            program=program,
            indicator_key="fiscal_aid",
            year=2011,
            value=value,
            breakdown_dimension=dimension,
            breakdown_code=part,
            breakdown_partial=partial,
        )
    report = report_annual(program, 2011)
    assert _checks(report) == set()
    breakdowns = report.figures["fiscal_aid"].as_json()["breakdowns"]
    assert breakdowns["recipient"] == {"complete": False, "parts": {"Anshun": {"value": 8400000}}}
    assert breakdowns["level"]["complete"] is True
