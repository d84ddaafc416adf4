"""The lists of the application, each declared once (see lists.py for what a declaration means)."""

from typing import Any

from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _

from counterpart.access.policy import Target
from counterpart.access.scoping import scoped
from counterpart.core.language import pick
from counterpart.core.numbers import count_text, yuan_text
from counterpart.enterprise.models import (
    CooperationAgreement,
    EnterpriseReport,
    EventKind,
    MarketEvent,
    Operation,
    ReportStatus,
    Sector,
    Side,
)
from counterpart.enterprise.models import Enterprise as EnterpriseModel
from counterpart.funds.models import FundSource, LedgerTransaction, TransactionKind
from counterpart.funds.selectors import LEDGER_FIGURES, ledger_figure_fen, ledger_figure_transactions
from counterpart.indicators.models import Indicator, ReportedValue
from counterpart.indicators.unit_labels import unit_label
from counterpart.people.identity import identity_decrypt
from counterpart.people.models import (
    Household,
    JobPlacement,
    Person,
    PovertyCause,
    PovertyStatus,
    Sex,
    Training,
    TrainingKind,
)
from counterpart.people.selectors import project_beneficiaries, project_households
from counterpart.projects.models import (
    PROJECT_WORKFLOW,
    ComponentStatus,
    Project,
    ProjectCategory,
    ProjectStatus,
    VillageAdvancement,
)
from counterpart.projects.selectors import project_history, projects_implemented
from counterpart.projects.village_selectors import village_advanced_in

from . import can
from .forms import BeneficiaryForm
from .lists import Col, FigureSum, Filter, ListSpec


def _yuan(fen: int | None) -> str:
    """An amount as the portal writes it (8.76万元 / 87,580 yuan): core/numbers.py."""
    return yuan_text(fen)


def _area(area: Any) -> str:
    return "" if area is None else f"{pick(area.name_zh, area.name_en)} {area.code}"


def _indicator_name(value: Any) -> str:
    """The indicator's name from the catalogue (annotated by the list's base), in the page's language."""
    if not hasattr(value, "indicator_name_zh"):  # a record not read through the list's base
        names = Indicator.objects.filter(key=value.indicator_key).values_list("name_zh", "name_en").first()
        value.indicator_name_zh, value.indicator_name_en = names or (None, None)
    zh = value.indicator_name_zh or value.indicator_key
    return pick(zh, value.indicator_name_en)


def _ledger_amount(record: LedgerTransaction) -> str:
    return yuan_text(sum(p.amount_fen for p in record.postings.all() if p.amount_fen > 0))


def _identity_clear(person: Person) -> str:
    """The clear number, for the exporter, which masks it unless the export was authorised and audited."""
    if person.identity_ciphertext is None:
        return ""
    return identity_decrypt(person.identity_key_id, person.identity_ciphertext)


# --- detail contexts ------------------------------------------------------------------------------------


def _with_text(record: Any, **amounts: int | None) -> Any:
    """The record, with each amount in fen also as the page writes it (``<name>_text``)."""
    for name, fen in amounts.items():
        setattr(record, f"{name}_text", _yuan(fen) if fen is not None else "")
    return record


def _project_context(request: HttpRequest, project: Project) -> dict[str, Any]:
    target = can.project_target(project)
    may_record = can.can(request.user, "benefit_record", target)
    return {
        "actions": [
            action
            for action, to_status in can.PROJECT_ACTIONS.items()
            if PROJECT_WORKFLOW.allows(project.status, to_status) and can.can(request.user, f"project_{action}", target)
        ],
        "may_attach": can.can(request.user, "project_attachment_add", target),
        "attachments": list(project.attachments.all()),
        "transitions": list(project.transitions.all()),
        "history": project_history(project),
        "ledger": list(scoped(LedgerTransaction, request.user).filter(project=project).order_by("date", "id")[:100]),
        "reached": project_beneficiaries(project),
        "reached_households": scoped(project_households(project), request.user).select_related("head", "village"),
        "beneficiary_form": BeneficiaryForm(user=request.user) if may_record else None,
    }


