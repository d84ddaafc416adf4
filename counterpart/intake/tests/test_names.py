"""Templates a clerk fills in words: Chinese choice labels, the program by name, areas by name."""

import openpyxl
import pytest

from counterpart.intake.exporters import template_write
from counterpart.intake.kinds import kind_get
from counterpart.intake.services import import_file
from counterpart.projects.models import Project, ProjectCategory

from .conftest import PROJECT_HEADER

pytestmark = pytest.mark.django_db


def test_the_template_offers_the_chinese_labels_in_its_drop_down(tmp_path):
    path = tmp_path / "projects.xlsx"
    template_write(kind_get("projects"), path, language="zh")
    lists = openpyxl.load_workbook(path)["lists"]
    values = [cell.value for cell in next(lists.iter_cols(min_col=1, max_col=1))]
    assert values[0] == "category" and "种植业" in values and "village_advancement" not in values


def test_a_row_in_words_loads(program, actor, write_csv):
    path = write_csv("p.csv", [PROJECT_HEADER, ["青岛—贵州", "N-1", "种植项目", "种植业", "普定县", 2009, "100"]])
    result = import_file(actor=actor, path=path)
    assert result.errors == [] and result.batch.rows_new == 1
    project = Project.objects.get(code="N-1")
    assert (project.program, project.category, project.recipient_area_id) == (
        program,
        ProjectCategory.PLANTING,
        "520422",
    )


def test_an_unknown_area_name_is_refused_in_words(program, actor, write_csv):
    path = write_csv("p.csv", [PROJECT_HEADER, ["qd-gz", "N-2", "种植项目", "种植业", "没有这个县", 2009, "100"]])
    result = import_file(actor=actor, path=path)
    assert result.batch.rows_new == 0 and "没有该名称的行政区划" in result.errors[0].message_zh
