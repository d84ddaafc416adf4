"""The report as a PDF that renders Chinese text.

A CJK TrueType font is embedded (subset) when one is found: COUNTERPART_PDF_FONT names it, or a
common system font is used (WenQuanYi on Debian — package fonts-wqy-microhei —, SimSun or
Microsoft YaHei on Windows). Without one, ReportLab's built-in STSong-Light CID font is used:
not embedded, it still extracts as text and shows in readers with Chinese fonts.
"""

import io
import os
from decimal import Decimal
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from counterpart.core.numbers import figure_text

from .book import ReportBook, Section

CANDIDATE_FONTS = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simsun.ttc",
]
SOURCE_ZH = {"ledger": "资金台账", "projects": "项目库", "registry": "登记记录", "reported": "上报数"}
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


def _value(value: Decimal | int, unit: str, qualifier: str = "") -> str:
    return figure_text(value, unit, qualifier, language="zh-hans")


def _section_table(section: Section, font: str, style: ParagraphStyle) -> Table:
    data: list[list[object]] = [["指标 Indicator", "数值 Value", "来源 Source", "上年 Prev.", "目标 Target"]]
    for row in section.rows:
        figure = row.figure
        data.append(
            [
                Paragraph(f"{row.name_zh}<br/><font size=7>{row.name_en}</font>", style),
                Paragraph(_value(figure.value, figure.unit, figure.qualifier), style),
                SOURCE_ZH.get(figure.source, figure.source),
                _value(row.previous.value, figure.unit) if row.previous else "",
                _value(row.target, figure.unit) if row.target is not None else "",
            ]
        )
    table = Table(data, colWidths=[66 * mm, 34 * mm, 24 * mm, 28 * mm, 28 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 8),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F2DCDB")),
                ("ALIGN", (1, 1), (1, -1), "RIGHT"),
                ("ALIGN", (3, 1), (4, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey),
            ]
        )
    )
    return table


def report_pdf(book: ReportBook) -> bytes:
    font = pdf_font()
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, wordWrap="CJK")
    heading = ParagraphStyle("heading", fontName=font, fontSize=12, leading=18, spaceBefore=8, wordWrap="CJK")
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=15, alignment=TA_LEFT, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    program = book.program
    story: list[object] = [
        Paragraph(f"{program.name_zh}　{book.years_label}年度报告", title),
        Paragraph(f"{program.name_en} — report {book.years_label}", body),
        Spacer(1, 4 * mm),
        Paragraph(book.narrative_zh, body),
        Spacer(1, 2 * mm),
        Paragraph(book.narrative_en, body),
    ]
    if book.locked:
        story.append(Paragraph("本年度数据已核定锁定。The year's figures are certified and locked.", body))
    for section in book.sections:
        story.append(Paragraph(f"{section.title_zh}　{section.title_en}", heading))
        story.append(_section_table(section, font, cell))
        for warning in section.warnings:
            story.append(Paragraph(f"⚠ {warning.key}：{warning.message_zh}", cell))
    output = io.BytesIO()
    document = SimpleDocTemplate(
        output,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"{program.name_zh} {book.years_label}",
        author="Counterpart",
    )
    document.build(story)
    return output.getvalue()
