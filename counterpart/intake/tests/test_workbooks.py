"""A workbook of several kinds, one sheet each, loaded by one `counterpart import`, all or nothing."""

import io
import json
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from django.core.management import call_command
from django.core.management.base import CommandError

from counterpart.core.models import AuditEvent
from counterpart.indicators.models import ReportedValue
from counterpart.intake.kinds import Kind, kind_get, kinds_in_dependency_order
from counterpart.intake.models import BatchStatus, ImportBatch
from counterpart.intake.services import import_file
from counterpart.intake.validation import FileRejected
from counterpart.registry.models import Pairing, Program

PROGRAMS = [
    ["项目标识", "项目名称", "帮扶方区划", "起始年"],
    ["wb-qd", "青岛—安顺（工作簿）", "3702", "2009"],
]
PAIRINGS = [
    ["协作项目", "结对层级", "帮扶方区划", "受援方区划", "开始日期"],
    ["wb-qd", "区—县", "370202", "520422", ""],  # the page does not say when the pair began
]
VALUES = [
    ["协作项目", "指标代码", "年度", "区划代码", "结对", "数值", "单位", "限定词", "出处"],
    ["wb-qd", "fiscal_aid", "2010", "", "", "1640", "万元", "", "年鉴 2011"],
    ["wb-qd", "beneficiaries", "2010", "520422", "", "50000", "人", "余", "年鉴 2011"],
    ["wb-qd", "road_km", "2010", "", "市南区→普定县", "12.5", "公里", "", "年鉴 2011"],
]


def _workbook(path: Path, sheets: Sequence[tuple[str, Sequence[Sequence[object]]]]) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    for name, rows in sheets:
        sheet = workbook.add_worksheet(name)
        for number, row in enumerate(rows):
            sheet.write_row(number, 0, row)
    workbook.close()
    return path


def _report(program: str, year: int) -> dict:
    out = io.StringIO()
    call_command("report", program=program, year=year, format="json", stdout=out)
    return json.loads(out.getvalue())


def test_one_workbook_loads_programs_pairings_and_figures_at_every_level(areas, tmp_path) -> None:
    # given one workbook holding the figures first, then the pairings, then the programs they name
    # (sheets named by a kind's Chinese name, its key and its English name)
    path = _workbook(tmp_path / "record.xlsx", [("上报指标数", VALUES), ("pairings", PAIRINGS), ("Programs", PROGRAMS)])
    # when it is imported with one command and no kind
    out = io.StringIO()
    call_command("intake_import", str(path), stdout=out)
    # then the program, its pairing (start not stated) and every figure are in, counted as one batch
    assert "workbook: 5 rows" in out.getvalue() and "5 new" in out.getvalue()
    assert ImportBatch.objects.get().kind == "workbook"
    pairing = Pairing.objects.get(program__slug="wb-qd")
    assert not pairing.start_stated
    # and the figures come back out of the report: program-wide, the county's and the pair's own
    report = _report("wb-qd", 2010)
    assert report["indicators"]["fiscal_aid"]["value"] == 16_400_000
    county = report["areas"]["520422"]["indicators"]["beneficiaries"]
    assert (county["value"], county["qualifier"]) == (50_000, "more_than")
    [pair] = report["pairings"].values()
    assert pair["indicators"]["road_km"]["value"] == 12.5
    # and each sheet's rows went through their kind's actions, each sheet audited as its kind's import
    assert set(AuditEvent.objects.filter(action="intake.import").values_list("object_type", flat=True)) == {
        "intake.programs",
        "intake.pairings",
        "intake.reported_values",
    }
    # and the same file again changes nothing
    again = io.StringIO()
    call_command("intake_import", str(path), "--kind=workbook", stdout=again)
    assert "already imported" in again.getvalue()


def test_the_load_order_comes_from_the_kinds_declared_dependencies() -> None:
    kinds = [kind_get(key) for key in ("reported_values", "ledger", "pairings", "projects", "programs")]
    order = [kind.key for kind in kinds_in_dependency_order(kinds)]
    assert order.index("programs") < order.index("pairings") < order.index("reported_values")
    assert order.index("projects") < order.index("ledger")

    class Circular(Kind):
        key, depends_on = "circular", ("circular_too",)

    class CircularToo(Kind):
        key, depends_on = "circular_too", ("circular",)

    with pytest.raises(ValueError, match="cycle"):
        kinds_in_dependency_order([Circular(), CircularToo()])


def test_a_bad_row_in_the_third_sheet_leaves_the_first_two_unwritten(areas, actor, tmp_path) -> None:
    # given a workbook whose figures sheet has a value that is not a number on its third row
    bad = [*VALUES[:2], ["wb-qd", "beneficiaries", "2010", "520422", "", "五万", "人", "", "年鉴"]]
    path = _workbook(tmp_path / "bad.xlsx", [("协作项目", PROGRAMS), ("结对关系", PAIRINGS), ("上报指标数", bad)])
    # when it is imported
    result = import_file(actor=actor, path=path)
    # then nothing of any sheet is written, and the error names the sheet, row, column and value
    assert result.batch.status == BatchStatus.INVALID
    assert not Program.objects.filter(slug="wb-qd").exists()
    assert not Pairing.objects.exists() and not ReportedValue.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["intake.import", "program.create"]).exists()
    [error] = result.errors
    assert (error.sheet, error.row, error.column, error.value) == ("上报指标数", 3, "数值", "五万")
    assert error.text("zh") == "工作表“上报指标数”第 3 行“数值”列，值“五万”：不是有效的数字"
    assert error.text("en") == "sheet “上报指标数”, row 3, column “Value”, value “五万”: not a number"
    # and the command says so in the language asked for
    with pytest.raises(CommandError):
        err = io.StringIO()
        call_command("intake_import", str(path), "--language=en", stdout=io.StringIO(), stderr=err)
    assert "row 3, column “Value”" in err.getvalue()


