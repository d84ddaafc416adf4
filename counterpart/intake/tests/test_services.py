import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from counterpart.core.models import AuditEvent
from counterpart.funds.models import LedgerTransaction
from counterpart.funds.services import ledger_commit
from counterpart.indicators.models import ReportedValue
from counterpart.intake.exporters import errors_workbook_write
from counterpart.intake.kinds import kind_get
from counterpart.intake.models import BatchStatus, ImportBatch
from counterpart.intake.readers import file_inspect
from counterpart.intake.services import import_file
from counterpart.projects.models import Project, ProjectTransition

from .conftest import PROJECT_HEADER, project_rows

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_projects_load_from_csv_in_each_encoding(program, actor, write_csv, encoding):
    # given
    path = write_csv("projects.csv", [PROJECT_HEADER, *project_rows(3)], encoding=encoding)
    # when
    result = import_file(actor=actor, path=path, kind="projects")
    # then
    assert result.ok, result.errors
    assert list(Project.objects.order_by("code").values_list("code", "title_zh", "budget_fen")) == [
        ("P-00001", "饮水工程1", 100050),
        ("P-00002", "饮水工程2", 200050),
        ("P-00003", "饮水工程3", 300050),
    ]
    assert ProjectTransition.objects.filter(to_status="proposed").count() == 3
    assert AuditEvent.objects.filter(action="project.propose_bulk").count() == 1
    assert AuditEvent.objects.filter(action="intake.import").count() == 1


def test_projects_load_from_xlsx_with_english_headers_and_numeric_cells(program, actor, write_xlsx):
    # given: numbers typed as numbers, as Excel stores them (floats), the area code too
    header = ["Program", "Project code", "Title (Chinese)", "Category", "Recipient area code", "Year", "Budget (yuan)"]
    path = write_xlsx("projects.xlsx", [header, ["qd-gz", "P-1", "道路", "village_road", 520422, 2009, 16400000.0]])
    # when
    result = import_file(actor=actor, path=path)
    # then
    assert result.ok, result.errors
    assert result.batch.kind == "projects"
    assert Project.objects.get(code="P-1").budget_fen == 1_640_000_000


def test_one_bad_row_at_the_end_loads_nothing(program, actor, write_csv):
    # given
    rows = [PROJECT_HEADER, *project_rows(500)]
    rows.append(["qd-gz", "P-BAD", "坏行", "drinking_water", "520422", 2009, "12.345"])
    path = write_csv("projects.csv", rows)
    # when
    result = import_file(actor=actor, path=path, kind="projects")
    # then
    assert Project.objects.count() == 0
    assert result.batch.status == BatchStatus.INVALID
    [error] = result.errors
    assert (error.sheet, error.row, error.column, error.value) == ("projects.csv", 502, "预算（元）", "12.345")
    assert "两位小数" in error.message_zh and "two decimals" in error.message_en
    assert "第 502 行" in error.text("zh")
    assert "row 502" in error.text("en")


def test_domain_errors_name_the_column(program, actor, write_csv):
    # given: a year before the program began, a province as the place, an unknown category
    rows = [
        PROJECT_HEADER,
        ["qd-gz", "P-1", "旧", "drinking_water", "520422", 1990, "1"],
        ["qd-gz", "P-2", "省", "drinking_water", "52", 2009, "1"],
        ["qd-gz", "P-3", "类", "space_program", "520422", 2009, "1"],
        ["qd-gz", "P-4", "无地", "drinking_water", "520499", 2009, "1"],
        ["no-such", "P-5", "无项", "drinking_water", "520422", 2009, "1"],
    ]
    path = write_csv("projects.csv", rows)
    # when
    result = import_file(actor=actor, path=path, kind="projects")
    # then
    assert [(e.row, e.column, e.value) for e in result.errors] == [
        (2, "年度", "1990"),
        (3, "实施地点区划代码", "52"),
        (4, "项目类别", "space_program"),
        (5, "实施地点区划代码", "520499"),
        (6, "协作项目", "no-such"),
    ]
    assert Project.objects.count() == 0


def test_duplicate_keys_within_a_file_are_refused(program, actor, write_csv):
    path = write_csv("projects.csv", [PROJECT_HEADER, *project_rows(2), *project_rows(1)])
    result = import_file(actor=actor, path=path, kind="projects")
    assert [(e.row, e.message_en) for e in result.errors] == [
        (4, "duplicates an earlier row of the file (same natural key)")
    ]
    assert Project.objects.count() == 0


def test_the_same_file_twice_changes_nothing(program, actor, write_csv):
    # given
    path = write_csv("projects.csv", [PROJECT_HEADER, *project_rows(20)])
    first = import_file(actor=actor, path=path, kind="projects")
    events = AuditEvent.objects.count()
    # when
    second = import_file(actor=actor, path=path, kind="projects")
    # then
    assert first.ok and second.already_imported
    assert second.batch.pk == first.batch.pk
    assert Project.objects.count() == 20
    assert AuditEvent.objects.count() == events


