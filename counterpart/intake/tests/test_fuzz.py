"""Fuzzing the spreadsheet readers: any bytes are read or refused with FileRejected, never a crash.

Three kinds of input: arbitrary bytes, CSV-like text in the encodings users send, and XLSX files —
real workbooks with bytes overwritten or cut off, and zips that pass the workbook check but hold
arbitrary sheet XML (so calamine's parser is reached). ``COUNTERPART_FUZZ_EXAMPLES`` sets how many.
"""

import io
import tempfile
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import given
from hypothesis import strategies as st

from counterpart.core.tests.fuzzing import fuzz_settings, inputs_tried
from counterpart.intake.readers import file_inspect, rows_read, sheet_name_of
from counterpart.intake.validation import FileRejected

from .conftest import PROJECT_HEADER


def _read_all(data: bytes) -> None:
    """What an upload goes through before validation: type check, limits, every row read."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "upload"
        path.write_bytes(data)
        try:
            info = file_inspect(path)
            for row in rows_read(info, sheet_name_of(info, "projects")):
                assert isinstance(row, list)
        except FileRejected as rejected:
            assert rejected.message_zh and rejected.message_en


def _workbook() -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("projects")
    sheet.write_row(0, 0, PROJECT_HEADER)
    sheet.write_row(1, 0, ["qd-gz", "P-1", "饮水", "drinking_water", "520422", 2009, 12.5])
    sheet.write_formula(2, 6, "=G2*2")
    workbook.close()
    return buffer.getvalue()


WORKBOOK = _workbook()

# Tokens rather than characters: each is one draw, so a long, CSV-shaped input stays cheap to generate.
CSV_TOKENS = ['"', '""', "\r\n", "\n", "\r", ",", ";", "\t", "=1+1", "\ufeff", "\x00", "\ud7ff", "𠀀", "项目"]
CSV_TOKENS += ["qd-gz", "520422", "2009", "-1", "1e309", "12.50", "NaN", "２００９", "drinking_water", " "]
csv_text = st.lists(st.one_of(st.sampled_from(CSV_TOKENS), st.text(max_size=8)), max_size=120).map("".join)


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    text = draw(st.one_of(csv_text, st.text(max_size=200)))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "latin-1"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):
        head = ",".join(PROJECT_HEADER).encode(encoding, errors="replace")
        data = head + b"\n" + data
    return data


@st.composite
def damaged_workbooks(draw: st.DrawFn) -> bytes:
    data = bytearray(WORKBOOK)
    for _ in range(draw(st.integers(0, 8))):
        position = draw(st.integers(0, len(data) - 1))
        data[position] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


SHEET_PARTS = [
    '<c r="A1" t="s"><v>0</v></c>',
    '<c r="B1" t="inlineStr"><is><t>x</t></is></c>',
    '<c r="XFD1048576"><v>1e308</v></c>',
    '<c r="A2" t="n"><v>NaN</v></c>',
    '<c r="A3" t="d"><v>2009-13-45</v></c>',
    '<c r="A4" s="999"><v>43000</v></c>',
    '<c t="e"><v>#REF!</v></c>',
    '<row r="0">',
    "</row>",
    '<!DOCTYPE x [<!ENTITY a "b">]>',
    "&a;",
    "<![CDATA[]]>",
    '<dimension ref="A1:XFD1048576"/>',
    '<c r="ZZZZ9"><v>1</v></c>',
    '<c r="A99999999999"><v>1</v></c>',
    '<sst count="4294967295" uniqueCount="4294967295">',
]


@st.composite
def hostile_workbooks(draw: st.DrawFn) -> bytes:
    """A zip that passes the workbook check, with the sheet, strings and workbook XML drawn."""
    with zipfile.ZipFile(io.BytesIO(WORKBOOK)) as original:
        members = {name: original.read(name) for name in original.namelist()}
    targets = [name for name in members if name.endswith(".xml")]
    for name in draw(st.lists(st.sampled_from(targets), max_size=3)):
        choice = draw(st.integers(0, 2))
        if choice == 0:
            members[name] = draw(st.binary(max_size=400))
        elif choice == 1:
            parts = draw(st.lists(st.one_of(st.sampled_from(SHEET_PARTS), st.text(max_size=20)), max_size=12))
            members[name] = (
                '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                '<sheetData><row r="1">' + "".join(parts) + "</row></sheetData></worksheet>"
            ).encode()
        else:
            text = members[name].decode("utf-8", errors="replace")
            cut = draw(st.integers(0, len(text)))
            members[name] = (text[:cut] + draw(st.text(max_size=40)) + text[cut:]).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@fuzz_settings
@given(st.binary(max_size=2000))
def test_fuzz_any_bytes_are_read_or_refused(data: bytes) -> None:
    inputs_tried["intake.bytes"] += 1
    _read_all(data)


@fuzz_settings
@given(csv_files())
def test_fuzz_csv_is_read_or_refused(data: bytes) -> None:
    inputs_tried["intake.csv"] += 1
    _read_all(data)


@fuzz_settings
@given(st.one_of(damaged_workbooks(), hostile_workbooks()))
def test_fuzz_xlsx_is_read_or_refused(data: bytes) -> None:
    inputs_tried["intake.xlsx"] += 1
    _read_all(data)


def test_fuzz_targets_really_ran() -> None:
    # when run after the targets (the file's order), each tried inputs; the counts are the figures recorded
    if not inputs_tried:
        pytest.skip("run with the fuzz targets")
    print(f"\nfuzz inputs tried: {dict(inputs_tried)}")
    assert all(count > 0 for count in inputs_tried.values())


def _workbook_with(member: str, content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(WORKBOOK)) as original:
        members = {name: original.read(name) for name in original.namelist()}
    members[member] = content
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


SHEET = (
    '<?xml version="1.0"?>{doctype}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetData><row r="1"><c r="{cell}" t="inlineStr"><is><t>{text}</t></is></c></row></sheetData></worksheet>'
)


@pytest.mark.parametrize("cell", ["XFD1048576", "A3000000", "ZZZ1"])
def test_a_cell_far_away_is_refused_before_calamine_allocates_it(tmp_path: Path, cell: str) -> None:
    # found by the fuzzer: calamine allocated the whole range up to such a cell and aborted the process
    path = tmp_path / "far.xlsx"
    path.write_bytes(_workbook_with("xl/worksheets/sheet1.xml", SHEET.format(doctype="", cell=cell, text="x").encode()))
    with pytest.raises(FileRejected) as refused:
        file_inspect(path)
    assert "beyond the limits" in refused.value.message_en


def test_entities_in_sheet_xml_are_never_expanded(tmp_path: Path) -> None:
    doctype = '<!DOCTYPE w [<!ENTITY secret SYSTEM "file:///etc/hostname"><!ENTITY lol "lollollollol">]>'
    path = tmp_path / "xxe.xlsx"
    path.write_bytes(
        _workbook_with(
            "xl/worksheets/sheet1.xml", SHEET.format(doctype=doctype, cell="A1", text="&secret;&lol;").encode()
        )
    )
    try:
        info = file_inspect(path)
        cells = [cell for row in rows_read(info, sheet_name_of(info, "projects")) for cell in row]
    except FileRejected:
        return
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else "\x00"
    assert not any(hostname in str(cell) or "lollol" in str(cell) for cell in cells)