def test_a_sheet_that_refers_to_a_refused_sheet_is_not_checked_and_says_why(areas, actor, tmp_path) -> None:
    programs = [PROGRAMS[0], ["wb-qd", "青岛—安顺", "3702", "二〇〇九"]]
    path = _workbook(tmp_path / "bad.xlsx", [("协作项目", programs), ("结对关系", PAIRINGS)])
    result = import_file(actor=actor, path=path)
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("协作项目", 2, "起始年"), ("结对关系", 1, "")]
    assert "协作项目" in result.errors[1].message_zh and "not checked" in result.errors[1].message_en


def test_an_unknown_sheet_name_is_refused_listing_the_names_accepted(areas, actor, tmp_path) -> None:
    path = _workbook(tmp_path / "odd.xlsx", [("协作项目", PROGRAMS), ("Sheet2", PAIRINGS)])
    with pytest.raises(FileRejected) as refused:
        import_file(actor=actor, path=path, kind="workbook")
    assert "“Sheet2”" in refused.value.message_zh and "结对关系（pairings）" in refused.value.message_zh
    assert "pairings (Pairings)" in refused.value.message_en and "reported_values" in refused.value.message_en
    assert not Program.objects.filter(slug="wb-qd").exists()
    # the command line names them too
    with pytest.raises(CommandError, match="Sheet2"):
        call_command("intake_import", str(path), "--kind=workbook", stdout=io.StringIO())


def test_a_dry_run_checks_each_sheet_against_the_earlier_ones_and_writes_nothing(areas, actor, tmp_path) -> None:
    path = _workbook(tmp_path / "record.xlsx", [("协作项目", PROGRAMS), ("结对关系", PAIRINGS), ("上报指标数", VALUES)])
    result = import_file(actor=actor, path=path, dry_run=True)
    assert result.ok, [e.text("en") for e in result.errors]
    assert (result.batch.rows_total, result.batch.rows_new) == (5, 5)
    assert not Program.objects.filter(slug="wb-qd").exists() and not ReportedValue.objects.exists()


def test_the_workbook_template_has_a_sheet_per_kind_and_imports_once_filled(areas, actor, tmp_path) -> None:
    # given the template of the published record's workbook
    path = tmp_path / "template.xlsx"
    call_command("intake_template", "workbook", f"--output={path}", stdout=io.StringIO())
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["协作项目", "结对关系", "上报指标数", "lists", "说明 instructions"]
    # when a clerk fills it in (the template's own headers) and imports it
    for name, rows in (("协作项目", PROGRAMS), ("结对关系", PAIRINGS), ("上报指标数", VALUES)):
        sheet = book[name]
        headers = [cell.value for cell in sheet[1]]
        for row in rows[1:]:
            sheet.append([dict(zip(rows[0], row, strict=True)).get(header, "") for header in headers])
    book.save(path)
    result = import_file(actor=actor, path=path)
    # then it loads, lists and instructions passed over
    assert result.ok, [e.text("en") for e in result.errors]
    assert ReportedValue.objects.filter(program__slug="wb-qd").count() == 3
    # and the English template names its sheets in English
    english = tmp_path / "english.xlsx"
    call_command("intake_template", "workbook", f"--output={english}", "--language=en", stdout=io.StringIO())
    assert openpyxl.load_workbook(english).sheetnames[:3] == ["Programs", "Pairings", "Reported indicator values"]


def test_an_errors_workbook_keeps_each_sheet_under_its_name(areas, tmp_path) -> None:
    bad = [*VALUES[:2], ["wb-qd", "beneficiaries", "2010", "520422", "", "五万", "人", "", "年鉴"]]
    path = _workbook(tmp_path / "bad.xlsx", [("协作项目", PROGRAMS), ("上报指标数", bad)])
    errors = tmp_path / "errors.xlsx"
    with pytest.raises(CommandError):
        call_command("intake_import", str(path), f"--errors={errors}", stdout=io.StringIO(), stderr=io.StringIO())
    book = openpyxl.load_workbook(errors)
    assert book.sheetnames == ["协作项目", "上报指标数"]
    cells = [str(c) for row in book["上报指标数"].iter_rows(values_only=True) for c in row if c]
    assert any("五万" in c and "不是有效的数字" in c for c in cells)


def test_a_sheet_missing_a_required_column_refuses_the_workbook_naming_the_sheet(areas, actor, tmp_path) -> None:
    no_value = [[cell for cell in row if cell != "数值"] for row in VALUES[:1]]
    path = _workbook(tmp_path / "bad.xlsx", [("协作项目", PROGRAMS), ("上报指标数", no_value)])
    result = import_file(actor=actor, path=path)
    [error] = result.errors
    assert (error.sheet, error.row, error.message_en) == ("上报指标数", 1, "missing required columns: Value")
    assert result.batch.rows_total == 1 and not Program.objects.filter(slug="wb-qd").exists()
