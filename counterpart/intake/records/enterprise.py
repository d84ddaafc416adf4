"""Enterprise annual reports (企业年度报告) and market events (市场开拓活动), through the enterprise services.

An enterprise is named by its organisation's Chinese name among the program's enterprises; a report
by program, enterprise, operation (blank: the whole presence in ``area``) and year. An imported
report is a draft; re-importing updates its figures while it is a draft or returned (a confirmed
report is corrected by a new report on the page, as the enterprise services require).
"""

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _

from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.enterprise.models import Enterprise, EnterpriseReport, EventKind, MarketEvent, ReportStatus
from counterpart.enterprise.services import (
    MARKET_EVENT_EDITABLE_FIELDS,
    ReportFigures,
    enterprise_report_draft,
    enterprise_report_update,
    market_event_record,
    market_event_update,
)
from counterpart.registry.models import Program

from ..kinds import Column, ColumnType, ImportContext, Key, Kind, Row, choices_from, export_scope, kind_register

# Column → ReportFigures field: the figures of a report.
_FIGURES = {
    "actual_investment": "actual_investment_fen",
    "taxes_paid": "taxes_paid_fen",
    "jobs_created": "jobs_created",
    "people_helped_into_jobs": "people_helped_into_jobs",
    "total_assets": "total_assets_fen",
    "annual_output": "annual_output_fen",
    "capacity_quantity": "capacity_quantity",
    "capacity_unit": "capacity_unit",
    "employees": "employees",
    "employees_from_poor_households": "employees_from_poor_households",
    "average_staff_income": "average_staff_income_fen",
    "matching_enterprises": "matching_enterprises",
    "certifications": "certifications",
}