def test_a_different_file_with_the_same_rows_is_all_unchanged(program, actor, write_csv, write_xlsx):
    import_file(actor=actor, path=write_csv("projects.csv", [PROJECT_HEADER, *project_rows(5)]), kind="projects")
    result = import_file(
        actor=actor, path=write_xlsx("projects.xlsx", [PROJECT_HEADER, *project_rows(5)]), kind="projects"
    )
    assert result.ok
    assert (result.batch.rows_new, result.batch.rows_changed, result.batch.rows_unchanged) == (0, 0, 5)
    assert Project.objects.count() == 5


def test_a_corrected_file_updates_instead_of_duplicating(program, actor, write_csv):
    # given
    import_file(actor=actor, path=write_csv("v1.csv", [PROJECT_HEADER, *project_rows(3)]), kind="projects")
    rows = project_rows(4)
    rows[1][2] = "饮水工程二期"
    rows[1][6] = "2500"
    # when
    result = import_file(actor=actor, path=write_csv("v2.csv", [PROJECT_HEADER, *rows]), kind="projects")
    # then
    assert result.ok, result.errors
    assert (result.batch.rows_new, result.batch.rows_changed, result.batch.rows_unchanged) == (1, 1, 2)
    changed = Project.objects.get(code="P-00002")
    assert (changed.title_zh, changed.budget_fen) == ("饮水工程二期", 250000)
    assert Project.objects.count() == 4
    assert AuditEvent.objects.filter(action="project.update", object_id=str(changed.pk)).count() == 1


def test_a_change_to_a_fixed_column_is_refused(program, actor, write_csv):
    import_file(actor=actor, path=write_csv("v1.csv", [PROJECT_HEADER, *project_rows(1)]), kind="projects")
    rows = project_rows(1)
    rows[0][5] = 2010
    result = import_file(actor=actor, path=write_csv("v2.csv", [PROJECT_HEADER, *rows]), kind="projects")
    assert [(e.row, e.column, e.value) for e in result.errors] == [(2, "年度", "2010")]
    assert Project.objects.get().year == 2009


def test_dry_run_counts_and_writes_nothing(program, actor, write_csv):
    path = write_csv("projects.csv", [PROJECT_HEADER, *project_rows(7)])
    result = import_file(actor=actor, path=path, kind="projects", dry_run=True)
    assert result.ok
    assert (result.batch.rows_total, result.batch.rows_new) == (7, 7)
    assert Project.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="project").exists()
    # a dry run does not make the real import a no-op
    assert import_file(actor=actor, path=path, kind="projects").batch.rows_new == 7


def test_errors_workbook_has_the_errors_beside_the_rows(program, actor, write_csv, tmp_path: Path):
    rows = [PROJECT_HEADER, *project_rows(2), ["qd-gz", "P-X", "", "drinking_water", "520422", 2009, "=1+1"]]
    path = write_csv("projects.csv", rows)
    result = import_file(actor=actor, path=path, kind="projects")
    out = tmp_path / "errors.xlsx"
    errors_workbook_write(file_inspect(path), kind_get("projects"), result.errors, out)
    sheet = load_workbook(out).active
    assert sheet is not None
    values = list(sheet.values)
    assert values[0][-1] == "错误 errors"
    assert values[1][-1] is None
    assert values[3][1] == "P-X"
    assert values[3][6] == "'=1+1"
    assert "项目名称" in values[3][-1] and "预算（元）" in values[3][-1]


LEDGER_HEADER = [
    "协作项目",
    "外部编号",
    "交易类型",
    "日期",
    "资金来源",
    "金额（元）",
    "受援地区区划代码",
    "所属承诺外部编号",
]
IN_KIND_HEADER = [*LEDGER_HEADER, "物资名称", "物资数量", "计量单位"]


