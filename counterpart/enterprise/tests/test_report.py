import datetime

from counterpart.demo.loader import demo_load
from counterpart.enterprise.models import EnterpriseReport, EventKind, ReportStatus
from counterpart.enterprise.services import (
    ReportFigures,
    agreement_sign,
    enterprise_report_confirm,
    enterprise_report_draft,
    enterprise_report_submit,
    event_participation_record,
    market_event_record,
    purchase_record,
)
from counterpart.indicators.services import reported_value_enter
from counterpart.registry.models import OrganisationKind
from counterpart.registry.services import organisation_create
from counterpart.reports.annual import report_annual
from counterpart.reports.book import report_book
from counterpart.reports.text import report_text

DAY = datetime.date(2009, 9, 10)


def test_figures_from_confirmed_reports_are_reported_and_records_are_registry(
    program, areas, company, factory, seller, actor
) -> None:
    # given a confirmed report, an agreement, an event with a registered seller, and a purchase
    report = enterprise_report_draft(
        actor=actor,
        program=program,
        enterprise=company,
        year=2009,
        operation=factory,
        figures=ReportFigures(taxes_paid_fen=1_234_56, capacity_quantity=500, capacity_unit="吨碳酸钡"),
    )
    enterprise_report_submit(actor=actor, report=report)
    enterprise_report_confirm(actor=actor, report=report)
    agreement_sign(
        actor=actor,
        program=program,
        enterprise=company,
        title="锰业扩建",
        signed_on=DAY,
        agreed_investment_fen=2_000_000_00,
        recipient_area=areas["520422"],
    )
    event = market_event_record(
        actor=actor,
        program=program,
        kind=EventKind.FAIR,
        title="贵州名优产品展销会",
        place="青岛国际会展中心",
        area=areas["3702"],
        start_date=DAY,
        end_date=DAY + datetime.timedelta(days=3),
    )
    event_participation_record(actor=actor, event=event, enterprise=seller, direct_sales_fen=8_000_00)
    canteen = organisation_create(actor=actor, name_zh="市机关食堂", kind=OrganisationKind.OTHER, area=areas["3702"])
    purchase_record(
        actor=actor,
        program=program,
        buyer=canteen,
        buyer_kind="canteen",
        seller=seller,
        product="绿茶",
        purchased_on=DAY,
        amount_fen=3_000_00,
    )
    # when the report is built
    figures = report_annual(program, 2009).as_json()["indicators"]
    # then
    assert figures["taxes_paid"] == {"value": 1234.56, "unit": "yuan", "source": "reported"}
    assert figures["production_capacity"] == {
        "value": 500,
        "unit": "units per year",
        "source": "reported",
        "breakdown": {"吨碳酸钡": 500},
    }
    assert figures["cooperation_agreements"] == {"value": 1, "unit": "count", "source": "registry"}
    assert figures["agreed_investment"] == {"value": 2_000_000, "unit": "yuan", "source": "registry"}
    assert figures["enterprises_engaged"] == {"value": 1, "unit": "count", "source": "registry"}
    assert figures["market_events"] == {"value": 1, "unit": "count", "source": "registry"}
    assert figures["participating_enterprises"] == {"value": 1, "unit": "count", "source": "registry"}
    assert figures["direct_sales"] == {"value": 8000, "unit": "yuan", "source": "reported"}
    assert "order_value" not in figures
    assert figures["purchases"] == {
        "value": 3000,
        "unit": "yuan",
        "source": "registry",
        "breakdown": {"canteen": 3000},
    }
    assert "纳税：1234.56元" in report_text(report_book(program, 2009, detail=False))
    # and nothing of 2009 is in 2010
    assert "taxes_paid" not in report_annual(program, 2010).as_json()["indicators"]


def test_a_published_program_figure_wins_and_carries_the_enterprise_total_beside_it(program, company, actor) -> None:
    report = enterprise_report_draft(
        actor=actor,
        program=program,
        enterprise=company,
        year=2009,
        area=program.donor_area,
        figures=ReportFigures(jobs_created=3400),
    )
    enterprise_report_submit(actor=actor, report=report)
    enterprise_report_confirm(actor=actor, report=report)
    reported_value_enter(
        actor=actor,
        program=program,
        indicator_key="jobs_created",
        year=2009,
        value=20000,
        unit="persons",
        qualifier="nearly",
    )
    figure = report_annual(program, 2009).as_json()["indicators"]["jobs_created"]
    assert figure == {
        "value": 20000,
        "unit": "persons",
        "source": "reported",
        "qualifier": "nearly",
        "records": {"value": 3400, "source": "reported"},
    }


def test_the_demo_report_gives_the_seeds_enterprise_and_market_figures_as_reported(db) -> None:
    program = demo_load().program
    figures = report_annual(program, 2009).as_json()["indicators"]
    # "the total assets of Red Star in Guizhou reached 1.341 billion Yuan"
    assert figures["enterprise_assets"] == {"value": 1_341_000_000, "unit": "yuan", "source": "reported"}
    # "It paid taxes of 580 million Yuan in Guizhou Province"
    assert figures["taxes_paid"] == {"value": 580_000_000, "unit": "yuan", "source": "reported"}
    # "directly created more than 3400 jobs and helped nearly 10,000 people find jobs"
    assert figures["jobs_created"] == {"value": 3400, "unit": "persons", "source": "reported", "qualifier": "more_than"}
    assert figures["people_helped_into_jobs"] == {
        "value": 10_000,
        "unit": "persons",
        "source": "reported",
        "qualifier": "nearly",
    }
    # "more than 70 enterprises of Guizhou ... direct sales revenue reached nearly 1 million Yuan
    # and the order value exceeded 100 million Yuan"
    participating = figures["participating_enterprises"]
    assert participating["value"] >= 70
    assert (participating["source"], participating["qualifier"]) == ("reported", "more_than")
    assert participating["records"] == {"value": 6, "source": "registry"}  # the illustrative exhibitors
    assert figures["direct_sales"] == {"value": 1_000_000, "unit": "yuan", "source": "reported", "qualifier": "nearly"}
    assert figures["order_value"] == {
        "value": 100_000_000,
        "unit": "yuan",
        "source": "reported",
        "qualifier": "more_than",
    }
    # Haier 1 million refrigerators, Hisense 1.3 million TV sets a year
    assert figures["production_capacity"]["breakdown"] == {"台冰箱": 1_000_000, "台电视机": 1_300_000}
    # the all-enterprise totals are published figures for the program
    assert figures["matching_enterprises"]["value"] == 50
    annual_output = dict(figures["annual_output"])
    # a figure entered as published carries the yearbook entry it was taken from
    assert "年鉴" in annual_output.pop("citation")
    assert annual_output == {
        "value": 1_000_000_000,
        "unit": "yuan",
        "source": "reported",
        "qualifier": "more_than",
    }
    assert figures["enterprise_employment"]["qualifier"] == "nearly"
    assert figures["enterprises_engaged"]["value"] == 3  # Red Star, Haier, Hisense reported
    assert EnterpriseReport.objects.filter(status=ReportStatus.CONFIRMED).count() == 3
