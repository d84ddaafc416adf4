"""Files the intake tests write: real XLSX and CSV files, in each encoding."""

import csv
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
import xlsxwriter

Writer = Callable[[str, Sequence[Sequence[object]]], Path]


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    def write(name: str, rows: Sequence[Sequence[object]], encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        with path.open("w", encoding=encoding, newline="") as handle:
            csv.writer(handle).writerows(rows)
        return path

    return write


@pytest.fixture
def write_xlsx(tmp_path: Path) -> Writer:
    def write(name: str, rows: Sequence[Sequence[object]]) -> Path:
        path = tmp_path / name
        workbook = xlsxwriter.Workbook(str(path))
        sheet = workbook.add_worksheet("data")
        for number, row in enumerate(rows):
            sheet.write_row(number, 0, row)
        workbook.close()
        return path

    return write


PROJECT_HEADER = ["协作项目", "项目编号", "项目名称", "项目类别", "实施地点区划代码", "年度", "预算（元）"]


def project_rows(count: int, *, program: str = "qd-gz", start: int = 1) -> list[list[object]]:
    return [
        [program, f"P-{n:05d}", f"饮水工程{n}", "drinking_water", "520422", 2009, f"{n * 1000}.50"]
        for n in range(start, start + count)
    ]