def test_ledger_commitments_disbursements_and_in_kind(program, project, actor, write_csv):
    # given: a disbursement referring to a commitment earlier in the same file
    rows = [
        IN_KIND_HEADER,
        ["qd-gz", "QD-2009-001", "commitment", "2009-03-01", "fiscal_municipal", "1640万", "520422", "", "", "", ""],
        ["qd-gz", "QD-2009-002", "disbursement", "2009/4/1", "", "1000000", "", "QD-2009-001", "", "", ""],
        [
            "qd-gz",
            "QD-2009-003",
            "物资捐赠",
            "2009年5月1日",
            "社会帮扶",
            "120000.00",
            "520422",
            "",
            "衣被",
            "641000",
            "件",
        ],
    ]
    path = write_csv("ledger.csv", rows)
    # when
    result = import_file(actor=actor, path=path, kind="ledger")
    # then
    assert result.ok, result.errors
    by_ref = {t.external_ref: t for t in LedgerTransaction.objects.all()}
    assert by_ref["QD-2009-002"].commitment == by_ref["QD-2009-001"]
    assert by_ref["QD-2009-002"].date == datetime.date(2009, 4, 1)
    assert by_ref["QD-2009-003"].item_quantity == 641000
    assert sum(p.amount_fen for p in by_ref["QD-2009-001"].postings.all() if p.amount_fen > 0) == 1_640_000_000
    # re-import of the same rows in another file: nothing new
    again = import_file(actor=actor, path=write_csv("ledger-again.csv", rows, encoding="gb18030"), kind="ledger")
    assert again.ok and again.batch.rows_unchanged == 3
    assert LedgerTransaction.objects.count() == 3


def test_a_changed_ledger_transaction_asks_for_a_reversal(program, actor, write_csv):
    ledger_commit(
        actor=actor,
        program=program,
        date=datetime.date(2009, 3, 1),
        source="fiscal_municipal",
        amount_fen=100_00,
        external_ref="QD-1",
    )
    rows = [LEDGER_HEADER, ["qd-gz", "QD-1", "commitment", "2009-03-01", "fiscal_municipal", "200", "", ""]]
    result = import_file(actor=actor, path=write_csv("ledger.csv", rows), kind="ledger")
    [error] = result.errors
    assert (error.column, error.value) == ("金额（元）", "20000")
    assert "冲销" in error.message_zh
    assert LedgerTransaction.objects.count() == 1


def test_an_overdrawn_disbursement_loads_nothing(program, actor, write_csv):
    rows = [
        LEDGER_HEADER,
        ["qd-gz", "C-1", "commitment", "2009-03-01", "fiscal_municipal", "100", "520422", ""],
        ["qd-gz", "D-1", "disbursement", "2009-04-01", "", "150", "", "C-1"],
    ]
    result = import_file(actor=actor, path=write_csv("ledger.csv", rows), kind="ledger")
    [error] = result.errors
    assert (error.row, error.column) == (3, "金额（元）")
    assert LedgerTransaction.objects.count() == 0


def test_reported_values_load_and_update(program, actor, write_csv):
    header: list[object] = ["协作项目", "指标代码", "年度", "数值", "限定词", "出处"]
    rows: list[list[object]] = [header, ["qd-gz", "beneficiaries", 2009, "50000", "more_than", "年鉴 2010"]]
    assert import_file(actor=actor, path=write_csv("v1.csv", rows), kind="reported_values").ok
    rows[1][3] = "52000"
    result = import_file(actor=actor, path=write_csv("v2.csv", rows), kind="reported_values")
    assert result.ok and result.batch.rows_changed == 1
    value = ReportedValue.objects.get()
    assert (value.value, value.qualifier) == (52000, "more_than")


def test_import_batches_are_recorded(program, actor, write_csv):
    import_file(actor=actor, path=write_csv("projects.csv", [PROJECT_HEADER, *project_rows(2)]), kind="projects")
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.rows_total, batch.rows_done, batch.created_by_label) == ("done", 2, 2, "test")
    assert len(batch.file_sha256) == 64


def test_a_refused_unit_names_the_accepted_spellings_or_the_right_key(program, actor, write_csv):
    header: list[object] = ["协作项目", "指标代码", "年度", "数值", "单位"]
    rows: list[list[object]] = [
        header,
        ["qd-gz", "cadres_trained", 2011, "4686", "person-times"],
        ["qd-gz", "road_km", 2011, "69", "miles"],
        ["qd-gz", "fiscal_aid", 2011, "1640", "万元"],
    ]
    result = import_file(actor=actor, path=write_csv("units.csv", rows), kind="reported_values")
    first, second = result.errors
    assert (first.row, first.column) == (2, "单位")
    assert "cadre_training_person_times" in first.message_zh
    assert (second.row, second.column) == (3, "单位")
    assert "公里" in second.message_zh
    assert ReportedValue.objects.count() == 0


def test_the_same_figure_from_another_source_is_kept_beside_the_first(program, actor, write_csv):
    header: list[object] = ["协作项目", "指标代码", "年度", "数值", "单位", "出处", "采用值"]
    rows: list[list[object]] = [
        header,
        ["qd-gz", "jobs_created", 2011, "4058", "人", "年鉴 2012 第一节", "是"],
        ["qd-gz", "jobs_created", 2011, "2000", "人", "年鉴 2012 第三节", ""],
    ]
    assert import_file(actor=actor, path=write_csv("jobs.csv", rows), kind="reported_values").ok
    assert sorted(ReportedValue.objects.values_list("value", "is_preferred")) == [(2000, False), (4058, True)]
