"""The report as a workbook: one sheet per section kind, numbers as numbers, frozen headers."""

import io
from decimal import Decimal
from typing import Any

import xlsxwriter

from counterpart.core.numbers import xlsx_format

from .book import ReportBook, Row, Section

SOURCE_ZH = {"ledger": "资金台账", "projects": "项目库", "registry": "登记记录", "reported": "上报数"}
QUALIFIER_ZH = {"more_than": "余（多于）", "nearly": "近（接近）", "about": "约"}
HEADERS = [
    ("指标", "Indicator"),
    ("代码", "Key"),
    ("数值", "Value"),
    ("单位", "Unit"),
    ("限定", "Qualifier"),
    ("来源", "Source"),
    ("上年", "Previous year"),
    ("增减", "Change"),
    ("增减%", "Change %"),
    ("目标", "Target"),
    ("完成%", "Attainment %"),
    ("记录数", "From records"),
]


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
        sheet.write_string(index, 0, section.title_zh)
        column = 1
    number_format = formats["yuan"] if row.figure.unit == "yuan" else formats["count"]
    sheet.write_string(index, column, row.name_zh)
    sheet.write_string(index, column + 1, row.key)
    sheet.write_number(index, column + 2, _number(row.figure.value) or 0, number_format)
    sheet.write_string(index, column + 3, row.figure.unit)
    sheet.write_string(index, column + 4, QUALIFIER_ZH.get(row.figure.qualifier, ""))
    sheet.write_string(index, column + 5, f"{SOURCE_ZH.get(row.figure.source, row.figure.source)} {row.figure.source}")
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

    summary = workbook.add_worksheet("概要 Summary")
    summary.write_string(0, 0, f"{program.name_zh} {book.years_label} 年度报告", formats["title"])
    summary.write_string(1, 0, f"{program.name_en} — report {book.years_label}")
    summary.set_column(0, 0, 120)
    summary.write_string(3, 0, book.narrative_zh, formats["wrap"])
    summary.write_string(4, 0, book.narrative_en, formats["wrap"])
    if book.locked:
        summary.write_string(6, 0, "本年度数据已核定锁定 The year's figures are certified and locked")

    sheets = [("全项目 Program", [book.main], False)]
    areas = [s for s in book.sections if s.kind == "area"]
    pairings = [s for s in book.sections if s.kind == "pairing"]
    if areas:
        sheets.append(("按受援地区 By area", areas, True))
    if pairings:
        sheets.append(("按结对 By pairing", pairings, True))
    for name, sections, with_scope in sheets:
        sheet = workbook.add_worksheet(name)
        headers = ([("范围", "Scope")] if with_scope else []) + HEADERS
        for column, (zh, en) in enumerate(headers):
            sheet.write_string(0, column, f"{zh}\n{en}", formats["header"])
        sheet.set_row(0, 32)
        sheet.freeze_panes(1, 2 if with_scope else 1)
        sheet.set_column(0, 0, 26)
        sheet.set_column(1, len(headers), 16)
        row_index = 1
        for section in sections:
            row_index = _write_rows(sheet, row_index, section, formats, with_scope=with_scope)
        sheet.autofilter(0, 0, max(row_index - 1, 1), len(headers) - 1)

    quality = workbook.add_worksheet("数据质量 Quality")
    for column, title in enumerate(["范围 Scope", "指标 Indicator", "检查 Check", "说明", "Explanation"]):
        quality.write_string(0, column, title, formats["header"])
    quality.freeze_panes(1, 0)
    quality.set_column(0, 2, 22)
    quality.set_column(3, 4, 60)
    index = 1
    for section in book.sections:
        for warning in section.warnings:
            for column, text in enumerate(
                [section.title_zh, warning.key, warning.check, warning.message_zh, warning.message_en]
            ):
                quality.write_string(index, column, text)
            index += 1
    workbook.close()
    return output.getvalue()
