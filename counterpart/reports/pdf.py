"""The report as a PDF in one language (the active one), that renders Chinese text.

A CJK TrueType font is embedded (subset) when one is found: COUNTERPART_PDF_FONT names it, or a
common system font is used (WenQuanYi on Debian — package fonts-wqy-microhei —, SimSun or
Microsoft YaHei on Windows). Without one, ReportLab's built-in STSong-Light CID font is used:
not embedded, it still extracts as text and shows in readers with Chinese fonts.
"""

import io
import os
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from counterpart.core.language import is_english, pick

from .book import ReportBook, Section
from .page import page_section

CANDIDATE_FONTS = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simsun.ttc",
]
_registered: str | None = None


def pdf_font() -> str:
    """Register and return the name of the font used for Chinese text."""
    global _registered
    if _registered:
        return _registered
    configured = os.environ.get("COUNTERPART_PDF_FONT")
    for candidate in ([configured] if configured else []) + CANDIDATE_FONTS:
        if candidate and Path(candidate).exists():
            pdfmetrics.registerFont(TTFont("CounterpartCJK", candidate, subfontIndex=0))
            _registered = "CounterpartCJK"
            return _registered
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    _registered = "STSong-Light"
    return _registered


def _section_table(section: Section, font: str, style: ParagraphStyle) -> Table:
    page = page_section(section, signed_in=False)
    data: list[list[object]] = [[_("指标"), _("数值"), _("来源"), _("上年"), _("目标")]]
    for row in page.rows:
        value = row.text
        if row.records:
            value += "<br/><font size=7>" + escape(_("登记记录 %(records)s") % {"records": row.records}) + "</font>"
        target = f"{row.target} ({row.attainment})" if row.target and row.attainment else row.target
        data.append(
            [
                Paragraph(escape(row.name), style),
                Paragraph(value if row.records else escape(value), style),
                Paragraph(escape(row.source), style),
                Paragraph(escape(row.previous), style),
                Paragraph(escape(target), style),
            ]
        )
    # Each column wide enough for its words: a value's unit never runs into the source beside it.
    table = Table(data, colWidths=[58 * mm, 40 * mm, 22 * mm, 30 * mm, 30 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 8),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F2DCDB")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey),
            ]
        )
    )
    return table


def report_pdf(book: ReportBook) -> bytes:
    """The report in the active language (the page's, or ``counterpart report --language``)."""
    font = pdf_font()
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, wordWrap="CJK")
    heading = ParagraphStyle("heading", fontName=font, fontSize=12, leading=18, spaceBefore=8, wordWrap="CJK")
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=15, alignment=TA_LEFT, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    program = book.program
    english = is_english()
    name = pick(program.name_zh, program.name_en)
    heading_text = _("%(name)s · %(years)s 年度报告") % {"name": name, "years": book.years_label}
    story: list[object] = [
        Paragraph(escape(heading_text), title),
        Spacer(1, 4 * mm),
        Paragraph(escape(book.narrative_en if english else book.narrative_zh), body),
    ]
    if book.locked:
        story.append(Paragraph(escape(_("本年度数据已核定锁定")), body))
    for section in book.sections:
        page = page_section(section, signed_in=False, only=())
        story.append(Paragraph(escape(page.title), heading))
        story.append(_section_table(section, font, cell))
        for warning in page.warnings:
            story.append(Paragraph(escape(f"⚠ {warning}"), cell))
    output = io.BytesIO()
    document = SimpleDocTemplate(
        output,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=heading_text,
        author="Counterpart",
    )
    document.build(story)
    return output.getvalue()
