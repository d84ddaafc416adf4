"""Writes for enterprises, operations, agreements, annual reports, market events and purchases.

Each is atomic and audited; bad input raises InvalidInput naming the field and value, before
anything is written.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields

from django.db import transaction
from django.utils.translation import gettext as _

from counterpart.access.policy import Target, may, policy_check
from counterpart.core.audit import Actor, audit_record, snapshot
from counterpart.core.errors import InvalidInput
from counterpart.registry.models import Area, AreaLevel, Organisation, OrganisationKind, Program
from counterpart.registry.services import period_lock_check

from .models import (
    OPEN_STATUSES,
    REPORT_INDICATORS,
    REPORT_WORKFLOW,
    BuyerKind,
    CooperationAgreement,
    Enterprise,
    EnterpriseReport,
    EnterpriseReportTransition,
    EventKind,
    EventParticipation,
    MarketEvent,
    Operation,
    OperationKind,
    Purchase,
    ReportStatus,
    Sector,
    Side,
)
from .values import choice_of, qualifiers_of, quantity_of, whole_number, year_of


def report_target(report: EnterpriseReport) -> Target:
    """Where a report lands, for the policy: its program, its area and its enterprise."""
    return Target(program=report.program_id, area=report.area_id, organisation=report.enterprise.organisation_id)


def _enterprise_check(actor: Actor, verb: str, report: EnterpriseReport) -> None:
    policy_check(actor, verb, report_target(report), area_field="enterprise")


def enterprise_register(
    *,
    actor: Actor,
    organisation: Organisation,
    side: str,
    programs: Iterable[Program],
    sector: str = "",
    is_illustrative: bool = False,
) -> Enterprise:
    """Register an organisation of kind enterprise as acting in programs on one side."""
    choice_of("side", side, Side, _("未知的帮扶方/受援方"))
    if sector:
        choice_of("sector", sector, Sector, _("未知的行业"))
    if organisation.kind != OrganisationKind.ENTERPRISE:
        raise InvalidInput("organisation", organisation.name_zh, _("该单位不是企业"))
    programs = list(programs)
    if not programs:
        raise InvalidInput("programs", [], _("至少应属于一个协作项目"))
    with transaction.atomic():
        for program in programs:
            policy_check(actor, "enterprise_register", Target(program=program.pk), area_field="programs")
        if Enterprise.objects.filter(organisation=organisation).exists():
            raise InvalidInput("organisation", organisation.name_zh, _("该企业已登记"))
        enterprise = Enterprise.objects.create(
            organisation=organisation, side=side, sector=sector, is_illustrative=is_illustrative
        )
        enterprise.programs.set(programs)
        audit_record(
            actor,
            "enterprise.register",
            enterprise,
            after={**snapshot(enterprise), "programs": sorted(p.slug for p in programs)},
        )
    return enterprise


def operation_record(
    *,
    actor: Actor,
    enterprise: Enterprise,
    organisation: Organisation,
    kind: str,
    area: Area,
    sector: str,
    start_year: int | None = None,
    restructured_factory_name: str = "",
    restructured_organisation: Organisation | None = None,
    description: str = "",
    is_illustrative: bool = False,
) -> Operation:
    """Record a donor-side enterprise's subsidiary, restructured factory or park in a recipient area."""
    if enterprise.side != Side.DONOR:
        raise InvalidInput("enterprise", enterprise.organisation.name_zh, _("只有帮扶方企业在受援地有经营实体"))
    choice_of("kind", kind, OperationKind, _("未知的经营类型"))
    choice_of("sector", sector, Sector, _("未知的行业"))
    if area.level not in (AreaLevel.PREFECTURE, AreaLevel.COUNTY):
        raise InvalidInput("area", area.code, _("经营地点应为地级或县级区划"))
    if start_year is not None:
        year_of("start_year", start_year)
    if kind == OperationKind.RESTRUCTURED_FACTORY and not (restructured_factory_name or restructured_organisation):
        raise InvalidInput("restructured_factory_name", "", _("重组工厂须注明被重组的原工厂"))
    with transaction.atomic():
        targets = [Target(program=pk, area=area.code) for pk in enterprise.programs.values_list("pk", flat=True)]
        if not any(may(actor, "operation_record", target) for target in targets):
            policy_check(actor, "operation_record", targets[0] if targets else Target(program=None), area_field="area")
        if Operation.objects.filter(enterprise=enterprise, organisation=organisation).exists():
            raise InvalidInput("organisation", organisation.name_zh, _("该经营实体已登记"))
        operation = Operation.objects.create(
            enterprise=enterprise,
            organisation=organisation,
            kind=kind,
            area=area,
            sector=sector,
            start_year=start_year,
            restructured_factory_name=restructured_factory_name.strip(),
            restructured_organisation=restructured_organisation,
            description=description,
            is_illustrative=is_illustrative,
        )
        audit_record(actor, "operation.record", operation)
    return operation