def _person_context(request: HttpRequest, person: Person) -> dict[str, Any]:
    placements = scoped(JobPlacement, request.user).filter(person=person).select_related("place")
    return {
        "may_reveal": can.may_reveal_identity(request.user) and person.has_identity,
        "placements": list(placements.order_by("-start_date", "-id")),
        "may_place": can.can(request.user, "job_placement_record"),
    }


def _training_context(request: HttpRequest, training: Training) -> dict[str, Any]:
    participants = (
        scoped(Person, request.user)
        .filter(trainings__training=training)
        .select_related("area")
        .order_by("county_code", "id")[:500]
    )
    target = Target(program=training.program_id, area=training.place_id)
    return {"participants": list(participants), "may_place": can.can(request.user, "job_placement_record", target)}


def _enterprise_context(request: HttpRequest, enterprise: EnterpriseModel) -> dict[str, Any]:
    reports = scoped(EnterpriseReport, request.user).filter(enterprise=enterprise).order_by("-year", "-id")
    programs = [Target(program=pk) for pk in enterprise.programs.values_list("pk", flat=True)]
    agreements = scoped(CooperationAgreement, request.user).filter(enterprise=enterprise)
    return {
        "reports": list(reports),
        "operations": list(
            scoped(Operation, request.user).filter(enterprise=enterprise).select_related("organisation", "area")
        ),
        "agreements": [
            _with_text(agreement, agreed_investment=agreement.agreed_investment_fen)
            for agreement in agreements.select_related("program", "recipient_area").order_by("-signed_on", "-id")
        ],
        "may_record_operation": enterprise.side == Side.DONOR
        and any(can.can(request.user, "operation_record", target) for target in programs),
        "may_sign": any(can.can(request.user, "agreement_sign", target) for target in programs),
    }


def _enterprise_report_context(request: HttpRequest, report: EnterpriseReport) -> dict[str, Any]:
    target = can.enterprise_report_target(report)
    return {
        "may_review": report.status == ReportStatus.SUBMITTED
        and can.can(request.user, "enterprise_report_confirm", target),
        "may_correct": can.report_correctable(request.user, report),
        "transitions": list(report.transitions.all()),
    }


def _event_context(request: HttpRequest, event: MarketEvent) -> dict[str, Any]:
    target = Target(program=event.program_id, area=event.area_id)
    return {
        "participations": [
            _with_text(p, direct_sales=p.direct_sales_fen, order_value=p.order_value_fen)
            for p in event.participations.select_related("enterprise__organisation")
        ],
        "may_register": can.can(request.user, "event_participation_record", target),
    }


def _household_context(request: HttpRequest, household: Household) -> dict[str, Any]:
    members = scoped(Person, request.user).filter(household=household).order_by("id")
    return {
        "members": list(members),
        "statuses": list(household.statuses.all()),
        "may_set_status": can.can(request.user, "household_status_set", can.household_target(household)),
        "status_choices": PovertyStatus.choices,
    }


def _ledger_context(request: HttpRequest, record: LedgerTransaction) -> dict[str, Any]:
    reversed_by = scoped(LedgerTransaction, request.user).filter(reverses=record).first()
    return {
        "reverses": record.reverses,
        "reversed_by": reversed_by,
        "may_reverse": record.kind != TransactionKind.REVERSAL
        and reversed_by is None
        and can.can(request.user, "ledger_reverse", can.ledger_entry_target(record)),
    }


def _village_context(request: HttpRequest, advancement: VillageAdvancement) -> dict[str, Any]:
    components = list(advancement.components.prefetch_related("projects"))
    return {
        "components": components,
        "advanced_in": village_advanced_in(components),
        "may_update": can.can(request.user, "village_component_update", can.village_target(advancement)),
        "component_statuses": ComponentStatus.choices,
    }


