import datetime

import pytest

from counterpart.core.errors import InvalidInput
from counterpart.core.models import AuditEvent
from counterpart.enterprise.models import (
    EnterpriseReport,
    EventKind,
    MarketEvent,
    OperationKind,
    Purchase,
    ReportStatus,
    Side,
)
from counterpart.enterprise.services import (
    ReportFigures,
    enterprise_register,
    enterprise_report_confirm,
    enterprise_report_draft,
    enterprise_report_return,
    enterprise_report_submit,
    enterprise_report_update,
    market_event_record,
    operation_record,
    purchase_record,
)
from counterpart.registry.models import OrganisationKind
from counterpart.registry.services import organisation_create

DAY = datetime.date(2009, 6, 1)


def _draft(program, company, actor, year=2009, **values):
    return enterprise_report_draft(
        actor=actor,
        program=program,
        enterprise=company,
        year=year,
        area=program.donor_area,
        figures=ReportFigures(**values),
    )


def test_register_refuses_an_unknown_side_naming_it(program, areas, actor) -> None:
    organisation = organisation_create(
        actor=actor, name_zh="海尔", kind=OrganisationKind.ENTERPRISE, area=areas["3702"]
    )
    with pytest.raises(InvalidInput) as error:
        enterprise_register(actor=actor, organisation=organisation, side="middle", programs=[program])
    assert (error.value.field, error.value.value) == ("side", "middle")
    assert "side" in error.value.message_dict


def test_register_refuses_an_unknown_sector_and_writes_nothing(program, areas, actor) -> None:
    organisation = organisation_create(
        actor=actor, name_zh="海尔", kind=OrganisationKind.ENTERPRISE, area=areas["3702"]
    )
    events = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as error:
        enterprise_register(
            actor=actor, organisation=organisation, side=Side.DONOR, programs=[program], sector="alchemy"
        )
    assert (error.value.field, error.value.value) == ("sector", "alchemy")
    assert AuditEvent.objects.count() == events


def test_register_refuses_an_organisation_that_is_not_an_enterprise(program, areas, actor) -> None:
    office = organisation_create(
        actor=actor, name_zh="协作办", kind=OrganisationKind.GOVERNMENT_OFFICE, area=areas["3702"]
    )
    with pytest.raises(InvalidInput) as error:
        enterprise_register(actor=actor, organisation=office, side=Side.DONOR, programs=[program])
    assert error.value.field == "organisation"


def test_operation_refuses_an_unknown_sector(company, areas, actor) -> None:
    organisation = organisation_create(
        actor=actor, name_zh="某厂", kind=OrganisationKind.ENTERPRISE, area=areas["520422"]
    )
    with pytest.raises(InvalidInput) as error:
        operation_record(
            actor=actor,
            enterprise=company,
            organisation=organisation,
            kind=OperationKind.SUBSIDIARY,
            area=areas["520422"],
            sector="alchemy",
        )
    assert (error.value.field, error.value.value) == ("sector", "alchemy")


def test_restructured_factory_must_name_the_factory_it_restructured(company, areas, actor) -> None:
    organisation = organisation_create(
        actor=actor, name_zh="某厂", kind=OrganisationKind.ENTERPRISE, area=areas["520422"]
    )
    with pytest.raises(InvalidInput) as error:
        operation_record(
            actor=actor,
            enterprise=company,
            organisation=organisation,
            kind=OperationKind.RESTRUCTURED_FACTORY,
            area=areas["520422"],
            sector="chemicals",
        )
    assert error.value.field == "restructured_factory_name"


def test_negative_jobs_are_refused_naming_field_and_value(program, company, actor) -> None:
    with pytest.raises(InvalidInput) as error:
        _draft(program, company, actor, jobs_created=-5)
    assert (error.value.field, error.value.value) == ("jobs_created", -5)
    assert "不能为负数" in error.value.messages[0]
    assert not EnterpriseReport.objects.exists()