def _in_program(enterprise: Enterprise, program: Program) -> None:
    if not enterprise.programs.filter(pk=program.pk).exists():
        raise InvalidInput("enterprise", enterprise.organisation.name_zh, _("该企业不属于此协作项目"))


def agreement_sign(
    *,
    actor: Actor,
    program: Program,
    enterprise: Enterprise,
    title: str,
    signed_on: datetime.date,
    agreed_investment_fen: int,
    recipient_area: Area,
    operation: Operation | None = None,
    note: str = "",
    is_illustrative: bool = False,
) -> CooperationAgreement:
    """Record a signed cooperation project and the investment agreed in it."""
    if not title.strip():
        raise InvalidInput("title", title, _("名称不能为空"))
    whole_number("agreed_investment", agreed_investment_fen)
    if operation is not None and operation.enterprise_id != enterprise.pk:
        raise InvalidInput("operation", operation.pk, _("经营实体不属于该企业"))
    with transaction.atomic():
        target = Target(program=program.pk, area=recipient_area.code, organisation=enterprise.organisation_id)
        policy_check(actor, "agreement_sign", target, area_field="recipient_area")
        _in_program(enterprise, program)
        period_lock_check(program, signed_on.year, field="signed_on")
        agreement = CooperationAgreement.objects.create(
            program=program,
            enterprise=enterprise,
            operation=operation,
            recipient_area=recipient_area,
            title=title.strip(),
            signed_on=signed_on,
            agreed_investment_fen=agreed_investment_fen,
            note=note,
            is_illustrative=is_illustrative,
        )
        audit_record(actor, "agreement.sign", agreement)
    return agreement


@dataclass(frozen=True)
class ReportFigures:
    """The figures of an enterprise report as typed: money in fen, counts whole, capacity per year."""

    actual_investment_fen: int | None = None
    taxes_paid_fen: int | None = None
    jobs_created: int | None = None
    people_helped_into_jobs: int | None = None
    total_assets_fen: int | None = None
    annual_output_fen: int | None = None
    capacity_quantity: object = None
    capacity_unit: str = ""
    employees: int | None = None
    employees_from_poor_households: int | None = None
    average_staff_income_fen: int | None = None
    matching_enterprises: int | None = None
    certifications: str = ""
    # indicator key (INDICATOR_RULES) → Qualifier, as published: {"jobs_created": "more_than"}
    qualifiers: Mapping[str, str] = field(default_factory=dict)


def _figures_clean(figures: ReportFigures) -> dict[str, object]:
    """Validated model field values of a report's figures."""
    values: dict[str, object] = {}
    for item in fields(figures):
        name = item.name
        raw = getattr(figures, name)
        if name == "capacity_quantity":
            values[name] = quantity_of(name, raw)
        elif name in ("capacity_unit", "certifications"):
            values[name] = str(raw).strip()
        elif name != "qualifiers":
            values[name] = whole_number(name.removesuffix("_fen"), raw)
    if values["capacity_quantity"] is not None and not values["capacity_unit"]:
        raise InvalidInput("capacity_unit", "", _("填写了产能须注明产品单位"))
    if values["capacity_unit"] and values["capacity_quantity"] is None:
        raise InvalidInput("capacity_quantity", values["capacity_unit"], _("填写了产品单位须填写产能数量"))
    given = {key: values[rule.field] for key, rule in REPORT_INDICATORS.items()}
    values["qualifiers"] = qualifiers_of(figures.qualifiers, REPORT_INDICATORS, given)
    return values


_VERB_BY_STATUS: dict[str, str] = {
    ReportStatus.SUBMITTED: "submit",
    ReportStatus.CONFIRMED: "confirm",
    ReportStatus.RETURNED: "return",
    ReportStatus.SUPERSEDED: "supersede",
}


def _report_transition(actor: Actor, report: EnterpriseReport, to_status: str, *, reason: str = "") -> EnterpriseReport:
    """Move a (locked) report one step, recording who, when and why, in the audit trail too."""
    period_lock_check(report.program_id, report.year)
    REPORT_WORKFLOW.transition_check(report.status, to_status)
    before = snapshot(report)
    EnterpriseReportTransition.objects.create(
        report=report,
        from_status=report.status,
        to_status=to_status,
        actor=actor.db_user,
        actor_label=actor.label,
        reason=reason,
    )
    report.status = to_status
    report.save(update_fields=["status"])
    audit_record(actor, f"enterprise_report.{_VERB_BY_STATUS[to_status]}", report, before=before, reason=reason)
    return report


