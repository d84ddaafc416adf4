import datetime

from counterpart.funds.models import FundSource
from counterpart.funds.services import ledger_commit, ledger_disburse
from counterpart.indicators.models import Qualifier
from counterpart.indicators.services import reported_value_enter
from counterpart.reports.annual import report_annual

DAY = datetime.date(2009, 5, 1)


def test_figures_from_records_are_tagged_with_their_source(program, project, actor) -> None:
    commitment = ledger_commit(
        actor=actor, program=program, date=DAY, source=FundSource.FISCAL_DISTRICT, amount_fen=123_45
    )
    ledger_disburse(actor=actor, commitment=commitment, date=DAY, amount_fen=123_45)
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
        actor=actor,
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
        actor=actor,
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


def test_cumulative_report_mixes_published_totals_with_records(program, project, actor) -> None:
    # given 2007–2008 known only as a published total, and 2009 on record in the ledger
    reported_value_enter(
        actor=actor,
        program=program,
        indicator_key="fiscal_aid",
        year=2007,
        year_to=2008,
        value="1000000.00",
        qualifier=Qualifier.MORE_THAN,
        citation="2008 yearbook",
    )
    commitment = ledger_commit(
        actor=actor, program=program, date=DAY, source=FundSource.FISCAL_MUNICIPAL, amount_fen=50_00
    )
    ledger_disburse(actor=actor, commitment=commitment, date=DAY, amount_fen=50_00)
    # when the cumulative report for 2007–2009 is made
    figure = report_annual(program, 2007, 2009).as_json()["indicators"]["fiscal_aid"]
    # then the parts are added, each with its source, and the published qualifier carries over
    assert figure["value"] == 1_000_050
    assert figure["source"] == "reported"
    assert figure["qualifier"] == "more_than"
    assert figure["composition"] == [
        {"years": "2007-2008", "value": 1_000_000, "source": "reported"},
        {"years": "2009", "value": 50, "source": "ledger"},
    ]
    assert figure["records"] == {"value": 50, "source": "ledger"}


def test_a_published_total_for_exactly_the_range_stands_as_published(program, project, actor) -> None:
    reported_value_enter(
        actor=actor,
        program=program,
        indicator_key="projects",
        year=1997,
        year_to=2009,
        value=800,
        qualifier=Qualifier.MORE_THAN,
    )
    figure = report_annual(program, 1997, 2009).as_json()["indicators"]["projects"]
    assert figure == {
        "value": 800,
        "unit": "count",
        "source": "reported",
        "qualifier": "more_than",
        "records": {"value": 1, "source": "projects"},
    }


def test_years_without_records_or_totals_are_named_as_missing(program, project, actor) -> None:
    reported_value_enter(actor=actor, program=program, indicator_key="fiscal_aid", year=2007, value="10")
    figure = report_annual(program, 2007, 2008).as_json()["indicators"]["fiscal_aid"]
    assert figure["composition"] == [
        {"years": "2007", "value": 10, "source": "reported"},
        {"years": "2008", "value": 0, "source": "missing"},
    ]


def test_scope_limits_every_figure_to_an_area_or_a_pairing(program, pairing, project, areas, actor) -> None:
    from counterpart.projects.services import project_approve, project_propose
    from counterpart.reports.annual import Scope

    # given a second project elsewhere, outside the pairing, approved (a proposal is not counted)
    second = project_propose(
        actor=actor,
        program=program,
        code="P-002",
        title_zh="道路",
        category="village_road",
        recipient_area=areas["520402"],
        year=2009,
        budget_fen=0,
    )
    project_approve(actor=actor, project=second)
    assert report_annual(program, 2009).as_json()["indicators"]["projects"]["value"] == 2
    in_county = report_annual(program, 2009, scope=Scope(area_code="520422")).as_json()
    assert in_county["area"] == "520422"
    assert in_county["indicators"]["projects"]["breakdown"] == {"drinking_water": 1}
    in_pairing = report_annual(program, 2009, scope=Scope.of_pairing(pairing)).as_json()["indicators"]
    assert in_pairing["projects"]["breakdown"] == {"drinking_water": 1}
    assert in_pairing["district_county_pairs"]["value"] == 1


def test_a_two_year_report_counts_beneficiaries_from_the_published_year_and_the_records_of_the_other(
    demo_program,
) -> None:
    # given the demo: 2009's beneficiaries published ("more than 50,000") beside its records; 2010 on record only
    one_year = report_annual(demo_program, 2009).as_json()["indicators"]["beneficiaries"]
    records_2010 = report_annual(demo_program, 2010).as_json()["indicators"].get("beneficiaries", {"value": 0})
    # when 2009–2010 is reported
    figure = report_annual(demo_program, 2009, 2010).as_json()["indicators"]["beneficiaries"]
    # then 2009 is the published figure and 2010 its records, listed as the parts
    assert figure["source"] == "reported"
    assert figure["composition"][0] == {"years": "2009", "value": one_year["value"], "source": "reported"}
    assert figure["value"] == one_year["value"] + records_2010["value"]
    assert figure["value"] >= one_year["value"] > one_year["records"]["value"]


def test_a_grouping_program_adds_its_members_records_and_its_own_published_figure_stands(areas, actor) -> None:
    from counterpart.registry.services import program_create

    # given a donor's twinnings grouped under one program, each member with fiscal aid on its ledger
    group = program_create(
        actor=actor, slug="qd-all", name_zh="青岛对口帮扶", donor_area=areas["3702"], start_year=1996
    )
    members = [
        program_create(actor=actor, slug=slug, name_zh=slug, donor_area=areas["3702"], start_year=1996, group=group)
        for slug in ("qd-a", "qd-b")
    ]
    for member, fen in zip(members, (100_00, 250_00), strict=True):
        commitment = ledger_commit(
            actor=actor, program=member, date=DAY, source=FundSource.FISCAL_MUNICIPAL, amount_fen=fen
        )
        ledger_disburse(actor=actor, commitment=commitment, date=DAY, amount_fen=fen)
    # when the group's report is made, before and after its own published total is entered
    from_records = report_annual(group, 2009).as_json()["indicators"]["fiscal_aid"]
    reported_value_enter(
        actor=actor, program=group, indicator_key="fiscal_aid", year=2009, value=400, unit="yuan", citation="yearbook"
    )
    published = report_annual(group, 2009).as_json()["indicators"]["fiscal_aid"]
    # then the members' records add up, by member, and the published figure stands with them beside it
    assert from_records == {
        "value": 350.0,
        "unit": "yuan",
        "source": "programs",
        "breakdown": {"qd-a": 100.0, "qd-b": 250.0},
    }
    assert published["value"] == 400 and published["source"] == "reported"
    assert published["records"]["value"] == 350.0