def test_money_must_be_whole_fen(program, company, actor) -> None:
    with pytest.raises(InvalidInput) as error:
        _draft(program, company, actor, taxes_paid_fen=1.5)
    assert (error.value.field, error.value.value) == ("taxes_paid", 1.5)


def test_capacity_without_unit_is_refused(program, company, actor) -> None:
    with pytest.raises(InvalidInput) as error:
        _draft(program, company, actor, capacity_quantity=1_000_000)
    assert (error.value.field, error.value.value) == ("capacity_unit", "")
    assert not EnterpriseReport.objects.exists()


def test_unit_without_capacity_is_refused(program, company, actor) -> None:
    with pytest.raises(InvalidInput) as error:
        _draft(program, company, actor, capacity_unit="台冰箱")
    assert (error.value.field, error.value.value) == ("capacity_quantity", "台冰箱")


def test_a_qualifier_needs_a_known_kind_and_a_figure(program, company, actor) -> None:
    with pytest.raises(InvalidInput) as error:
        _draft(program, company, actor, jobs_created=3400, qualifiers={"jobs_created": "roughly"})
    assert (error.value.field, error.value.value) == ("qualifiers.jobs_created", "roughly")
    with pytest.raises(InvalidInput) as error:
        _draft(program, company, actor, jobs_created=3400, qualifiers={"taxes_paid": "more_than"})
    assert (error.value.field, error.value.value) == ("qualifiers.taxes_paid", "more_than")


def test_a_report_moves_draft_submitted_returned_submitted_confirmed_with_who_and_why(program, company, actor) -> None:
    # given a draft
    report = _draft(program, company, actor, jobs_created=100)
    # when it is submitted, returned with a reason, corrected, resubmitted and confirmed
    enterprise_report_submit(actor=actor, report=report)
    enterprise_report_return(actor=actor, report=report, reason="纳税额缺失")
    enterprise_report_update(
        actor=actor, report=report, figures=ReportFigures(jobs_created=100, taxes_paid_fen=5_000_00)
    )
    enterprise_report_submit(actor=actor, report=report)
    report = enterprise_report_confirm(actor=actor, report=report)
    # then each step is recorded with who and why, in the audit trail too
    assert report.status == ReportStatus.CONFIRMED
    assert report.taxes_paid_fen == 5_000_00
    steps = [(t.from_status, t.to_status, t.actor_label, t.reason) for t in report.transitions.all()]
    assert steps == [
        ("", "draft", "test", ""),
        ("draft", "submitted", "test", ""),
        ("submitted", "returned", "test", "纳税额缺失"),
        ("returned", "submitted", "test", ""),
        ("submitted", "confirmed", "test", ""),
    ]
    actions = list(
        AuditEvent.objects.filter(object_type="enterprise.enterprisereport")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "enterprise_report.draft",
        "enterprise_report.submit",
        "enterprise_report.return",
        "enterprise_report.update",
        "enterprise_report.submit",
        "enterprise_report.confirm",
    ]


def test_a_confirmed_report_is_not_edited_in_place(program, company, actor) -> None:
    report = _draft(program, company, actor, jobs_created=100)
    enterprise_report_submit(actor=actor, report=report)
    enterprise_report_confirm(actor=actor, report=report)
    with pytest.raises(InvalidInput) as error:
        enterprise_report_update(actor=actor, report=report, figures=ReportFigures(jobs_created=200))
    assert error.value.field == "status"
    report.refresh_from_db()
    assert report.jobs_created == 100


def test_only_a_submitted_report_can_be_confirmed_and_returning_needs_a_reason(program, company, actor) -> None:
    report = _draft(program, company, actor, jobs_created=100)
    with pytest.raises(InvalidInput) as error:
        enterprise_report_confirm(actor=actor, report=report)
    assert (error.value.field, error.value.value) == ("status", "confirmed")
    enterprise_report_submit(actor=actor, report=report)
    with pytest.raises(InvalidInput) as error:
        enterprise_report_return(actor=actor, report=report, reason="  ")
    assert error.value.field == "reason"


