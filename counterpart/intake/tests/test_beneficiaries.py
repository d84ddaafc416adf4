"""Project beneficiaries through the intake: the last link from a fund's project to the persons it reached."""

import csv
from pathlib import Path

import pytest

from counterpart.intake.exporters import export_kind
from counterpart.intake.kinds import kind_get
from counterpart.intake.services import import_file
from counterpart.people.identity import identity_mask
from counterpart.people.models import Benefit
from counterpart.people.selectors import beneficiaries_count
from counterpart.people.tests.factories import household, member, number

pytestmark = pytest.mark.django_db

HEADER = ["协作项目", "项目编号", "受益日期", "户编号", "身份证号码", "姓名"]


@pytest.fixture
def homes(areas, actor):
    """Two poor households of two members each."""
    first, second = household(actor, areas["520422100201"], "H-1"), household(actor, areas["520422100201"], "H-2")
    return [first, second], [member(actor, first, n, name=f"甲{n}") for n in (1, 2)] + [
        member(actor, second, n, name=f"乙{n}") for n in (3, 4)
    ]


def test_a_household_counts_its_members_and_a_person_reached_twice_counts_once(project, homes, actor, write_csv):
    rows = [
        ["qd-gz", "P-001", "2009-06-01", "H-1", "", ""],
        ["qd-gz", "P-001", "2009-06-01", "", number(3), "乙3"],
        ["qd-gz", "P-001", "2009-09-01", "", number(1), ""],  # a member of H-1 again, later
    ]
    result = import_file(actor=actor, path=write_csv("b.csv", [HEADER, *rows]))  # the kind is told by the header
    assert result.ok, result.errors
    assert result.batch.kind == "project_beneficiaries"
    assert Benefit.objects.filter(project=project, kind="project").count() == 4
    assert beneficiaries_count(project.program, 2009) == 3

    again = import_file(
        actor=actor, path=write_csv("b2.csv", [HEADER, *rows, ["qd-gz", "P-001", "2009-06-01", "H-2", "", ""]])
    )
    assert again.ok, again.errors
    assert (again.batch.rows_new, again.batch.rows_unchanged) == (1, 3)
    assert beneficiaries_count(project.program, 2009) == 4


def test_one_bad_row_loads_nothing_and_each_error_names_its_cell(project, homes, actor, write_csv):
    rows = [
        ["qd-gz", "P-001", "2009-06-01", "H-1", "", ""],
        ["qd-gz", "P-404", "2009-06-01", "H-2", "", ""],
        ["qd-gz", "P-001", "2009-06-01", "H-2", number(3), ""],
        ["qd-gz", "P-001", "2009-06-01", "H-9", "", ""],
        ["qd-gz", "P-001", "2009-06-01", "", number(4), "张三"],
    ]
    result = import_file(actor=actor, path=write_csv("bad.csv", [HEADER, *rows]))
    assert not result.ok
    assert [(e.row, e.column, e.value) for e in result.errors] == [
        (3, "项目编号", "P-404"),
        (4, "户编号", "H-2"),
        (5, "户编号", "H-9"),
        (6, "姓名", "张三"),
    ]
    assert Benefit.objects.count() == 0


def test_the_export_masks_numbers_and_re_imports_unchanged(project, homes, actor, write_csv, tmp_path: Path):
    rows = [["qd-gz", "P-001", "2009-06-01", "H-1", "", ""], ["qd-gz", "P-001", "2009-06-01", "", number(3), ""]]
    assert import_file(actor=actor, path=write_csv("b.csv", [HEADER, *rows])).ok
    exported = tmp_path / "export.csv"
    export_kind(kind_get("project_beneficiaries"), exported, file_format="csv")
    with exported.open(encoding="utf-8-sig") as handle:
        lines = list(csv.reader(handle))
    # the household once, not once per member; the person masked
    assert [line[3:5] for line in lines[1:]] == [["H-1", ""], ["", identity_mask(number(3))]]
    again = import_file(actor=actor, path=exported)
    assert again.ok, again.errors
    assert (again.batch.rows_new, again.batch.rows_unchanged) == (0, 2)
    assert Benefit.objects.count() == 3