# --- the lists ---------------------------------------------------------------------------------------------

PROJECTS = ListSpec(
    slug="projects",
    title=_("帮扶项目"),
    model=Project,
    base=lambda qs: qs.select_related("program", "recipient_area"),
    area="recipient_area__code",
    pairing="pairing",
    filters=(
        Filter("status", _("状态"), "status", lambda: ProjectStatus.choices),
        Filter("category", _("类别"), "category", lambda: ProjectCategory.choices),
    ),
    search=("code", "title_zh", "title_en"),
    default_sort="code",
    export_kind="projects",
    columns=(
        Col("code", _("项目编号"), lambda p: p.code, sort="code", link=True),
        Col("title_zh", _("项目名称"), lambda p: pick(p.title_zh, p.title_en), sort="title_zh"),
        Col("category", _("类别"), lambda p: p.get_category_display(), sort="category"),
        Col("area", _("实施地点"), lambda p: _area(p.recipient_area), sort="recipient_area_id"),
        Col("year", _("年度"), lambda p: p.year, sort="year"),
        Col("budget", _("预算"), lambda p: _yuan(p.budget_fen), sort="budget_fen"),
        Col("status", _("状态"), lambda p: p.get_status_display(), sort="status"),
    ),
    detail_fields=(
        Col("program", _("协作项目"), lambda p: pick(p.program.name_zh, p.program.name_en)),
        Col("code", _("项目编号"), lambda p: p.code),
        Col("title_zh", _("项目名称"), lambda p: p.title_zh),
        Col("title_en", _("英文名称"), lambda p: p.title_en),
        Col("category", _("类别"), lambda p: p.get_category_display()),
        Col("area", _("实施地点"), lambda p: _area(p.recipient_area)),
        Col("pairing", _("结对关系"), lambda p: p.pairing.label() if p.pairing else ""),
        Col("year", _("年度"), lambda p: p.year),
        Col("budget", _("预算"), lambda p: _yuan(p.budget_fen)),
        Col("status", _("状态"), lambda p: p.get_status_display()),
        Col("description", _("项目内容"), lambda p: p.description),
    ),
    detail_template="web/project_detail.html",
    detail_context=_project_context,
    create_url="web:project_propose",
    create_verbs=("project_propose",),
    # ?figure=projects: the implemented projects the report counts (a proposal is listed, but not counted).
    figure_sum=FigureSum(
        figures=lambda: ("projects", "projects_by_category"),
        records=lambda projects, _key: projects_implemented(projects),
        total=lambda projects, _key: count_text(projects.count()),
    ),
)

FUNDS = ListSpec(
    slug="funds",
    title=_("资金台账"),
    model=LedgerTransaction,
    # the project by id in a second query, not a join on the id alone (see PEOPLE)
    base=lambda qs: qs.select_related("program", "recipient_area").prefetch_related("project", "postings"),
    area="recipient_area__code",
    pairing="pairing",
    filters=(
        Filter("source", _("资金来源"), "source", lambda: FundSource.choices),
        Filter("stage", _("环节"), "kind", lambda: TransactionKind.choices),
    ),
    search=("description", "external_ref", "project__code", "item_description"),
    default_sort="date",
    export_kind="ledger",
    columns=(
        Col("id", _("编号"), lambda t: t.pk, sort="id", link=True),
        Col("date", _("日期"), lambda t: t.date.isoformat(), sort="date"),
        Col("kind", _("环节"), lambda t: t.get_kind_display(), sort="kind"),
        Col("source", _("资金来源"), lambda t: t.get_source_display(), sort="source"),
        Col("area", _("受援地区"), lambda t: _area(t.recipient_area), sort="recipient_area_id"),
        Col("project", _("项目"), lambda t: t.project.code if t.project else ""),
        Col("amount", _("金额"), _ledger_amount),
        Col("description", _("摘要"), lambda t: t.description),
    ),
    detail_fields=(
        Col("program", _("协作项目"), lambda t: pick(t.program.name_zh, t.program.name_en)),
        Col("kind", _("环节"), lambda t: t.get_kind_display()),
        Col("date", _("日期"), lambda t: t.date.isoformat()),
        Col("source", _("资金来源"), lambda t: t.get_source_display()),
        Col("area", _("受援地区"), lambda t: _area(t.recipient_area)),
        Col("project", _("项目"), lambda t: t.project or ""),
        Col("commitment", _("所属承诺"), lambda t: t.commitment or ""),
        Col("amount", _("金额"), _ledger_amount),
        Col("item", _("物资"), lambda t: f"{t.item_description} {t.item_quantity or ''} {t.item_unit}".strip()),
        Col("external_ref", _("外部编号"), lambda t: t.external_ref),
        Col("description", _("摘要"), lambda t: t.description),
        Col("created_by", _("录入人"), lambda t: t.created_by_label),
    ),
    detail_template="web/ledger_detail.html",
    detail_context=_ledger_context,
    create_url="web:ledger_record",
    create_verbs=("ledger_commit", "ledger_disburse"),
    figure_sum=FigureSum(
        figures=LEDGER_FIGURES.keys,
        records=ledger_figure_transactions,
        total=lambda transactions, key: yuan_text(ledger_figure_fen(transactions, key)),
    ),
)

