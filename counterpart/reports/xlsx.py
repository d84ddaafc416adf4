"""The report as a workbook in one language (the active one): one sheet per section kind, numbers as
numbers with their number format, frozen headers; the indicator's key beside its name for machines."""

import io
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from counterpart.core.language import is_english, pick
from counterpart.core.numbers import unit_text, xlsx_format
from counterpart.indicators.models import Qualifier

from .book import ReportBook, Row, Section
from .page import source_label

HEADERS = [
    gettext_lazy("指标"),
    gettext_lazy("代码"),
    gettext_lazy("数值"),
    gettext_lazy("计量单位"),
    gettext_lazy("限定"),
    gettext_lazy("来源"),
    gettext_lazy("上年"),
    gettext_lazy("增减"),
    gettext_lazy("增减%"),
    gettext_lazy("目标"),
    gettext_lazy("完成%"),
    gettext_lazy("记录数"),
]


def _title(section: Section) -> str:
    if section.kind == "program":
        return _("全项目")
    return pick(section.title_zh, section.title_en)


def _name(row: Row) -> str:
    return pick(row.name_zh, row.name_en)


def _qualifier(value: str) -> str:
    return str(Qualifier(value).label) if value in Qualifier.values and value else ""


def _number(value: Decimal | int | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if Decimal(value) == Decimal(value).to_integral_value() else float(value)


def _write_rows(
    sheet: xlsxwriter.worksheet.Worksheet, start: int, section: Section, formats: dict, *, with_scope: bool
) -> int:
    row_index = start
    for row in section.rows:
        _write_row(sheet, row_index, row, formats, section if with_scope else None)
        row_index += 1
    return row_index


def _write_row(sheet: Any, index: int, row: Row, formats: dict, section: Section | None) -> None:
    column = 0
    if section is not None:
        sheet.write_string(index, 0, _title(section))
        column = 1
    number_format = formats["yuan"] if row.figure.unit == "yuan" else formats["count"]
    sheet.write_string(index, column, _name(row))
    sheet.write_string(index, column + 1, row.key)
    sheet.write_number(index, column + 2, _number(row.figure.value) or 0, number_format)
    sheet.write_string(index, column + 3, unit_text(row.figure.unit))
    sheet.write_string(index, column + 4, _qualifier(row.figure.qualifier))
    sheet.write_string(index, column + 5, source_label(row.figure.source))
    for offset, value, fmt in (
        (6, row.previous.value if row.previous else None, number_format),
        (7, row.change, number_format),
        (8, row.change_percent, formats["percent"]),
        (9, row.target, number_format),
        (10, row.attainment_percent, formats["percent"]),
        (11, row.figure.records.value if row.figure.records else None, number_format),
    ):
        if value is not None:
            sheet.write_number(index, column + offset, _number(value) or 0, fmt)


def report_xlsx(book: ReportBook) -> bytes:
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    formats = {
        "header": workbook.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1, "text_wrap": True}),
        "yuan": workbook.add_format({"num_format": xlsx_format("yuan")}),
        "count": workbook.add_format({"num_format": xlsx_format("count")}),
        "percent": workbook.add_format({"num_format": xlsx_format("percent")}),
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
    }
    program = book.program

    english = is_english()
    name = pick(program.name_zh, program.name_en)
    summary = workbook.add_worksheet(_("概要"))
    summary.write_string(
        0, 0, _("%(name)s · %(years)s 年度报告") % {"name": name, "years": book.years_label}, formats["title"]
    )
    summary.set_column(0, 0, 120)
    summary.write_string(2, 0, book.narrative_en if english else book.narrative_zh, formats["wrap"])
    if book.locked:
        summary.write_string(4, 0, _("本年度数据已核定锁定"))

    sheets = [(_("全项目"), [book.main], False)]
    areas = [s for s in book.sections if s.kind == "area"]
    pairings = [s for s in book.sections if s.kind == "pairing"]
    if areas:
        sheets.append((_("按受援地区"), areas, True))
    if pairings:
        sheets.append((_("按结对"), pairings, True))
    for sheet_name, sections, with_scope in sheets:
        sheet = workbook.add_worksheet(sheet_name)
        headers = ([_("范围")] if with_scope else []) + [str(header) for header in HEADERS]
        for column, title in enumerate(headers):
            sheet.write_string(0, column, title, formats["header"])
        sheet.set_row(0, 32)
        sheet.freeze_panes(1, 2 if with_scope else 1)
        sheet.set_column(0, 0, 26)
        sheet.set_column(1, len(headers), 16)
        row_index = 1
        for section in sections:
            row_index = _write_rows(sheet, row_index, section, formats, with_scope=with_scope)
        sheet.autofilter(0, 0, max(row_index - 1, 1), len(headers) - 1)

    quality = workbook.add_worksheet(_("数据质量"))
    for column, title in enumerate([_("范围"), _("指标"), _("代码"), _("说明")]):
        quality.write_string(0, column, title, formats["header"])
    quality.freeze_panes(1, 0)
    quality.set_column(0, 2, 22)
    quality.set_column(3, 3, 80)
    index = 1
    for section in book.sections:
        names = {row.key: _name(row) for row in section.rows}
        for warning in section.warnings:
            message = warning.message_en if english else warning.message_zh
            for column, text in enumerate([_title(section), names.get(warning.key, warning.key), warning.key, message]):
                quality.write_string(index, column, text)
            index += 1
    workbook.close()
    return output.getvalue()