def enterprise_report_draft(
    *,
    actor: Actor,
    program: Program,
    enterprise: Enterprise,
    year: int,
    figures: ReportFigures,
    operation: Operation | None = None,
    area: Area | None = None,
    citation: str = "",
    note: str = "",
    is_illustrative: bool = False,
) -> EnterpriseReport:
    """Start an enterprise's report for a year, for one operation or (no operation) for ``area``.

    When a confirmed report of the same scope and year exists, the new one is its correction: it
    supersedes the confirmed one once it is itself confirmed; until then the confirmed one counts.
    """
    year_of("year", year)
    if year < program.start_year or (program.end_year is not None and year > program.end_year):
        raise InvalidInput("year", year, _("年份不在协作项目的期限内"))
    period_lock_check(program, year)
    if enterprise.side != Side.DONOR:
        raise InvalidInput("enterprise", enterprise.organisation.name_zh, _("年度报告由帮扶方企业填报"))
    if operation is not None:
        if operation.enterprise_id != enterprise.pk:
            raise InvalidInput("operation", operation.pk, _("经营实体不属于该企业"))
        if area is not None and area.pk != operation.area_id:
            raise InvalidInput("area", area.code, _("地区应与经营实体所在地一致"))
        area = operation.area
    if area is None:
        raise InvalidInput("area", None, _("全省范围的报告须注明地区"))
    values = _figures_clean(figures)
    with transaction.atomic():
        target = Target(program=program.pk, area=area.code, organisation=enterprise.organisation_id)
        policy_check(actor, "enterprise_report_draft", target, area_field="enterprise")
        _in_program(enterprise, program)
        scope = EnterpriseReport.objects.select_for_update().filter(
            enterprise=enterprise, operation=operation, year=year
        )
        if scope.filter(status__in=OPEN_STATUSES).exists():
            raise InvalidInput("year", year, _("该企业该年度已有未完成的报告"))
        confirmed = scope.filter(status=ReportStatus.CONFIRMED).first()
        report = EnterpriseReport.objects.create(
            program=program,
            enterprise=enterprise,
            operation=operation,
            area=area,
            year=year,
            status=ReportStatus.DRAFT,
            supersedes=confirmed,
            citation=citation,
            note=note,
            is_illustrative=is_illustrative,
            **values,
        )
        EnterpriseReportTransition.objects.create(
            report=report, from_status="", to_status=ReportStatus.DRAFT, actor=actor.db_user, actor_label=actor.label
        )
        audit_record(actor, "enterprise_report.draft", report)
    return report


def enterprise_report_update(*, actor: Actor, report: EnterpriseReport, figures: ReportFigures) -> EnterpriseReport:
    """Replace the figures of a draft or returned report. Submitted and confirmed ones are fixed."""
    values = _figures_clean(figures)
    with transaction.atomic():
        report = EnterpriseReport.objects.select_for_update().get(pk=report.pk)
        _enterprise_check(actor, "enterprise_report_update", report)
        period_lock_check(report.program_id, report.year)
        if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
            raise InvalidInput("status", report.status, _("只有草稿或退回的报告可以修改；已确认的报告请提交更正"))
        before = snapshot(report)
        for name, value in values.items():
            setattr(report, name, value)
        report.save(update_fields=list(values))
        audit_record(actor, "enterprise_report.update", report, before=before)
    return report


def enterprise_report_submit(*, actor: Actor, report: EnterpriseReport) -> EnterpriseReport:
    """The enterprise submits its report to the program office."""
    with transaction.atomic():
        report = EnterpriseReport.objects.select_for_update().get(pk=report.pk)
        _enterprise_check(actor, "enterprise_report_submit", report)
        if not any(getattr(report, rule.field) is not None for rule in REPORT_INDICATORS.values()):
            raise InvalidInput("figures", report.pk, _("报告没有任何数值，不能提交"))
        return _report_transition(actor, report, ReportStatus.SUBMITTED)


def enterprise_report_confirm(*, actor: Actor, report: EnterpriseReport) -> EnterpriseReport:
    """The program office confirms a submitted report; from now on its figures count.

    A correction, once confirmed, retires the report it corrects (status superseded), in the
    same transaction, so the year's figures are never counted twice.
    """
    with transaction.atomic():
        report = EnterpriseReport.objects.select_for_update().get(pk=report.pk)
        _enterprise_check(actor, "enterprise_report_confirm", report)
        REPORT_WORKFLOW.transition_check(report.status, ReportStatus.CONFIRMED)
        if report.supersedes_id is not None:
            previous = EnterpriseReport.objects.select_for_update().get(pk=report.supersedes_id)
            _report_transition(actor, previous, ReportStatus.SUPERSEDED, reason=f"更正报告 #{report.pk}")
        return _report_transition(actor, report, ReportStatus.CONFIRMED)