PEOPLE = ListSpec(
    slug="people",
    title=_("人员"),
    model=Person,
    # The page's households in a second query by id, not a join on the id alone (which Citus refuses
    # between distributed tables; docs/scale.md): fifty ids, one index lookup each.
    base=lambda qs: qs.select_related("area").prefetch_related("household"),
    program="benefits__program__slug",
    year="benefits__year",
    area="area__code",
    pairing="benefits__pairing",
    # ?project=<code> (with ?program=): the persons a project reached, from the project's page.
    filters=(
        Filter("sex", _("性别"), "sex", lambda: Sex.choices),
        Filter("project", _("项目编号"), "benefits__project__code"),
    ),
    search=("name", "household__number"),
    default_sort="county_code",
    export_kind="persons",
    columns=(
        Col("id", _("编号"), lambda p: p.pk, sort="id", link=True),
        Col("name", _("姓名"), lambda p: p.name, sort="name"),
        Col("sex", _("性别"), lambda p: p.get_sex_display(), sort="sex"),
        Col("identity", _("身份证号码"), lambda p: p.identity_masked, sensitive=True, export_get=_identity_clear),
        Col("area", _("户籍所在地"), lambda p: _area(p.area), sort="area_id"),
        Col("household", _("户编号"), lambda p: p.household.number if p.household else ""),
    ),
    detail_fields=(
        Col("name", _("姓名"), lambda p: p.name),
        Col("sex", _("性别"), lambda p: p.get_sex_display()),
        # The year only: the full date is part of the identity number (docs/security.md, masking).
        Col("birth_year", _("出生年份"), lambda p: str(p.birth_date.year) if p.birth_date else ""),
        Col("identity", _("身份证号码"), lambda p: p.identity_masked),
        Col("area", _("户籍所在地"), lambda p: _area(p.area)),
        Col("household", _("户编号"), lambda p: p.household.number if p.household else ""),
        Col("relation", _("与户主关系"), lambda p: p.get_relation_display()),
    ),
    detail_template="web/person_detail.html",
    detail_context=_person_context,
    create_url="web:person_register",
    create_verbs=("person_register",),
)

