import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from counterpart.intake.exporters import export_kind, rows_write, template_write
from counterpart.intake.kinds import Column, Kind, Row, kind_get, kind_register, kind_unregister, kinds_all
from counterpart.intake.readers import file_inspect, rows_read
from counterpart.intake.services import import_file
from counterpart.projects.models import Project
from counterpart.projects.services import project_propose

from .conftest import PROJECT_HEADER, project_rows


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_export_reimported_unchanged_changes_nothing_and_edits_update_exactly_those(
    program, areas, actor, tmp_path: Path, file_format
):
    # given: projects entered by the service, one title a would-be formula
    import_file(actor=actor, path=_csv(tmp_path / "seed.csv", [PROJECT_HEADER, *project_rows(3)]), kind="projects")
    project_propose(
        actor=actor,
        program=program,
        code="P-F",
        title_zh='=HYPERLINK("http://x")',
        category="housing",
        recipient_area=areas["520422100201"],
        year=2010,
        budget_fen=1_640_000_000,
        description="-负责人：@张",
    )
    export = tmp_path / f"projects.{file_format}"
    # when: exported and imported back unchanged
    assert export_kind(kind_get("projects"), export, file_format=file_format) == 4
    again = import_file(actor=actor, path=export, kind="projects")
    # then
    assert again.ok, again.errors
    assert (again.batch.rows_new, again.batch.rows_changed, again.batch.rows_unchanged) == (0, 0, 4)
    # when: one cell edited in the export
    edited = tmp_path / f"edited.{file_format}"
    if file_format == "csv":
        rows = list(csv.reader(export.open(encoding="utf-8-sig")))
        rows[2][2] = "改过的名称"
        _csv(edited, rows)
    else:
        workbook = load_workbook(export)
        workbook.active["C3"] = "改过的名称"
        workbook.save(edited)
    result = import_file(actor=actor, path=edited, kind="projects")
    # then
    assert result.ok, result.errors
    assert (result.batch.rows_changed, result.batch.rows_unchanged) == (1, 3)
    assert Project.objects.get(code="P-00002").title_zh == "改过的名称"
    formula = Project.objects.get(code="P-F")
    assert (formula.title_zh, formula.description, formula.budget_fen) == (
        '=HYPERLINK("http://x")',
        "-负责人：@张",
        1_640_000_000,
    )


@pytest.mark.django_db
def test_exports_neutralise_formula_cells(program, areas, actor, tmp_path: Path):
    # given: descriptions (kept as typed, unlike titles) that a spreadsheet would run as formulas
    for n, text in enumerate(["=1+1", "+SUM(A1)", "-2", "@cmd", "\tx", "\rx", "正常"]):
        project_propose(
            actor=actor,
            program=program,
            code=f"F-{n}",
            title_zh="标题",
            description=text,
            category="other",
            recipient_area=areas["520422"],
            year=2009,
            budget_fen=100,
        )
    csv_path, xlsx_path = tmp_path / "p.csv", tmp_path / "p.xlsx"
    export_kind(kind_get("projects"), csv_path, file_format="csv")
    export_kind(kind_get("projects"), xlsx_path)
    csv_titles = [row[9] for row in csv.reader(csv_path.open(encoding="utf-8-sig", newline=""))][1:]
    # read with calamine, as the importer does (openpyxl leaves a CR as "_x000D_")
    xlsx_titles = [row[9] for row in rows_read(file_inspect(xlsx_path), "projects")][1:]
    expected = ["'=1+1", "'+SUM(A1)", "'-2", "'@cmd", "'\tx", "'\rx", "正常"]
    assert csv_titles == expected
    assert xlsx_titles == expected
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")


class _FakePersons(Kind):
    """Stands in for the people app's persons: an identity number column marked sensitive."""

    key = "fake_persons"
    name_zh, name_en = "人员", "Persons"
    natural_key = ("identity_number",)
    columns = (
        Column("identity_number", "身份证号", "Identity number", required=True, sensitive=True),
        Column("name", "姓名", "Name"),
    )

    def export_rows(self, program=None, user=None) -> Iterator[Row]:
        yield {"identity_number": "520422199001011234", "name": "张三"}


@pytest.fixture
def fake_persons() -> Iterator[Kind]:
    kind = kind_register(_FakePersons())
    yield kind
    kind_unregister(kind.key)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_sensitive_columns_are_masked_unless_the_role_may_see_them(fake_persons, tmp_path: Path, file_format):
    masked, clear = tmp_path / f"masked.{file_format}", tmp_path / f"clear.{file_format}"
    rows_write(fake_persons, fake_persons.export_rows(), masked, file_format=file_format)
    rows_write(fake_persons, fake_persons.export_rows(), clear, file_format=file_format, may_see_sensitive=True)
    assert _first_data_row(masked) == ["520422***********4", "张三"]
    assert _first_data_row(clear) == ["520422199001011234", "张三"]


def test_every_kind_has_a_template_with_lists_and_instructions(tmp_path: Path):
    for kind in kinds_all():
        # when
        path = tmp_path / f"{kind.key}.xlsx"
        template_write(kind, path)
        workbook = load_workbook(path)
        # then
        assert workbook.sheetnames == [kind.key, "lists", "说明 instructions"]
        data = workbook[kind.key]
        assert [cell.value for cell in data[1]] == [c.header_zh for c in kind.columns]
        lists = {str(v.sqref): v.formula1 for v in data.data_validations.dataValidation}
        assert len(lists) == sum(1 for c in kind.columns if c.choices)
        assert workbook["说明 instructions"]["A2"].value == kind.instructions_zh


@pytest.mark.django_db
def test_a_filled_in_template_imports(program, actor, tmp_path: Path):
    path = tmp_path / "t.xlsx"
    template_write(kind_get("projects"), path, language="en")
    workbook = load_workbook(path)
    sheet = workbook["projects"]
    sheet.append(["qd-gz", "T-1", "学校", "", "education", "520422", 2009, 500000])
    workbook.save(path)
    result = import_file(actor=actor, path=path)
    assert result.ok, result.errors
    assert Project.objects.get(code="T-1").budget_fen == 50_000_000


def _csv(path: Path, rows: list) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _first_data_row(path: Path) -> list:
    if path.suffix == ".csv":
        return list(csv.reader(path.open(encoding="utf-8-sig")))[1]
    sheet = load_workbook(path).active
    assert sheet is not None
    return list(next(sheet.iter_rows(min_row=2, values_only=True)))


def test_a_column_with_its_own_mask_is_masked_its_way(tmp_path: Path):
    # given a birth date column that exports blank beside a masked number (docs/security.md)
    class _Births(_FakePersons):
        key = "fake_births"
        columns = (
            Column("identity_number", "身份证号", "Identity number", required=True, sensitive=True),
            Column("birth_date", "出生日期", "Birth date", sensitive=True, mask=lambda value: ""),
        )

        def export_rows(self, program=None, user=None) -> Iterator[Row]:
            yield {"identity_number": "520422199001011234", "birth_date": "1990-01-01"}

    kind = kind_register(_Births())
    try:
        masked, clear = tmp_path / "masked.csv", tmp_path / "clear.csv"
        # when exported without and with the right to see
        rows_write(kind, kind.export_rows(), masked, file_format="csv")
        rows_write(kind, kind.export_rows(), clear, file_format="csv", may_see_sensitive=True)
    finally:
        kind_unregister(kind.key)
    # then the date is blank beside the mask, and in clear beside the clear number
    assert _first_data_row(masked) == ["520422***********4", ""]
    assert _first_data_row(clear) == ["520422199001011234", "1990-01-01"]
