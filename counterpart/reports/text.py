"""A readable summary of a report in one language: the narrative, then each figure with its source.

Written in the active language (``counterpart report --language zh|en`` sets it): every word from
the catalogues, every number in the one number style (``core.numbers``: 1640万元 in Chinese,
16.4 million yuan in English), parts by name. Data (names, citations, a published breakdown's own
dimension names) stays as entered.
"""

from django.utils.translation import gettext as _

from counterpart.core.language import is_english, pick
from counterpart.core.numbers import figure_text
from counterpart.indicators.models import Indicator

from .book import ReportBook, Section
from .page import PageRow, page_section


def _row_line(row: PageRow) -> str:
    line = _("%(name)s：%(value)s（%(source)s）") % {"name": row.name, "value": row.text, "source": row.source}
    notes = []
    if row.previous:
        notes.append(_("上年 %(value)s") % {"value": row.previous})
    if row.target:
        notes.append(_("目标 %(value)s") % {"value": row.target})
    if row.attainment:
        notes.append(_("完成 %(percent)s") % {"percent": row.attainment})
    if row.records:
        notes.append(_("登记记录 %(records)s") % {"records": row.records})
    if notes:
        line += "  " + _("；").join(notes)
    return line


def _indicator_names(section: Section) -> dict[str, str]:
    keys = set(section.report.parts_only) | set(section.report.derived)
    if not keys:
        return {}
    return {i.key: pick(i.name_zh, i.name_en) for i in Indicator.objects.filter(key__in=keys)}


def _section_lines(section: Section) -> list[str]:
    page = page_section(section, signed_in=False)
    lines = [f"== {page.title}"]
    by_key = {row.key: row for row in section.rows}
    for row in page.rows:
        lines.append(_row_line(row))
        figure = by_key[row.key].figure
        if figure.breakdowns:
            for dimension, breakdown in figure.breakdowns.items():
                label = _("%(dimension)s（部分）") % {"dimension": dimension} if breakdown.partial else dimension
                lines.append(f"    {label}")
                for name, published in breakdown.parts.items():
                    text = figure_text(published.value, figure.unit, published.qualifier)
                    lines.append("      " + _("%(label)s：%(text)s") % {"label": name, "text": text})
        for part in row.parts:
            lines.append("    " + _("%(label)s：%(text)s") % {"label": part.label, "text": part.text})
        for other in figure.alternatives or []:
            value = figure_text(other["value"], figure.unit, other.get("qualifier", ""))
            lines.append(
                "    " + _("另一出处：%(value)s %(citation)s") % {"value": value, "citation": other.get("citation", "")}
            )
    names = _indicator_names(section)
    for key, parts in section.report.parts_only.items():
        lines.append("  " + _("%(name)s（未公布总数）") % {"name": names.get(key, key)})
        for dimension, breakdown in parts["breakdowns"].items():
            for name, part in breakdown["parts"].items():
                text = figure_text(part["value"], parts["unit"], part.get("qualifier", ""))
                lines.append("    " + _("%(label)s：%(text)s") % {"label": f"{dimension} / {name}", "text": text})
    for key, derived in section.report.derived.items():
        value = figure_text(derived["value"], derived["unit"])
        lines.append("  " + _("%(name)s：%(value)s（推算，非公布数）") % {"name": names.get(key, key), "value": value})
    for warning in page.warnings:
        lines.append(f"  ! {warning}")
    lines.append("")
    return lines


def report_text(book: ReportBook) -> str:
    program = book.program
    name = pick(program.name_zh, program.name_en)
    lines = [_("%(name)s · %(years)s 年度报告") % {"name": name, "years": book.years_label}]
    if book.locked:
        lines.append(_("本年度数据已核定锁定"))
    lines += ["", book.narrative_en if is_english() else book.narrative_zh, ""]
    for section in book.sections:
        lines += _section_lines(section)
    return "\n".join(lines)