HOUSEHOLDS = ListSpec(
    slug="households",
    title=_("贫困户"),
    model=Household,
    base=lambda qs: qs.select_related("village"),
    program="members__benefits__program__slug",
    year="statuses__year",
    area="village__code",
    filters=(Filter("cause", _("致贫原因"), "poverty_cause", lambda: PovertyCause.choices),),
    search=("number", "helper_name"),
    default_sort="number",
    export_kind="households",
    columns=(
        Col("number", _("户编号"), lambda h: h.number, sort="number", link=True),
        Col("village", _("所在村"), lambda h: _area(h.village), sort="village_id"),
        Col("cause", _("致贫原因"), lambda h: h.get_poverty_cause_display(), sort="poverty_cause"),
        Col("helper", _("帮扶责任人"), lambda h: h.helper_name),
    ),
    detail_fields=(
        Col("number", _("户编号"), lambda h: h.number),
        Col("village", _("所在村"), lambda h: _area(h.village)),
        Col("cause", _("致贫原因"), lambda h: h.get_poverty_cause_display()),
        Col("helper", _("帮扶责任人"), lambda h: h.helper_name),
    ),
    detail_template="web/household_detail.html",
    detail_context=_household_context,
    create_url="web:household_register",
    create_verbs=("household_register",),
)

TRAININGS = ListSpec(
    slug="trainings",
    title=_("培训"),
    model=Training,
    base=lambda qs: qs.select_related("program", "place"),
    area="place__code",
    pairing="pairing",
    filters=(Filter("kind", _("培训类型"), "kind", lambda: TrainingKind.choices),),
    search=("title", "organiser_name"),
    default_sort="start_date",
    export_kind="trainings",
    columns=(
        Col("title", _("培训名称"), lambda t: t.title, sort="title", link=True),
        Col("kind", _("培训类型"), lambda t: t.get_kind_display(), sort="kind"),
        Col("place", _("培训地点"), lambda t: _area(t.place), sort="place_id"),
        Col("start_date", _("开始日期"), lambda t: t.start_date.isoformat(), sort="start_date"),
        Col("reported", _("上报参训人数"), lambda t: t.reported_participants or ""),
    ),
    detail_fields=(
        Col("program", _("协作项目"), lambda t: pick(t.program.name_zh, t.program.name_en)),
        Col("title", _("培训名称"), lambda t: t.title),
        Col("kind", _("培训类型"), lambda t: t.get_kind_display()),
        Col("place", _("培训地点"), lambda t: _area(t.place)),
        Col("dates", _("日期"), lambda t: f"{t.start_date.isoformat()} – {t.end_date.isoformat()}"),
        Col("organiser", _("主办单位"), lambda t: t.organiser_name),
        Col("reported", _("上报参训人数"), lambda t: t.reported_participants or ""),
    ),
    detail_template="web/training_detail.html",
    detail_context=_training_context,
    create_url="web:training_record",
    create_verbs=("training_create",),
)

ENTERPRISES = ListSpec(
    slug="enterprises",
    title=_("企业"),
    model=EnterpriseModel,
    base=lambda qs: qs.select_related("organisation", "organisation__area"),
    program="programs__slug",
    year="reports__year",
    area="organisation__area__code",
    filters=(
        Filter("side", _("方"), "side", lambda: Side.choices),
        Filter("sector", _("行业"), "sector", lambda: Sector.choices),
    ),
    search=("organisation__name_zh", "organisation__name_en"),
    default_sort="organisation__name_zh",
    export_kind="enterprises",
    columns=(
        Col("name", _("企业名称"), lambda e: e.organisation.name_zh, sort="organisation__name_zh", link=True),
        Col("side", _("方"), lambda e: e.get_side_display(), sort="side"),
        Col("sector", _("行业"), lambda e: e.get_sector_display(), sort="sector"),
        Col("area", _("所在地"), lambda e: _area(e.organisation.area), sort="organisation__area_id"),
    ),
    detail_fields=(
        Col("name", _("企业名称"), lambda e: e.organisation.name_zh),
        Col("name_en", _("英文名称"), lambda e: e.organisation.name_en),
        Col("side", _("方"), lambda e: e.get_side_display()),
        Col("sector", _("行业"), lambda e: e.get_sector_display()),
        Col("area", _("所在地"), lambda e: _area(e.organisation.area)),
    ),
    detail_template="web/enterprise_detail.html",
    detail_context=_enterprise_context,
    create_url="web:enterprise_register",
    create_verbs=("enterprise_register",),
)

