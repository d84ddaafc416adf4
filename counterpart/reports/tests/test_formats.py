"""The 2009 demo report in every format, opened and read back the way a user's tools would."""

import io
import json
from io import StringIO
from pathlib import Path

import openpyxl
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from pdfminer.high_level import extract_text

from counterpart.reports.book import report_book
from counterpart.reports.pdf import report_pdf
from counterpart.reports.xlsx import report_xlsx


def test_pdf_holds_the_chinese_program_name_and_the_figures(demo_program) -> None:
    pdf = report_pdf(report_book(demo_program, 2009))
    assert pdf.startswith(b"%PDF")
    text = extract_text(io.BytesIO(pdf))
    assert "青岛市—贵州省东西部扶贫协作" in text
    # figures as the yearbooks write them: 万/亿 with the Chinese unit and qualifier, never 16,400,000.00
    assert "1640万元" in text
    assert "1200万元" in text
    assert "5万余人" in text
    assert "16,400,000.00" not in text and "50,000余" not in text
    assert "152" in text


def test_xlsx_cells_hold_numbers_not_strings_in_one_language(demo_program) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(report_xlsx(report_book(demo_program, 2009))))
    assert workbook.sheetnames == ["概要", "全项目", "按受援地区", "按结对", "数据质量"]
    sheet = workbook["全项目"]
    assert sheet.freeze_panes == "B2"
    assert [cell.value for cell in sheet[1]][:6] == ["指标", "代码", "数值", "计量单位", "限定", "来源"]
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    fiscal = rows["fiscal_aid"][2]
    assert fiscal.value == 16_400_000 and isinstance(fiscal.value, int)
    assert fiscal.number_format == "#,##0.00"
    assert rows["fiscal_aid"][0].value == "财政援助资金" and rows["fiscal_aid"][3].value == "元"
    assert rows["projects"][2].value == 152
    beneficiaries = [cell.value for cell in rows["beneficiaries"][2:6]]
    assert beneficiaries == [50_000, "人", "余", "上报数"]
    # and in English, the same numbers under English words
    with translation.override("en"):
        english = openpyxl.load_workbook(io.BytesIO(report_xlsx(report_book(demo_program, 2009))))
    assert english.sheetnames == ["Summary", "Whole program", "By area", "By pairing", "Data quality"]
    rows = {row[1].value: row for row in english["Whole program"].iter_rows(min_row=2)}
    assert [cell.value for cell in rows["beneficiaries"][2:6]] == [50_000, "persons", "more than", "reported"]
    texts = [cell.value for ws in english for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert not [text for text in texts if "上报数" in text or "资金台账" in text or "年度报告" in text]


def test_report_command_writes_every_format(demo_program, tmp_path: Path) -> None:
    for kind in ("xlsx", "pdf", "html", "text", "json"):
        target = tmp_path / f"r.{kind}"
        call_command(
            "report",
            "--program",
            "qingdao-guizhou",
            "--year",
            "2009",
            "--format",
            kind,
            "--output",
            str(target),
            stdout=StringIO(),
        )
        assert target.stat().st_size > 1000, kind
    assert json.loads((tmp_path / "r.json").read_text())["indicators"]["projects"]["value"] == 152
    standalone = (tmp_path / "r.html").read_text()
    assert "<table" in standalone and "/app/" not in standalone and 'data-section="' not in standalone


def test_report_page_and_its_downloads(demo_program) -> None:
    client = Client()
    page = client.get("/programs/qingdao-guizhou/report/2009/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "直接受益贫困人口" in html and "5万余人" in html and "安顺市" in html
    assert "50,000余" not in html and "100,000,000.00余" not in html
    assert client.get("/programs/qingdao-guizhou/report/2009/?format=xlsx")["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    assert client.get("/programs/qingdao-guizhou/report/2009/?format=pdf").content.startswith(b"%PDF")
    data = client.get("/programs/qingdao-guizhou/report/1997/?to=2009&format=json").json()
    assert data["indicators"]["total_support"]["value"] == 1_000_000_000