def enterprise_report_return(*, actor: Actor, report: EnterpriseReport, reason: str) -> EnterpriseReport:
    """The program office sends a submitted report back to the enterprise, saying why."""
    if not reason.strip():
        raise InvalidInput("reason", reason, _("退回报告必须说明原因"))
    with transaction.atomic():
        report = EnterpriseReport.objects.select_for_update().get(pk=report.pk)
        _enterprise_check(actor, "enterprise_report_return", report)
        return _report_transition(actor, report, ReportStatus.RETURNED, reason=reason.strip())


EVENT_QUALIFIED = ("participating_enterprises", "direct_sales", "order_value")


def market_event_record(
    *,
    actor: Actor,
    program: Program,
    kind: str,
    title: str,
    place: str,
    area: Area,
    start_date: datetime.date,
    end_date: datetime.date,
    participants: Iterable[Enterprise] = (),
    participating_enterprises_count: int | None = None,
    direct_sales_fen: int | None = None,
    order_value_fen: int | None = None,
    qualifiers: Mapping[str, str] | None = None,
    export_destinations: Iterable[str] = (),
    export_port: str = "",
    citation: str = "",
    note: str = "",
    is_illustrative: bool = False,
) -> MarketEvent:
    """Record a fair, exhibition or promotion with its totals as published and its registered participants."""
    choice_of("kind", kind, EventKind, _("未知的活动类型"))
    if not title.strip():
        raise InvalidInput("title", title, _("名称不能为空"))
    period_lock_check(program, start_date.year, field="start_date")
    if end_date < start_date:
        raise InvalidInput("end_date", end_date.isoformat(), _("结束日期早于开始日期"))
    whole_number("participating_enterprises", participating_enterprises_count)
    whole_number("direct_sales", direct_sales_fen)
    whole_number("order_value", order_value_fen)
    given = {
        "participating_enterprises": participating_enterprises_count,
        "direct_sales": direct_sales_fen,
        "order_value": order_value_fen,
    }
    cleaned_qualifiers = qualifiers_of(qualifiers, EVENT_QUALIFIED, given)
    destinations = [str(d).strip() for d in export_destinations if str(d).strip()]
    participants = list(participants)
    for enterprise in participants:
        if enterprise.side != Side.RECIPIENT:
            raise InvalidInput("participants", enterprise.organisation.name_zh, _("参会企业应为受援方企业"))
    with transaction.atomic():
        policy_check(actor, "market_event_record", Target(program=program.pk, area=area.code), area_field="area")
        for enterprise in participants:
            _in_program(enterprise, program)
        event = MarketEvent.objects.create(
            program=program,
            kind=kind,
            title=title.strip(),
            place=place.strip(),
            area=area,
            start_date=start_date,
            end_date=end_date,
            participating_enterprises_count=participating_enterprises_count,
            direct_sales_fen=direct_sales_fen,
            order_value_fen=order_value_fen,
            qualifiers=cleaned_qualifiers,
            export_destinations=destinations,
            export_port=export_port.strip(),
            citation=citation,
            note=note,
            is_illustrative=is_illustrative,
        )
        EventParticipation.objects.bulk_create(
            EventParticipation(event=event, enterprise=enterprise, is_illustrative=is_illustrative)
            for enterprise in participants
        )
        audit_record(
            actor,
            "market_event.record",
            event,
            after={**snapshot(event), "participants": [e.pk for e in participants]},
        )
    return event


MARKET_EVENT_EDITABLE_FIELDS = (
    "place",
    "end_date",
    "participating_enterprises_count",
    "direct_sales_fen",
    "order_value_fen",
    "export_port",
    "citation",
    "note",
)


