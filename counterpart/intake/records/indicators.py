"""Reported indicator values (上报数): figures as published, entered by ``reported_value_enter``."""

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _

from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.indicators.models import Indicator, Qualifier, ReportedValue
from counterpart.indicators.services import (
    REPORTED_VALUE_EDITABLE_FIELDS,
    reported_value_enter,
    reported_value_update,
)
from counterpart.registry.models import Program

from ..kinds import Column, ColumnType, ImportContext, Key, Kind, Row, choices_from, export_scope, kind_register


class ReportedValuesKind(Kind):
    key = "reported_values"
    name_zh = "上报指标数"
    name_en = "Reported indicator values"
    natural_key = ("program", "indicator_key", "year", "year_to", "area", "breakdown_dimension", "breakdown_code")
    columns = (
        Column("program", "协作项目", "Program", required=True),
        Column("indicator_key", "指标代码", "Indicator key", required=True, max_length=60),
        Column("year", "年度", "Year", ColumnType.YEAR, required=True),
        Column("year_to", "末年", "Last year", ColumnType.YEAR, note_zh="累计数填写", note_en="for cumulative figures"),
        Column("area", "区划代码", "Area code", ColumnType.AREA),
        Column("breakdown_dimension", "分项维度", "Breakdown dimension", max_length=30),
        Column("breakdown_code", "分项代码", "Breakdown code", max_length=60),
        Column("value", "数值", "Value", ColumnType.DECIMAL, required=True),
        Column("unit", "单位", "Unit", max_length=30),
        Column(
            "qualifier",
            "限定词",
            "Qualifier",
            ColumnType.CHOICE,
            choices=tuple(c for c in choices_from(Qualifier.choices) if c[0]),
            note_zh="空白表示精确数",
            note_en="blank means exact",
        ),
        Column("citation", "出处", "Citation", max_length=500),
        Column("stated_change_percent", "比上年增减（%）", "Stated change (%)", ColumnType.DECIMAL),
    )
    instructions_zh = (
        "每行一个上报数；数值以指标的基本单位填写（元、人、公里）。再次导入时，数值、限定词、出处和增减会被更新。"
    )
    instructions_en = (
        "One published figure per row, in the indicator's base unit (yuan, persons, km). Re-importing updates the "
        "value, qualifier, citation and stated change."
    )

    def prepare(self, row: Row, context: ImportContext) -> None:
        context.program(row["program"])
        if row["area"]:
            context.area(row["area"], "area")
        indicator = Indicator.objects.filter(key=row["indicator_key"]).only("unit").first()
        if indicator is None:
            raise InvalidInput("indicator_key", row["indicator_key"], _("指标目录中没有该指标"))
        if row["unit"] and row["unit"] != indicator.unit:
            raise InvalidInput("unit", row["unit"], _("单位应为该指标的单位“%(unit)s”") % {"unit": indicator.unit})
        row["unit"] = indicator.unit
        if row["value"] < 0:
            raise InvalidInput("value", row["value"], _("数值不能为负数"))
        if row["year_to"] is not None and row["year_to"] < row["year"]:
            raise InvalidInput("year_to", row["year_to"], _("末年早于起始年"))
        if bool(row["breakdown_dimension"]) != bool(row["breakdown_code"]):
            raise InvalidInput("breakdown_code", row["breakdown_code"], _("分项维度和分项代码必须同时填写"))

    def lookup(self, keys: Sequence[Key], context: ImportContext) -> dict[Key, tuple[Model, Row]]:
        wanted = set(keys)
        found: dict[Key, tuple[Model, Row]] = {}
        by_program: dict[str, set[str]] = {}
        for key in keys:
            by_program.setdefault(key[0], set()).add(key[1])
        for slug, indicator_keys in by_program.items():
            program = context.program(slug)
            for record in ReportedValue.objects.filter(program=program, indicator_key__in=indicator_keys).order_by(
                "id"
            ):
                row = self._row(record, slug)
                key = self.key_of(row)
                if key in wanted and key not in found:
                    found[key] = (record, row)
        return found

    def key_of(self, row: Row) -> Key:
        return tuple(row.get(name) or ("" if name.startswith("breakdown") else None) for name in self.natural_key)

    def _row(self, record: ReportedValue, slug: str) -> Row:
        return {
            "program": slug,
            "indicator_key": record.indicator_key,
            "year": record.year,
            "year_to": record.year_to,
            "area": record.area_id,
            "breakdown_dimension": record.breakdown_dimension,
            "breakdown_code": record.breakdown_code,
            "value": record.value,
            "unit": record.unit,
            "qualifier": record.qualifier or None,
            "citation": record.citation,
            "stated_change_percent": record.stated_change_percent,
        }

    def check_change(self, record: Model, changes: Row) -> None:
        for column, value in changes.items():
            if column not in REPORTED_VALUE_EDITABLE_FIELDS:
                raise InvalidInput(column, value, _("该列不能通过导入修改"))

    def create(self, actor: Actor, row: Row, context: ImportContext, *, reason: str) -> None:
        reported_value_enter(
            actor,
            program=context.program(row["program"]),
            indicator_key=row["indicator_key"],
            year=row["year"],
            year_to=row["year_to"],
            value=row["value"],
            unit=row["unit"],
            qualifier=row["qualifier"] or Qualifier.EXACT,
            area=context.area(row["area"], "area") if row["area"] else None,
            breakdown_dimension=row["breakdown_dimension"],
            breakdown_code=row["breakdown_code"],
            citation=row["citation"],
            stated_change_percent=row["stated_change_percent"],
        )

    def update(self, actor: Actor, record: Model, changes: Row, context: ImportContext, *, reason: str) -> None:
        assert isinstance(record, ReportedValue)
        if "qualifier" in changes:
            changes = {**changes, "qualifier": changes["qualifier"] or Qualifier.EXACT}
        reported_value_update(actor, record, reason=reason, **changes)

    def rows_of(self, records: Iterable[Model]) -> Iterator[Row]:
        for record in records:
            yield self._row(record, record.program.slug)  # type: ignore[arg-type, attr-defined]

    def export_rows(self, program: Program | None = None, user: Any = None) -> Iterator[Row]:
        records = ReportedValue.objects.select_related("program").order_by("program_id", "indicator_key", "year", "id")
        if program is not None:
            records = records.filter(program=program)
        for record in export_scope(records, user).iterator(chunk_size=5000):
            yield self._row(record, record.program.slug)


kind_register(ReportedValuesKind())