class EnterpriseReportsKind(Kind):
    key = "enterprise_reports"
    depends_on = ("programs",)
    verb = "enterprise_report_draft"
    name_zh = "企业年度报告"
    name_en = "Enterprise annual reports"
    natural_key = ("program", "enterprise", "operation", "year")
    field_columns = {figure: column for column, figure in _FIGURES.items()} | {
        name.removesuffix("_fen"): column for column, name in _FIGURES.items()
    }
    columns = (
        Column("program", "协作项目", "Program", required=True),
        Column("enterprise", "企业名称", "Enterprise", required=True, max_length=200),
        Column(
            "operation",
            "经营实体名称",
            "Operation",
            max_length=200,
            note_zh="留空表示全省范围",
            note_en="blank: the whole presence",
        ),
        Column(
            "area",
            "地区区划代码",
            "Area code",
            ColumnType.AREA,
            note_zh="无经营实体时必填",
            note_en="needed without an operation",
        ),
        Column("year", "年度", "Year", ColumnType.YEAR, required=True),
        Column("actual_investment", "实际投资（元）", "Investment (yuan)", ColumnType.MONEY),
        Column("taxes_paid", "纳税（元）", "Taxes paid (yuan)", ColumnType.MONEY),
        Column("jobs_created", "直接就业人数", "Jobs created", ColumnType.INTEGER),
        Column("people_helped_into_jobs", "带动就业人数", "People helped into jobs", ColumnType.INTEGER),
        Column("total_assets", "资产总额（元）", "Total assets (yuan)", ColumnType.MONEY),
        Column("annual_output", "年产值（元）", "Annual output (yuan)", ColumnType.MONEY),
        Column("capacity_quantity", "年产能", "Capacity per year", ColumnType.DECIMAL),
        Column("capacity_unit", "产能单位", "Capacity unit", max_length=40),
        Column("employees", "员工人数", "Employees", ColumnType.INTEGER),
        Column(
            "employees_from_poor_households", "贫困户员工人数", "Employees from poor households", ColumnType.INTEGER
        ),
        Column("average_staff_income", "员工年均收入（元）", "Average staff income (yuan)", ColumnType.MONEY),
        Column("matching_enterprises", "配套企业数", "Matching enterprises", ColumnType.INTEGER),
        Column("certifications", "认证", "Certifications", max_length=300),
        Column("citation", "出处", "Citation", max_length=500),
        Column("note", "备注", "Note"),
    )
    instructions_zh = (
        "每行一份企业年度报告（协作项目、企业、经营实体、年度唯一确定），导入为草稿，由项目办确认。"
        "草稿或退回的报告再次导入时数值会被更新；已确认的报告请在页面上提交更正报告。"
    )
    instructions_en = (
        "One annual report per row (program, enterprise, operation and year identify it), imported as a draft for "
        "the program office to confirm. Re-importing updates the figures of a draft or returned report; correct a "
        "confirmed report with a new one on the page."
    )

    def _enterprise(self, row: Row, context: ImportContext) -> Enterprise:
        program = context.program(row["program"])
        found = list(Enterprise.objects.filter(programs=program, organisation__name_zh=row["enterprise"])[:2])
        if len(found) != 1:
            raise InvalidInput("enterprise", row["enterprise"], _("该协作项目中没有唯一的该名称企业"))
        return found[0]

    def _scope(self, row: Row, context: ImportContext) -> tuple[Program, Enterprise, object]:
        program, enterprise = context.program(row["program"]), self._enterprise(row, context)
        operation = None
        if row["operation"]:
            operation = enterprise.operations.filter(organisation__name_zh=row["operation"]).first()
            if operation is None:
                raise InvalidInput("operation", row["operation"], _("该企业没有该名称的经营实体"))
        elif not row["area"]:
            raise InvalidInput("area", None, _("全省范围的报告须注明地区"))
        return program, enterprise, operation

    def _figures(self, row: Row, qualifiers: dict | None = None) -> ReportFigures:
        values = {figure: row[column] for column, figure in _FIGURES.items()}
        values["capacity_unit"] = values["capacity_unit"] or ""
        values["certifications"] = values["certifications"] or ""
        given = {key for key, column in _FIGURES.items() if row[key] not in (None, "")}
        kept = {key: value for key, value in (qualifiers or {}).items() if _indicator_column(key) in given}
        return ReportFigures(**values, qualifiers=kept)

    def prepare(self, row: Row, context: ImportContext) -> None:
        self._scope(row, context)
        if row["area"]:
            context.area(row["area"], "area")

    def row_organisations(self, row: Row, context: ImportContext) -> Iterator[tuple[str, int]]:
        yield "enterprise", self._enterprise(row, context).organisation_id

    def lookup(self, keys: Sequence[Key], context: ImportContext) -> dict[Key, tuple[Model, Row]]:
        found: dict[Key, tuple[Model, Row]] = {}
        for key in set(keys):
            row = dict(zip(self.natural_key, key, strict=True))
            program = context.program(row["program"])
            reports = EnterpriseReport.objects.filter(
                program=program, enterprise__organisation__name_zh=row["enterprise"], year=row["year"]
            ).exclude(status=ReportStatus.SUPERSEDED)
            reports = (
                reports.filter(operation__organisation__name_zh=row["operation"])
                if row["operation"]
                else reports.filter(operation=None)
            )
            report = (
                reports.select_related("enterprise__organisation", "operation__organisation").order_by("-id").first()
            )
            if report is not None:
                found[key] = (report, self._row(report, row["program"]))
        return found

    def key_of(self, row: Row) -> Key:
        return tuple(row.get(name) or ("" if name == "operation" else None) for name in self.natural_key)

    def _row(self, report: EnterpriseReport, slug: str) -> Row:
        row: Row = {
            "program": slug,
            "enterprise": report.enterprise.organisation.name_zh,
            "operation": report.operation.organisation.name_zh if report.operation else "",
            "area": report.area_id,
            "year": report.year,
            "citation": report.citation,
            "note": report.note,
        }
        for column, figure in _FIGURES.items():
            row[column] = getattr(report, figure)
        return row

    def check_change(self, record: Model, changes: Row) -> None:
        assert isinstance(record, EnterpriseReport)
        for column, value in changes.items():
            if column not in _FIGURES:
                raise InvalidInput(column, value, _("该列不能通过导入修改"))
        if record.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
            raise InvalidInput("year", record.year, _("只有草稿或退回的报告可以修改；已确认的报告请提交更正"))

    def create(self, actor: Actor, row: Row, context: ImportContext, *, reason: str) -> None:
        program, enterprise, operation = self._scope(row, context)
        enterprise_report_draft(
            actor=actor,
            program=program,
            enterprise=enterprise,
            year=row["year"],
            figures=self._figures(row),
            operation=operation,  # type: ignore[arg-type]
            area=context.area(row["area"], "area") if row["area"] else None,
            citation=row["citation"],
            note=row["note"],
        )

    def update(self, actor: Actor, record: Model, changes: Row, context: ImportContext, *, reason: str) -> None:
        assert isinstance(record, EnterpriseReport)
        current = self._row(record, "")
        enterprise_report_update(
            actor=actor, report=record, figures=self._figures({**current, **changes}, record.qualifiers)
        )

    def rows_of(self, records: Iterable[Model]) -> Iterator[Row]:
        for record in records:
            yield self._row(record, record.program.slug)  # type: ignore[arg-type, attr-defined]

    def export_rows(self, program: Program | None = None, user: Any = None) -> Iterator[Row]:
        reports = (
            EnterpriseReport.objects.exclude(status=ReportStatus.SUPERSEDED)
            .select_related("program", "enterprise__organisation", "operation__organisation")
            .order_by("program_id", "year", "id")
        )
        if program is not None:
            reports = reports.filter(program=program)
        for report in export_scope(reports, user).iterator(chunk_size=2000):
            yield self._row(report, report.program.slug)


def _indicator_column(indicator_key: str) -> str:
    """The template column of an INDICATOR_RULES key (the two spell assets and capacity differently)."""
    return {"enterprise_assets": "total_assets", "production_capacity": "capacity_quantity"}.get(
        indicator_key, indicator_key
    )


# Column → MarketEvent field, for the columns an import may correct.
_EVENT_FIELDS = {
    "place": "place",
    "end_date": "end_date",
    "participating_enterprises_count": "participating_enterprises_count",
    "direct_sales": "direct_sales_fen",
    "order_value": "order_value_fen",
    "export_port": "export_port",
    "citation": "citation",
    "note": "note",
}
assert set(_EVENT_FIELDS.values()) == set(MARKET_EVENT_EDITABLE_FIELDS)


