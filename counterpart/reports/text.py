"""A readable summary of a report: the narrative, then each figure with its source."""

from decimal import Decimal

from .book import ReportBook, Row
from .narrative import qualify_en

SOURCE_ZH = {"ledger": "资金台账", "projects": "项目库", "registry": "登记记录", "reported": "上报数"}


def _amount(value: Decimal | int, unit: str) -> str:
    if unit == "yuan":
        return f"{Decimal(str(value)):,.2f}"
    number = Decimal(str(value))
    return f"{number:,.0f}" if number == number.to_integral_value() else f"{number.normalize():,f}"


def _line(row: Row) -> str:
    figure = row.figure
    text = qualify_en(_amount(figure.value, figure.unit), figure.qualifier)
    line = f"{row.name_zh} / {row.name_en}: {text} {figure.unit}  [{SOURCE_ZH.get(figure.source, '')} {figure.source}]"
    if row.previous is not None:
        line += f"  (上年 previous {_amount(row.previous.value, figure.unit)})"
    if row.attainment_percent is not None:
        line += f"  (目标完成 target {row.attainment_percent:.0f}%)"
    if figure.records is not None:
        line += f"  (登记记录 records: {_amount(figure.records.value, figure.unit)} {figure.records.source})"
    return line


def report_text(book: ReportBook) -> str:
    program = book.program
    lines = [
        f"{program.name_zh} {book.years_label} 年度报告",
        f"{program.name_en or program.slug} — report {book.years_label}",
        "",
        book.narrative_zh,
        book.narrative_en,
        "",
    ]
    for section in book.sections:
        lines.append(f"== {section.title_zh} {section.title_en}")
        for row in section.rows:
            lines.append(_line(row))
            if row.figure.breakdowns:
                for dimension, breakdown in row.figure.breakdowns.items():
                    partial = "（部分 partial）" if breakdown.partial else ""
                    lines.append(f"    {dimension}{partial}:")
                    for name, part in breakdown.parts.items():
                        lines.append(f"      {name}: {_amount(part.value, row.figure.unit)}")
            else:
                for code, value in (row.figure.breakdown or {}).items():
                    lines.append(f"    {code}: {_amount(value, row.figure.unit)}")
            for other in row.figure.alternatives or []:
                lines.append(
                    f"    另一出处 other source: {_amount(other['value'], row.figure.unit)} {other.get('citation', '')}"
                )
            for piece in row.figure.composition or []:
                lines.append(f"    {piece['years']}: {_amount(piece['value'], row.figure.unit)} [{piece['source']}]")
        for key, parts in section.report.parts_only.items():
            lines.append(f"  {key}（未公布总数 no total published）:")
            for dimension, breakdown in parts["breakdowns"].items():
                for name, part in breakdown["parts"].items():
                    lines.append(f"    {dimension} / {name}: {_amount(part['value'], parts['unit'])}")
        for key, derived in section.report.derived.items():
            lines.append(f"  {key}: {_amount(derived['value'], derived['unit'])}（推算 derived, not published）")
        for warning in section.warnings:
            lines.append(f"  ! {warning.key}: {warning.message_zh} / {warning.message_en}")
        lines.append("")
    return "\n".join(lines)
