"""The final scorecard of an assessment, as a workbook (numbers as numbers) and as a PDF (the report's
Chinese font, ``reports.pdf.pdf_font``), in the language of the request. Read from the locked
assessment: its six areas' scores, its figures with the recipient side's verdicts, who signed each step.
"""

import io
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from counterpart.core.numbers import unit_text
from counterpart.indicators.models import Assessment, AssessmentArea

from .pdf import pdf_font


def _area_label(area: str) -> str:
    return str(AssessmentArea(area).label)  # a choice label, in the active language


@dataclass(frozen=True)
class Card:
    title: str
    scores: list[tuple[str, Decimal | None, Decimal | None, str]]  # area, self, final, evidence
    figures: list[tuple[str, Decimal, str, str, str]]  # indicator, value, unit, verdict, comment
    signed: list[tuple[str, str, str]]  # step, who, when
    notes: list[tuple[str, str]]
    evidence: list[tuple[str, str, str]]  # area (or the whole), file name, caption


def _when(moment: object) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""  # type: ignore[arg-type]


def scorecard_of(assessment: Assessment) -> Card:
    scores = [(_area_label(s.area), s.self_score, s.final_score, s.self_comment) for s in assessment.scores.all()]
    figures = [
        (
            f.indicator.name(),
            f.value,
            unit_text(f.unit),  # the unit as core/numbers.py writes it in the page's language
            str(f.get_verdict_display()) if f.verdict else "",
            f.verdict_comment,
        )
        for f in assessment.figures.select_related("indicator").order_by("indicator__key")
    ]
    a = assessment
    signed = [
        (_("帮扶方自评"), a.self_assessed_by, _when(a.self_assessed_at)),
        (_("受援方确认数据"), a.commented_by, _when(a.commented_at)),
        (_("协作办报送"), a.submitted_by, _when(a.submitted_at)),
        (_("审核人交叉核查"), a.cross_checked_by, _when(a.cross_checked_at)),
        (_("审核人定稿"), a.finalised_by, _when(a.finalised_at)),
    ]
    notes = [
        (_("自评报告"), a.self_assessment),
        (_("受援方意见"), a.recipient_comment),
        (_("核查意见"), a.cross_check_notes),
    ]
    evidence = [
        (_area_label(e.area) if e.area else _("（全部）"), e.file_name, e.caption)
        for e in a.evidence.order_by("uploaded_at", "id")
    ]
    title = _("%(pairing)s %(year)s 年度考核结果") % {"pairing": a.pairing, "year": a.year}
    return Card(title=title, scores=scores, figures=figures, signed=signed, notes=notes, evidence=evidence)


FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def scorecard_file(assessment: Assessment, file_format: str) -> tuple[bytes, str, str]:
    """The scorecard as ``file_format`` (one of FORMATS): its bytes, content type and file name."""
    content = scorecard_xlsx(assessment) if file_format == "xlsx" else scorecard_pdf(assessment)
    return content, FORMATS[file_format], f"scorecard-{assessment.pairing_id}-{assessment.year}.{file_format}"


def _number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def scorecard_xlsx(assessment: Assessment) -> bytes:
    card = scorecard_of(assessment)
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet(_("考核结果")[:31])
    sheet.write(0, 0, card.title, bold)
    row = 2
    sheet.write_row(row, 0, [_("考核领域"), _("自评得分"), _("核定得分"), _("佐证材料")], bold)
    for area, own, final, evidence in card.scores:
        row += 1
        sheet.write(row, 0, area)
        for column, score in ((1, _number(own)), (2, _number(final))):
            if score is None:
                sheet.write_blank(row, column, None)
            else:
                sheet.write_number(row, column, score)
        sheet.write(row, 3, evidence)
    row += 2
    sheet.write_row(row, 0, [_("指标"), _("数值"), _("单位"), _("受援方确认"), _("异议理由")], bold)
    for name, amount, unit, verdict, comment in card.figures:
        row += 1
        sheet.write(row, 0, name)
        sheet.write_number(row, 1, _number(amount) or 0)
        sheet.write_row(row, 2, [unit, verdict, comment])
    row += 2
    sheet.write_row(row, 0, [_("步骤"), _("经办人"), _("时间")], bold)
    for step in card.signed:
        row += 1
        sheet.write_row(row, 0, list(step))
    row += 1
    for label, text in card.notes:
        row += 1
        sheet.write(row, 0, label, bold)
        sheet.write(row, 1, text)
    if card.evidence:
        row += 2
        sheet.write_row(row, 0, [_("考核领域"), _("佐证文件"), _("说明")], bold)
        for line in card.evidence:
            row += 1
            sheet.write_row(row, 0, list(line))
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 2, 12)
    sheet.set_column(3, 4, 40)
    book.close()
    return output.getvalue()


def _table(data: list[list[object]], widths: list[float], font: str, right: tuple[int, ...] = ()) -> Table:
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    commands = [
        ("FONT", (0, 0), (-1, -1), font, 8),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F2DCDB")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    commands += [("ALIGN", (column, 1), (column, -1), "RIGHT") for column in right]
    table.setStyle(TableStyle(commands))
    return table


def _text(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def scorecard_pdf(assessment: Assessment) -> bytes:
    card = scorecard_of(assessment)
    font = pdf_font()
    title = ParagraphStyle("title", fontName=font, fontSize=14, leading=18, spaceAfter=6)
    body = ParagraphStyle("body", fontName=font, fontSize=8, leading=11)
    output = io.BytesIO()
    document = SimpleDocTemplate(output, pagesize=A4, title=card.title, leftMargin=15 * mm, rightMargin=15 * mm)
    scores: list[list[object]] = [[_("考核领域"), _("自评得分"), _("核定得分"), _("佐证材料")]]
    scores += [
        [a, _text(own), _text(final), Paragraph(escape(evidence), body)] for a, own, final, evidence in card.scores
    ]
    figures: list[list[object]] = [[_("指标"), _("数值"), _("单位"), _("受援方确认"), _("异议理由")]]
    figures += [
        [Paragraph(escape(n), body), f"{v.normalize():,f}", u, verdict, Paragraph(escape(c), body)]
        for n, v, u, verdict, c in card.figures
    ]
    signed: list[list[object]] = [[_("步骤"), _("经办人"), _("时间")], *[list[object](s) for s in card.signed]]
    story: list[object] = [
        Paragraph(escape(card.title), title),
        _table(scores, [48, 20, 20, 92], font, right=(1, 2)),
        Spacer(1, 6 * mm),
        _table(figures, [55, 30, 20, 25, 50], font, right=(1,)),
        Spacer(1, 6 * mm),
        _table(signed, [50, 60, 40], font),
        Spacer(1, 4 * mm),
    ]
    for label, text in card.notes:
        if text:
            story.append(Paragraph(f"<b>{escape(label)}</b>：{escape(text)}", body))
    if card.evidence:
        files: list[list[object]] = [[_("考核领域"), _("佐证文件"), _("说明")]]
        files += [[a, Paragraph(escape(n), body), Paragraph(escape(c), body)] for a, n, c in card.evidence]
        story += [Spacer(1, 4 * mm), _table(files, [48, 70, 62], font)]
    document.build(story)
    return output.getvalue()