ENTERPRISE_REPORTS = ListSpec(
    slug="enterprise-reports",
    title=_("企业年度报告"),
    model=EnterpriseReport,
    base=lambda qs: qs.select_related("program", "enterprise__organisation", "area"),
    area="area__code",
    filters=(Filter("status", _("状态"), "status", lambda: ReportStatus.choices),),
    search=("enterprise__organisation__name_zh",),
    default_sort="year",
    export_kind="enterprise_reports",
    columns=(
        Col("id", _("编号"), lambda r: r.pk, sort="id", link=True),
        Col("enterprise", _("企业"), lambda r: r.enterprise.organisation.name_zh),
        Col("year", _("年度"), lambda r: r.year, sort="year"),
        Col("area", _("地区"), lambda r: _area(r.area), sort="area_id"),
        Col("status", _("状态"), lambda r: r.get_status_display(), sort="status"),
        Col("jobs", _("新增就业"), lambda r: r.jobs_created or "", sort="jobs_created"),
        Col("taxes", _("纳税"), lambda r: _yuan(r.taxes_paid_fen), sort="taxes_paid_fen"),
    ),
    detail_fields=(
        Col("enterprise", _("企业"), lambda r: r.enterprise.organisation.name_zh),
        Col("year", _("年度"), lambda r: r.year),
        Col("area", _("地区"), lambda r: _area(r.area)),
        Col("status", _("状态"), lambda r: r.get_status_display()),
        Col("investment", _("实际投资"), lambda r: _yuan(r.actual_investment_fen)),
        Col("assets", _("总资产"), lambda r: _yuan(r.total_assets_fen)),
        Col("output", _("年产值"), lambda r: _yuan(r.annual_output_fen)),
        Col("taxes", _("纳税"), lambda r: _yuan(r.taxes_paid_fen)),
        Col("jobs", _("新增就业"), lambda r: r.jobs_created or ""),
        Col("helped", _("带动就业"), lambda r: r.people_helped_into_jobs or ""),
        Col("employees", _("员工数"), lambda r: r.employees or ""),
        Col("note", _("备注"), lambda r: r.note),
    ),
    detail_template="web/enterprise_report_detail.html",
    detail_context=_enterprise_report_context,
    create_url="web:enterprise_report_submit",
    create_verbs=("enterprise_report_draft",),
)

EVENTS = ListSpec(
    slug="events",
    title=_("产销活动"),
    model=MarketEvent,
    base=lambda qs: qs.select_related("program", "area"),
    year="start_date__year",
    area="area__code",
    filters=(Filter("kind", _("活动类型"), "kind", lambda: EventKind.choices),),
    search=("title", "place"),
    default_sort="start_date",
    export_kind="market_events",
    columns=(
        Col("title", _("活动名称"), lambda e: e.title, sort="title", link=True),
        Col("kind", _("活动类型"), lambda e: e.get_kind_display(), sort="kind"),
        Col("place", _("地点"), lambda e: e.place),
        Col("start_date", _("开始日期"), lambda e: e.start_date.isoformat(), sort="start_date"),
        Col("sales", _("现场销售"), lambda e: _yuan(e.direct_sales_fen), sort="direct_sales_fen"),
        Col("orders", _("签约订单"), lambda e: _yuan(e.order_value_fen), sort="order_value_fen"),
    ),
    detail_fields=(
        Col("program", _("协作项目"), lambda e: pick(e.program.name_zh, e.program.name_en)),
        Col("title", _("活动名称"), lambda e: e.title),
        Col("kind", _("活动类型"), lambda e: e.get_kind_display()),
        Col("place", _("地点"), lambda e: e.place),
        Col("area", _("举办地"), lambda e: _area(e.area)),
        Col("dates", _("日期"), lambda e: f"{e.start_date.isoformat()} – {e.end_date.isoformat()}"),
        Col("count", _("参会企业数"), lambda e: e.participating_enterprises_count or ""),
        Col("sales", _("现场销售"), lambda e: _yuan(e.direct_sales_fen)),
        Col("orders", _("签约订单"), lambda e: _yuan(e.order_value_fen)),
        Col("citation", _("出处"), lambda e: e.citation),
    ),
    detail_template="web/event_detail.html",
    detail_context=_event_context,
)