class MarketEventsKind(Kind):
    key = "market_events"
    depends_on = ("programs",)
    verb = "market_event_record"
    name_zh = "市场开拓活动"
    name_en = "Market events"
    natural_key = ("program", "title", "start_date")
    field_columns = {
        "direct_sales_fen": "direct_sales",
        "order_value_fen": "order_value",
        "participating_enterprises": "participating_enterprises_count",
    }
    columns = (
        Column("program", "协作项目", "Program", required=True),
        Column(
            "kind", "活动类型", "Event kind", ColumnType.CHOICE, required=True, choices=choices_from(EventKind.choices)
        ),
        Column("title", "活动名称", "Title", required=True, max_length=200),
        Column("start_date", "开始日期", "Start date", ColumnType.DATE, required=True),
        Column("end_date", "结束日期", "End date", ColumnType.DATE, required=True),
        Column("place", "举办地点", "Place", required=True, max_length=200),
        Column("area", "举办地区划代码", "Host area code", ColumnType.AREA, required=True),
        Column("participating_enterprises_count", "参会企业数", "Participating enterprises", ColumnType.INTEGER),
        Column("direct_sales", "现场销售额（元）", "Direct sales (yuan)", ColumnType.MONEY),
        Column("order_value", "签订订单额（元）", "Orders (yuan)", ColumnType.MONEY),
        Column("export_port", "出口口岸", "Export port", max_length=100),
        Column("citation", "出处", "Citation", max_length=500),
        Column("note", "备注", "Note"),
    )
    instructions_zh = (
        "每行一次活动（协作项目、名称和开始日期唯一确定），数值按主办方公布的填写。"
        "再次导入时，地点、结束日期、各项数值、口岸、出处和备注会被更新。"
    )
    instructions_en = (
        "One event per row (program, title and start date identify it), with totals as the organisers published "
        "them. Re-importing updates the place, end date, totals, port, citation and note."
    )

    def prepare(self, row: Row, context: ImportContext) -> None:
        context.program(row["program"])
        context.area(row["area"], "area")
        if row["end_date"] < row["start_date"]:
            raise InvalidInput("end_date", row["end_date"].isoformat(), _("结束日期早于开始日期"))

    def lookup(self, keys: Sequence[Key], context: ImportContext) -> dict[Key, tuple[Model, Row]]:
        found: dict[Key, tuple[Model, Row]] = {}
        wanted = set(keys)
        for slug in {key[0] for key in keys}:
            events = MarketEvent.objects.filter(
                program=context.program(slug), title__in=[key[1] for key in keys if key[0] == slug]
            )
            for event in events:
                row = self._row(event, slug)
                if self.key_of(row) in wanted:
                    found[self.key_of(row)] = (event, row)
        return found

    def _row(self, event: MarketEvent, slug: str) -> Row:
        return {
            "program": slug,
            "kind": event.kind,
            "title": event.title,
            "start_date": event.start_date,
            "end_date": event.end_date,
            "place": event.place,
            "area": event.area_id,
            "participating_enterprises_count": event.participating_enterprises_count,
            "direct_sales": event.direct_sales_fen,
            "order_value": event.order_value_fen,
            "export_port": event.export_port,
            "citation": event.citation,
            "note": event.note,
        }

    def check_change(self, record: Model, changes: Row) -> None:
        for column, value in changes.items():
            if column not in _EVENT_FIELDS:
                raise InvalidInput(column, value, _("该列不能通过导入修改"))

    def create(self, actor: Actor, row: Row, context: ImportContext, *, reason: str) -> None:
        market_event_record(
            actor=actor,
            program=context.program(row["program"]),
            kind=row["kind"],
            title=row["title"],
            place=row["place"],
            area=context.area(row["area"], "area"),
            start_date=row["start_date"],
            end_date=row["end_date"],
            participating_enterprises_count=row["participating_enterprises_count"],
            direct_sales_fen=row["direct_sales"],
            order_value_fen=row["order_value"],
            export_port=row["export_port"],
            citation=row["citation"],
            note=row["note"],
        )

    def update(self, actor: Actor, record: Model, changes: Row, context: ImportContext, *, reason: str) -> None:
        assert isinstance(record, MarketEvent)
        market_event_update(
            actor=actor, event=record, reason=reason, **{_EVENT_FIELDS[c]: v for c, v in changes.items()}
        )

    def rows_of(self, records: Iterable[Model]) -> Iterator[Row]:
        for record in records:
            yield self._row(record, record.program.slug)  # type: ignore[arg-type, attr-defined]

    def export_rows(self, program: Program | None = None, user: Any = None) -> Iterator[Row]:
        events = MarketEvent.objects.select_related("program").order_by("program_id", "start_date", "id")
        if program is not None:
            events = events.filter(program=program)
        for event in export_scope(events, user).iterator(chunk_size=2000):
            yield self._row(event, event.program.slug)


kind_register(EnterpriseReportsKind())
kind_register(MarketEventsKind())