def market_event_update(*, actor: Actor, event: MarketEvent, reason: str = "", **changes: object) -> MarketEvent:
    """Correct an event's published totals, place, end date, port, citation or note.

    Its program, kind, title and start date identify it and do not change; qualifiers of totals
    that become blank are dropped.
    """
    unknown = set(changes) - set(MARKET_EVENT_EDITABLE_FIELDS)
    if unknown:
        name = sorted(unknown)[0]
        raise InvalidInput(name, changes[name], _("该项不能修改"))
    for name in ("participating_enterprises_count", "direct_sales_fen", "order_value_fen"):
        if name in changes:
            whole_number(name.removesuffix("_count").removesuffix("_fen"), changes[name])
    with transaction.atomic():
        event = MarketEvent.objects.select_for_update().get(pk=event.pk)
        policy_check(
            actor, "market_event_update", Target(program=event.program_id, area=event.area_id), area_field="area"
        )
        period_lock_check(event.program_id, event.start_date.year, field="start_date")
        before = snapshot(event)
        for name, value in changes.items():
            setattr(event, name, str(value or "").strip() if name in ("place", "export_port") else value)
        if event.end_date < event.start_date:
            raise InvalidInput("end_date", event.end_date.isoformat(), _("结束日期早于开始日期"))
        given = {
            "participating_enterprises": event.participating_enterprises_count,
            "direct_sales": event.direct_sales_fen,
            "order_value": event.order_value_fen,
        }
        event.qualifiers = {key: value for key, value in event.qualifiers.items() if given.get(key) is not None}
        event.save(update_fields=[*changes, "qualifiers"])
        audit_record(actor, "market_event.update", event, before=before, reason=reason)
    return event


def event_participation_record(
    *,
    actor: Actor,
    event: MarketEvent,
    enterprise: Enterprise,
    direct_sales_fen: int | None = None,
    order_value_fen: int | None = None,
    is_illustrative: bool = False,
) -> EventParticipation:
    """Register (or update the sales of) one recipient-side enterprise at an event."""
    whole_number("direct_sales", direct_sales_fen)
    whole_number("order_value", order_value_fen)
    if enterprise.side != Side.RECIPIENT:
        raise InvalidInput("enterprise", enterprise.organisation.name_zh, _("参会企业应为受援方企业"))
    with transaction.atomic():
        target = Target(program=event.program_id, area=event.area_id, organisation=enterprise.organisation_id)
        policy_check(actor, "event_participation_record", target, area_field="event")
        period_lock_check(event.program_id, event.start_date.year, field="event")
        _in_program(enterprise, event.program)
        participation, created = EventParticipation.objects.select_for_update().get_or_create(
            event=event, enterprise=enterprise, defaults={"is_illustrative": is_illustrative}
        )
        before = None if created else snapshot(participation)
        participation.direct_sales_fen = direct_sales_fen
        participation.order_value_fen = order_value_fen
        participation.save(update_fields=["direct_sales_fen", "order_value_fen"])
        audit_record(actor, "event_participation.record", participation, before=before)
    return participation


def purchase_record(
    *,
    actor: Actor,
    program: Program,
    buyer: Organisation,
    buyer_kind: str,
    seller: Enterprise,
    product: str,
    purchased_on: datetime.date,
    amount_fen: int,
    quantity: object = None,
    unit: str = "",
    event: MarketEvent | None = None,
    is_illustrative: bool = False,
) -> Purchase:
    """Record a donor-side buyer's purchase of a recipient-side enterprise's products."""
    choice_of("buyer_kind", buyer_kind, BuyerKind, _("未知的采购方类型"))
    whole_number("amount", amount_fen)
    if not product.strip():
        raise InvalidInput("product", product, _("产品名称不能为空"))
    period_lock_check(program, purchased_on.year, field="purchased_on")
    if not buyer.area_id.startswith(program.donor_area_id):
        raise InvalidInput("buyer", buyer.name_zh, _("采购方应在帮扶方地区"))
    if seller.side != Side.RECIPIENT:
        raise InvalidInput("seller", seller.organisation.name_zh, _("销售方应为受援方企业"))
    amount = quantity_of("quantity", quantity)
    if amount is not None and not unit.strip():
        raise InvalidInput("unit", unit, _("填写了数量须注明单位"))
    if event is not None and event.program_id != program.pk:
        raise InvalidInput("event", event.pk, _("活动不属于此协作项目"))
    with transaction.atomic():
        # The buyer's district is the donor side; the seller's place the recipient side.
        target = Target(
            program=program.pk,
            area=seller.organisation.area_id,
            donor_area=buyer.area_id[:6],
            organisation=seller.organisation_id,
        )
        policy_check(actor, "purchase_record", target, area_field="seller")
        _in_program(seller, program)
        purchase = Purchase.objects.create(
            program=program,
            buyer=buyer,
            buyer_kind=buyer_kind,
            seller=seller,
            event=event,
            product=product.strip(),
            purchased_on=purchased_on,
            quantity=amount,
            unit=unit.strip(),
            amount_fen=amount_fen,
            is_illustrative=is_illustrative,
        )
        audit_record(actor, "purchase.record", purchase)
    return purchase