INDICATORS = ListSpec(
    slug="indicators",
    title=_("上报指标值"),
    model=ReportedValue,
    base=lambda qs: qs.select_related("program", "area").annotate(
        indicator_name_zh=Subquery(Indicator.objects.filter(key=OuterRef("indicator_key")).values("name_zh")[:1]),
        indicator_name_en=Subquery(Indicator.objects.filter(key=OuterRef("indicator_key")).values("name_en")[:1]),
    ),
    area="area__code",
    filters=(Filter("indicator", _("指标"), "indicator_key"),),
    search=("indicator_key", "citation"),
    default_sort="indicator_key",
    export_kind="reported_values",
    columns=(
        Col("indicator", _("指标"), _indicator_name, sort="indicator_key", link=True),
        Col("year", _("年度"), lambda v: v.year if not v.year_to else f"{v.year}–{v.year_to}", sort="year"),
        Col("area", _("地区"), lambda v: _area(v.area), sort="area_id"),
        Col("qualifier", _("限定词"), lambda v: v.get_qualifier_display()),
        Col("value", _("数值"), lambda v: v.value, sort="value"),
        Col("unit", _("单位"), lambda v: unit_label(v.unit)),
        Col("citation", _("出处"), lambda v: v.citation),
    ),
    detail_fields=(
        Col("program", _("协作项目"), lambda v: pick(v.program.name_zh, v.program.name_en)),
        Col("indicator", _("指标"), _indicator_name),
        Col("year", _("年度"), lambda v: v.year if not v.year_to else f"{v.year}–{v.year_to}"),
        Col("area", _("地区"), lambda v: _area(v.area)),
        Col("value", _("数值"), lambda v: f"{v.get_qualifier_display()}{v.value} {unit_label(v.unit)}".strip()),
        Col("breakdown", _("分项"), lambda v: f"{v.breakdown_dimension} {v.breakdown_code}".strip()),
        Col("citation", _("出处"), lambda v: v.citation),
    ),
)

VILLAGES = ListSpec(
    slug="villages",
    title=_("整村推进"),
    model=VillageAdvancement,
    base=lambda qs: qs.select_related("program", "village", "pairing"),
    year="start_year",
    area="village__code",
    search=("village__name_zh", "village__code"),
    default_sort="village_id",
    columns=(
        Col("village", _("村"), lambda v: _area(v.village), sort="village_id", link=True),
        Col("program", _("协作项目"), lambda v: pick(v.program.name_zh, v.program.name_en)),
        Col("start_year", _("开始年度"), lambda v: v.start_year, sort="start_year"),
    ),
    detail_fields=(
        Col("program", _("协作项目"), lambda v: pick(v.program.name_zh, v.program.name_en)),
        Col("village", _("村"), lambda v: _area(v.village)),
        Col("pairing", _("结对关系"), lambda v: v.pairing.label() if v.pairing else ""),
        Col("start_year", _("开始年度"), lambda v: v.start_year),
    ),
    detail_template="web/village_detail.html",
    detail_context=_village_context,
)

SPECS: dict[str, ListSpec] = {
    spec.slug: spec
    for spec in (
        PROJECTS,
        FUNDS,
        PEOPLE,
        HOUSEHOLDS,
        VILLAGES,
        TRAININGS,
        ENTERPRISES,
        ENTERPRISE_REPORTS,
        EVENTS,
        INDICATORS,
    )
}


def spec_get(slug: str) -> ListSpec:
    """The list a URL names; an unknown one is a 404."""
    try:
        return SPECS[slug]
    except KeyError:
        raise Http404 from None