def test_a_second_open_report_for_the_same_scope_and_year_is_refused(program, company, actor) -> None:
    _draft(program, company, actor, jobs_created=100)
    with pytest.raises(InvalidInput) as error:
        _draft(program, company, actor, jobs_created=200)
    assert (error.value.field, error.value.value) == ("year", 2009)


def test_a_correction_supersedes_the_confirmed_report_once_confirmed(program, company, actor) -> None:
    # given a confirmed report and its correction
    first = _draft(program, company, actor, jobs_created=100)
    enterprise_report_submit(actor=actor, report=first)
    enterprise_report_confirm(actor=actor, report=first)
    correction = _draft(program, company, actor, jobs_created=120)
    assert correction.supersedes == first
    enterprise_report_submit(actor=actor, report=correction)
    # when the correction is confirmed
    enterprise_report_confirm(actor=actor, report=correction)
    # then the first is kept, superseded, with the reason
    first.refresh_from_db()
    assert first.status == ReportStatus.SUPERSEDED
    assert first.transitions.last().reason == f"更正报告 #{correction.pk}"
    assert EnterpriseReport.objects.filter(status=ReportStatus.CONFIRMED).get() == correction


def test_event_whose_end_precedes_its_start_is_refused(program, areas, actor) -> None:
    with pytest.raises(InvalidInput) as error:
        market_event_record(
            actor=actor,
            program=program,
            kind=EventKind.FAIR,
            title="贵州名优产品青岛展销会",
            place="青岛国际会展中心",
            area=areas["3702"],
            start_date=datetime.date(2009, 9, 10),
            end_date=datetime.date(2009, 9, 8),
        )
    assert (error.value.field, error.value.value) == ("end_date", "2009-09-08")
    assert not MarketEvent.objects.exists()


def test_negative_sales_are_refused(program, areas, actor) -> None:
    with pytest.raises(InvalidInput) as error:
        market_event_record(
            actor=actor,
            program=program,
            kind=EventKind.FAIR,
            title="展销会",
            place="青岛",
            area=areas["3702"],
            start_date=DAY,
            end_date=DAY,
            direct_sales_fen=-100,
        )
    assert (error.value.field, error.value.value) == ("direct_sales", -100)


def test_donor_side_enterprises_do_not_exhibit_as_participants(program, areas, company, actor) -> None:
    with pytest.raises(InvalidInput) as error:
        market_event_record(
            actor=actor,
            program=program,
            kind=EventKind.FAIR,
            title="展销会",
            place="青岛",
            area=areas["3702"],
            start_date=DAY,
            end_date=DAY,
            participants=[company],
        )
    assert (error.value.field, error.value.value) == ("participants", "红星集团")


def test_purchase_needs_a_donor_side_buyer_and_a_non_negative_amount(program, areas, seller, actor) -> None:
    canteen = organisation_create(
        actor=actor, name_zh="市政府机关食堂", kind=OrganisationKind.OTHER, area=areas["3702"]
    )
    outsider = organisation_create(actor=actor, name_zh="安顺某单位", kind=OrganisationKind.OTHER, area=areas["5204"])
    arguments = dict(
        program=program, buyer=canteen, buyer_kind="canteen", seller=seller, product="绿茶", purchased_on=DAY
    )
    with pytest.raises(InvalidInput) as error:
        purchase_record(actor=actor, **{**arguments, "amount_fen": -1})
    assert (error.value.field, error.value.value) == ("amount", -1)
    with pytest.raises(InvalidInput) as error:
        purchase_record(actor=actor, **{**arguments, "buyer": outsider, "amount_fen": 1})
    assert (error.value.field, error.value.value) == ("buyer", "安顺某单位")
    purchase = purchase_record(actor=actor, **{**arguments, "amount_fen": 12_000_00, "quantity": "300", "unit": "斤"})
    assert Purchase.objects.get() == purchase
    assert AuditEvent.objects.filter(action="purchase.record", object_id=str(purchase.pk)).count() == 1
