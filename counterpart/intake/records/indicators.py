"""Reported indicator values (上报数): figures as published, entered by ``reported_value_enter``."""

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _

from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.indicators.models import Indicator, Qualifier, ReportedValue
from counterpart.indicators.qualifiers import qualifier_parse
from counterpart.indicators.services import (
    REPORTED_VALUE_EDITABLE_FIELDS,
    reported_value_enter,
    reported_value_update,
)
from counterpart.indicators.units import value_in_base_unit
from counterpart.registry.models import Program
from counterpart.registry.pairing_names import pairing_label, pairing_named

from ..kinds import Column, ColumnType, ImportContext, Key, Kind, Row, export_scope, kind_register


class ReportedValuesKind(Kind):
    key = "reported_values"
    record_workbook = True
    depends_on = ("programs", "pairings")
    name_zh = "上报指标数"
    name_en = "Reported indicator values"
    # The citation is part of which figure a row is: the same figure from another source is a second,
    # conflicting value kept beside the first, never an overwrite.
    natural_key = (
        "program",
        "indicator_key",
        "year",
        "year_to",
        "area",
        "pairing",
        "breakdown_dimension",
        "breakdown_code",
        "citation",
    )
    columns = (
        Column("program", "协作项目", "Program", required=True),
        Column("indicator_key", "指标代码", "Indicator key", required=True, max_length=60),
        Column("year", "年度", "Year", ColumnType.YEAR, required=True),
        Column("year_to", "末年", "Last year", ColumnType.YEAR, note_zh="累计数填写", note_en="for cumulative figures"),
        Column("area", "区划代码", "Area code", ColumnType.AREA),
        Column(
            "pairing",
            "结对",
            "Pairing",
            max_length=200,
            note_zh="帮扶方名称→受援方名称，如“市南区→西秀区”",
            note_en="donor name -> recipient name, e.g. Jinan -> Wulong",
        ),
        Column("breakdown_dimension", "分项维度", "Breakdown dimension", max_length=30),
        Column("breakdown_code", "分项", "Breakdown part", max_length=60),
        Column(
            "breakdown_partial",
            "分项不全",
            "Breakdown partial",
            ColumnType.BOOLEAN,
            note_zh="资料只列出部分分项时填“是”",
            note_en="yes when the source gives only some of the parts",
        ),
        Column("value", "数值", "Value", ColumnType.DECIMAL, required=True),
        Column("unit", "单位", "Unit", max_length=30),
        Column(
            "qualifier",
            "限定词",
            "Qualifier",
            max_length=80,
            note_zh="余、近、约，或占比如“70% of fiscal_aid”；空白表示精确数",
            note_en="more than, nearly, about, or a share such as 70% of fiscal_aid; blank means exact",
        ),
        Column("share_of", "占比基数指标", "Share of", max_length=60, note_zh="占比的基数", note_en="for a share"),
        Column("citation", "出处", "Citation", max_length=500),
        Column(
            "preferred",
            "采用值",
            "Preferred",
            ColumnType.BOOLEAN,
            note_zh="同一数据有不同出处时，本处采用的值填“是”",
            note_en="yes for the value the office stands behind when sources differ",
        ),
        Column("stated_change_percent", "比上年增减（%）", "Stated change (%)", ColumnType.DECIMAL),
    )
    field_columns = {"share_percent": "qualifier", "is_preferred": "preferred"}
    instructions_zh = (
        "每行一个上报数；单位按资料填写（元、万元、亿元、人、人次、公里等），精确换算为指标的基本单位。"
        "同一出处再次导入时更新数值、限定词和增减；不同出处的同一数据作为不一致的数值并存。"
    )
    instructions_en = (
        "One published figure per row, in the unit the source prints (元, 万元, 亿元, persons, 人次, km …), converted "
        "exactly to the indicator's base unit. Re-importing a row of the same source updates its value, qualifier and "
        "stated change; the same figure from another source is kept beside it as a conflicting value."
    )

    def prepare(self, row: Row, context: ImportContext) -> None:
        context.program(row["program"])
        if row["area"]:
            context.area(row["area"], "area")
        if row["pairing"]:
            # Named as the export names it, so that a re-import finds the row whichever spelling the file used.
            row["pairing"] = pairing_label(pairing_named(context.program(row["program"]), row["pairing"], context))
        indicator = Indicator.objects.filter(key=row["indicator_key"]).only("key", "topic", "unit").first()
        if indicator is None:
            raise InvalidInput("indicator_key", row["indicator_key"], _("指标目录中没有该指标"))
        if row["value"] < 0:
            raise InvalidInput("value", row["value"], _("数值不能为负数"))
        row["value"] = value_in_base_unit(indicator.key, indicator.topic, indicator.unit, row["value"], row["unit"])
        row["unit"] = indicator.unit
        parsed = qualifier_parse(row["qualifier"], row["share_of"] or "")
        if parsed.share_of and not Indicator.objects.filter(key=parsed.share_of).exists():
            raise InvalidInput("share_of", parsed.share_of, _("指标目录中没有该指标"))
        row["qualifier"] = parsed.qualifier or None
        row["share_percent"] = parsed.share_percent
        row["share_of"] = parsed.share_of
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
            records = ReportedValue.objects.filter(program=program, indicator_key__in=indicator_keys)
            for record in records.select_related("pairing__donor_area", "pairing__recipient_area").order_by("id"):
                row = self._row(record, slug)
                key = self.key_of(row)
                if key in wanted and key not in found:
                    found[key] = (record, row)
        return found

    def key_of(self, row: Row) -> Key:
        blank_is_empty = ("breakdown_dimension", "breakdown_code", "pairing", "citation")
        return tuple(row.get(name) or ("" if name in blank_is_empty else None) for name in self.natural_key)

    def _row(self, record: ReportedValue, slug: str) -> Row:
        return {
            "program": slug,
            "indicator_key": record.indicator_key,
            "year": record.year,
            "year_to": record.year_to,
            "area": record.area_id,
            "pairing": pairing_label(record.pairing) if record.pairing is not None else "",
            "breakdown_dimension": record.breakdown_dimension,
            "breakdown_code": record.breakdown_code,
            "breakdown_partial": record.breakdown_partial,
            "value": record.value,
            "unit": record.unit,
            "qualifier": _qualifier_text(record),
            "share_of": record.share_of,
            "citation": record.citation,
            "preferred": record.is_preferred,
            "stated_change_percent": record.stated_change_percent,
        }

    def changes(self, row: Row, existing: Row) -> Row:
        # The file's qualifier column is compared as written back ("70% of fiscal_aid"), booleans as booleans.
        typed = {**row, "qualifier": _qualifier_text_of(row), "share_of": row.get("share_of") or ""}
        typed["breakdown_partial"] = bool(row.get("breakdown_partial"))
        typed["preferred"] = bool(row.get("preferred"))
        return super().changes(typed, existing)

    def check_change(self, record: Model, changes: Row) -> None:
        for column, value in changes.items():
            if _FIELD_OF_COLUMN.get(column, column) not in REPORTED_VALUE_EDITABLE_FIELDS:
                raise InvalidInput(column, value, _("该列不能通过导入修改"))

    def create(self, actor: Actor, row: Row, context: ImportContext, *, reason: str) -> None:
        reported_value_enter(
            actor=actor,
            program=context.program(row["program"]),
            indicator_key=row["indicator_key"],
            year=row["year"],
            year_to=row["year_to"],
            value=row["value"],
            unit=row["unit"],
            qualifier=row["qualifier"] or Qualifier.EXACT,
            area=context.area(row["area"], "area") if row["area"] else None,
            pairing=pairing_named(context.program(row["program"]), row["pairing"], context) if row["pairing"] else None,
            breakdown_dimension=row["breakdown_dimension"],
            breakdown_code=row["breakdown_code"],
            breakdown_partial=bool(row["breakdown_partial"]),
            citation=row["citation"],
            stated_change_percent=row["stated_change_percent"],
            share_percent=row["share_percent"],
            share_of=row["share_of"],
            is_preferred=bool(row["preferred"]),
        )

    def update(self, actor: Actor, record: Model, changes: Row, context: ImportContext, *, reason: str) -> None:
        assert isinstance(record, ReportedValue)
        fields = {_FIELD_OF_COLUMN.get(column, column): value for column, value in changes.items()}
        if "qualifier" in fields:
            parsed = qualifier_parse(fields["qualifier"], str(fields.get("share_of") or record.share_of))
            fields.update(qualifier=parsed.qualifier, share_percent=parsed.share_percent, share_of=parsed.share_of)
        reported_value_update(actor=actor, reported=record, reason=reason, **fields)

    def rows_of(self, records: Iterable[Model]) -> Iterator[Row]:
        for record in records:
            yield self._row(record, record.program.slug)  # type: ignore[arg-type, attr-defined]

    def export_rows(self, program: Program | None = None, user: Any = None) -> Iterator[Row]:
        records = ReportedValue.objects.select_related(
            "program", "pairing__donor_area", "pairing__recipient_area"
        ).order_by("program_id", "indicator_key", "year", "id")
        if program is not None:
            records = records.filter(program=program)
        for record in export_scope(records, user).iterator(chunk_size=5000):
            yield self._row(record, record.program.slug)


_FIELD_OF_COLUMN = {"preferred": "is_preferred"}


def _qualifier_text(record: ReportedValue) -> str | None:
    if record.share_percent is not None:
        return f"{record.share_percent.normalize():f}% of {record.share_of}"
    return record.qualifier or None


def _qualifier_text_of(row: Row) -> str | None:
    if row.get("share_percent") is not None:
        return f"{row['share_percent'].normalize():f}% of {row['share_of']}"
    return row.get("qualifier") or None


kind_register(ReportedValuesKind())
