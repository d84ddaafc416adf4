"""A workbook of several kinds uploaded on the import page: queued, loaded by the worker all or nothing."""

import io

import openpyxl
import pytest
import xlsxwriter

from counterpart.core.audit import Actor
from counterpart.indicators.models import ReportedValue
from counterpart.intake.models import BatchStatus, ImportBatch
from counterpart.intake.services import batch_run
from counterpart.registry.models import Pairing, Program

from .conftest import World, client_as, uploaded

pytestmark = pytest.mark.django_db

# A new program (the office may create one; its pairings and figures are then the policy's to grant), and a
# pairing and figures of the office's own program, the pair's own among them.
SHEETS = [
    ("协作项目", [["项目标识", "项目名称", "帮扶方区划", "起始年"], ["wb-web", "青岛—贵州（二期）", "3702", "2021"]]),
    (
        "结对关系",
        [["协作项目", "结对层级", "帮扶方区划", "受援方区划"], ["qd-gz", "区—县", "370203", "520422"]],
    ),
    (
        "上报指标数",
        [
            ["协作项目", "指标代码", "年度", "结对", "数值", "单位"],
            ["qd-gz", "fiscal_aid", "2011", "", "300", "万元"],
            ["qd-gz", "road_km", "2011", "市北区→普定县", "8", "公里"],
        ],
    ),
]


def _workbook(sheets) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name, rows in sheets:
        sheet = workbook.add_worksheet(name)
        for number, row in enumerate(rows):
            sheet.write_row(number, 0, row)
    workbook.close()
    return buffer.getvalue()


def test_a_workbook_uploaded_on_the_import_page_loads_every_sheet(world: World) -> None:
    client = client_as(world, "program_office")
    page = client.get("/app/imports/").content.decode()
    assert 'value="workbook"' in page and "/app/imports/templates/workbook.xlsx" in page
    # when the office uploads one workbook (no kind chosen) and the worker runs it
    response = client.post("/app/imports/", {"file": uploaded("record.xlsx", _workbook(SHEETS))})
    batch = ImportBatch.objects.get(created_by_label="program_office")
    assert (response.status_code, batch.kind) == (302, "workbook")
    assert batch_run(Actor.of(world.users["program_office"]), batch).ok
    # then the program, the pairing and the figures (the pair's own among them) are in
    assert Program.objects.filter(slug="wb-web").exists()
    pairing = Pairing.objects.get(program=world.ours, donor_area_id="370203", recipient_area_id="520422")
    assert ReportedValue.objects.get(program=world.ours, pairing=pairing).indicator_key == "road_km"
    assert ReportedValue.objects.get(program=world.ours, indicator_key="fiscal_aid", year=2011).value == 3_000_000
    detail = client.get(f"/app/imports/{batch.pk}/").content.decode()
    assert "多类数据工作簿" in detail and "新增 4" in detail


def test_a_bad_row_in_a_later_sheet_refuses_the_uploaded_workbook(world: World) -> None:
    client = client_as(world, "program_office")
    bad = [*SHEETS[:2], ("上报指标数", [SHEETS[2][1][0], ["qd-gz", "fiscal_aid", "2011", "", "三百", "万元"]])]
    client.post("/app/imports/", {"file": uploaded("bad.xlsx", _workbook(bad)), "kind": "workbook"})
    batch = ImportBatch.objects.get(created_by_label="program_office")
    assert batch_run(Actor.system("t"), batch).batch.status == BatchStatus.INVALID
    assert not Program.objects.filter(slug="wb-web").exists()
    assert not Pairing.objects.filter(donor_area_id="370203", recipient_area_id="520422").exists()
    page = client.get(f"/app/imports/{batch.pk}/").content.decode()
    assert "工作表“上报指标数”第 2 行“数值”列，值“三百”" in page
    errors = openpyxl.load_workbook(io.BytesIO(client.get(f"/app/imports/{batch.pk}/errors.xlsx").content))
    assert errors.sheetnames == ["协作项目", "结对关系", "上报指标数"]


def test_the_workbook_template_downloads_in_the_pages_language(world: World) -> None:
    client = client_as(world, "program_office")
    response = client.get("/app/imports/templates/workbook.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["协作项目", "结对关系", "上报指标数", "lists", "说明 instructions"]
    from django.utils import translation

    client.post("/i18n/setlang/", {"language": "en", "next": "/app/imports/"})
    try:
        assert "Workbook of several kinds" in client.get("/app/imports/").content.decode()
        english = client.get("/app/imports/templates/workbook.xlsx")
        assert openpyxl.load_workbook(io.BytesIO(english.content)).sheetnames[:3] == [
            "Programs",
            "Pairings",
            "Reported indicator values",
        ]
    finally:
        translation.activate("zh-hans")  # the locale middleware leaves the request's language active


def test_a_county_may_not_upload_a_workbook_with_a_kind_it_may_not_import(world: World) -> None:
    county = client_as(world, "recipient_office")
    page = county.get("/app/imports/").content.decode()
    assert "/app/imports/templates/workbook.xlsx" not in page  # it may import none of the record's kinds
    assert county.get("/app/imports/templates/workbook.xlsx").status_code == 404
    households = [["户编号", "所在村区划代码", "主要致贫原因", "识别年度"], ["W-H1", "520422100201", "illness", "2009"]]
    refused = county.post(
        "/app/imports/", {"file": uploaded("mixed.xlsx", _workbook([("贫困户", households), SHEETS[0]]))}
    )
    assert "“协作项目”不在您可以导入的数据类型中" in refused.content.decode()
    assert not ImportBatch.objects.filter(created_by_label="recipient_office").exists()
