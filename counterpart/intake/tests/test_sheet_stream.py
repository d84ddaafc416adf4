"""The streaming XLSX reader gives the rows python-calamine gives, keeps nothing in clear on disk, and is
the reader past ``INTAKE_XLSX_STREAM_BYTES``."""

import datetime
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from counterpart.intake import sheet_stream
from counterpart.intake.at_rest import SealedBlocks
from counterpart.intake.readers import file_inspect, rows_read, sheet_name_of, xlsx_streamed
from counterpart.intake.sheet_stream import rows_streamed
from counterpart.intake.validation import FileRejected

FORMATS = [
    "",
    "yyyy-mm-dd",
    "yyyy-mm-dd hh:mm:ss",
    "hh:mm",
    "[h]:mm:ss",
    "0.00%",
    'yyyy"年"m"月"d"日"',
    "@",
    "#,##0.00",
]

# Characters XML 1.0 forbids are left out: xlsxwriter's constant-memory mode writes them raw, calamine
# reads such a sheet and lxml refuses it as damaged (the module docstring says so).
_NOT_XML = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n") + "\r\ufffe\uffff"
texts = st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters=_NOT_XML), max_size=12)
cells = st.one_of(
    texts,
    st.sampled_from(["520422194001010009", "=1+1", "_x000D_", "a&b<c>", "  x  ", "head", "", "户主"]),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15),
    st.integers(min_value=0, max_value=10**18),
    st.booleans(),
    st.tuples(st.floats(min_value=0.0, max_value=80_000.0), st.sampled_from(FORMATS)),
    st.none(),
)
sheets = st.lists(st.lists(cells, max_size=6), min_size=1, max_size=12)


def _write(path: Path, rows: list[list[object]], *, constant_memory: bool, gap: bool) -> None:
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory, "strings_to_numbers": False})
    formats = {code: workbook.add_format({"num_format": code}) for code in FORMATS if code}
    sheet = workbook.add_worksheet("data")
    sheet.write_row(0, 0, ["a", "b", "c"])
    for number, row in enumerate(rows, start=2 if gap else 1):
        for column, cell in enumerate(row):
            if cell is None:
                continue
            if isinstance(cell, tuple):
                value, code = cell
                sheet.write_number(number, column, value, formats.get(code))
            elif isinstance(cell, str) and cell.startswith("="):
                sheet.write_formula(number, column, cell, None, 2)
            elif isinstance(cell, str):
                sheet.write_string(number, column, cell)
            else:
                sheet.write(number, column, cell)
    workbook.close()


def _trimmed(cells: Sequence[object]) -> list[object]:
    row = list(cells)
    while row and row[-1] == "":
        row.pop()
    return row


def _calamine(path: Path, name: str) -> list[list[object]]:
    workbook = CalamineWorkbook.from_path(str(path))
    try:
        return [_trimmed(row) for row in workbook.get_sheet_by_name(name).iter_rows()]
    finally:
        workbook.close()


def _streamed(path: Path, name: str) -> list[list[object]]:
    with zipfile.ZipFile(path) as archive:
        return list(rows_streamed(archive, name))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=sheets, constant_memory=st.booleans(), gap=st.booleans())
def test_streamed_rows_are_calamines(tmp_path: Path, rows, constant_memory: bool, gap: bool) -> None:
    # given: typed cells (text, numbers, date and duration formats, booleans, a formula, blanks) written
    # with shared strings or inline strings, with or without an empty row
    path = tmp_path / "typed.xlsx"
    _write(path, rows, constant_memory=constant_memory, gap=gap)
    # then: the same rows as calamine's but for its padding to the sheet's width; each as wide as the header
    streamed = _streamed(path, "data")
    assert [_trimmed(row) for row in streamed] == _calamine(path, "data")
    assert all(len(row) >= len(streamed[0]) for row in streamed)


def test_a_sheet_past_the_threshold_is_read_streaming_with_dates_and_numbers_as_text(tmp_path, settings):
    # given
    path = tmp_path / "persons.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("persons")
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["身份证号码", "出生日期", "人口"])
    sheet.write_string(1, 0, "520422194001010009")
    sheet.write_datetime(1, 1, datetime.datetime(1940, 1, 1), day)
    sheet.write_number(1, 2, 4)
    workbook.close()
    info = file_inspect(path)
    settings.INTAKE_XLSX_STREAM_BYTES = 1 << 20
    assert not xlsx_streamed(info)
    settings.INTAKE_XLSX_STREAM_BYTES = 0
    # when
    rows = list(rows_read(info, sheet_name_of(info, "persons")))
    # then
    assert xlsx_streamed(info)
    assert rows == [["身份证号码", "出生日期", "人口"], ["520422194001010009", datetime.date(1940, 1, 1), 4.0]]


def test_a_short_row_is_as_wide_as_the_header(tmp_path, settings) -> None:
    # the persons fast path declines a row narrower than its columns: calamine pads, and so does this
    path = tmp_path / "short.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("data")
    sheet.write_row(0, 0, ["a", "b", "c", "d"])
    sheet.write_row(1, 0, ["1", "2"])
    sheet.write_row(3, 0, ["3", "4", "5", "6", "7"])
    workbook.close()
    assert _streamed(path, "data") == [
        ["a", "b", "c", "d"],
        ["1", "2", "", ""],
        ["", "", "", ""],
        ["3", "4", "5", "6", "7"],
    ]


def test_shared_strings_are_sealed_on_disk_and_read_back_out_of_order(tmp_path, monkeypatch) -> None:
    # given: more strings than the blocks kept decoded hold
    monkeypatch.setattr(sheet_stream, "_STRINGS_PER_BLOCK", 4)
    monkeypatch.setattr(sheet_stream, "_BLOCKS_KEPT", 2)
    numbers = [f"5204221940010{n:05d}" for n in range(40)]
    path = tmp_path / "numbers.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("data")
    for row, number in enumerate(numbers):
        sheet.write_string(row, 0, number)
    workbook.close()
    written: list[bytes] = []
    real_append = SealedBlocks.append

    def append(self: SealedBlocks, block: bytes) -> None:
        real_append(self, block)
        self._handle.flush()
        written.append(Path(self._handle.name).read_bytes())

    monkeypatch.setattr(SealedBlocks, "append", append)
    with zipfile.ZipFile(path) as archive:
        strings = sheet_stream.SharedStrings(archive)
        try:
            # then: no number in clear in the file, and every one read back, in any order
            assert written and not any(number.encode() in data for data in written for number in numbers)
            assert [strings[n] for n in reversed(range(40))] == list(reversed(numbers))
            assert [strings[n] for n in (0, 39, 1, 38)] == [numbers[0], numbers[39], numbers[1], numbers[38]]
        finally:
            strings.close()


def test_a_broken_sheet_is_refused_when_streaming(tmp_path, settings) -> None:
    # given: a workbook whose sheet XML is cut off
    good = tmp_path / "good.xlsx"
    workbook = xlsxwriter.Workbook(str(good))
    workbook.add_worksheet("data").write_row(0, 0, ["a", "b"])
    workbook.close()
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(broken, "w") as target:
        for member in source.infolist():
            data = source.read(member)
            target.writestr(member, data[: len(data) // 2] if member.filename.endswith("sheet1.xml") else data)
    settings.INTAKE_XLSX_STREAM_BYTES = 0
    info = file_inspect(broken)
    # when / then
    with pytest.raises(FileRejected) as error:
        list(rows_read(info, sheet_name_of(info, "data")))
    assert "damaged" in error.value.message_en
