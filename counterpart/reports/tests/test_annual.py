import datetime

from counterpart.funds.models import FundSource
from counterpart.funds.services import ledger_commit, ledger_disburse
from counterpart.indicators.models import Qualifier
from counterpart.indicators.services import reported_value_enter
from counterpart.reports.annual import report_annual

DAY = datetime.date(2009, 5, 1)


def test_figures_from_records_are_tagged_with_their_source(program, project, actor) -> None:
    commitment = ledger_commit(actor, program=program, date=DAY, source=FundSource.FISCAL_DISTRICT, amount_fen=123_45)
    ledger_disburse(actor, commitment=commitment, date=DAY, amount_fen=123_45)
    figures = report_annual(program, 2009).as_json()["indicators"]
    assert figures["fiscal_aid"]["value"] == 123.45
    assert figures["fiscal_aid"]["source"] == "ledger"
    assert figures["fiscal_aid"]["breakdown"] == {"fiscal_district": 123.45}
    assert figures["projects"] == {
        "value": 1,
        "unit": "count",
        "source": "projects",
        "breakdown": {"drinking_water": 1},
    }
    # nothing of another year leaks in
    assert "fiscal_aid" not in report_annual(program, 2010).as_json()["indicators"]


def test_a_published_figure_is_shown_with_the_records_beside_it_never_added(program, project, actor) -> None:
    # given one project on record and a published count of 150
    reported_value_enter(
        actor,
        program=program,
        indicator_key="projects",
        year=2009,
        value=150,
        unit="count",
        qualifier=Qualifier.MORE_THAN,
        citation="yearbook p. 3",
    )
    figure = report_annual(program, 2009).as_json()["indicators"]["projects"]
    # then the published figure stands, and the record count rides beside it
    assert figure["value"] == 150
    assert figure["source"] == "reported"
    assert figure["qualifier"] == "more_than"
    assert figure["records"] == {"value": 1, "source": "projects"}


def test_reported_value_for_a_range_is_not_an_annual_figure(program, actor) -> None:
    reported_value_enter(
        actor,
        program=program,
        indicator_key="projects",
        year=1997,
        year_to=2009,
        value=800,
        unit="count",
        qualifier=Qualifier.MORE_THAN,
    )
    assert "projects" not in report_annual(program, 2009).as_json()["indicators"]
    assert report_annual(program, 1997, 2009).as_json()["indicators"]["projects"]["value"] == 800
