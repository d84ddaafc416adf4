import zipfile
from pathlib import Path

import pytest

from counterpart.intake.readers import file_inspect, rows_read
from counterpart.intake.validation import FileRejected


def test_csv_is_read_in_utf8_utf8_bom_and_gb18030(write_csv):
    rows = [["项目编号", "项目名称"], ["P-1", "饮水工程 贵州·普定"]]
    for encoding, expected in (("utf-8", "utf-8-sig"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030")):
        # given
        path = write_csv(f"p-{encoding}.csv", rows, encoding=encoding)
        # when
        info = file_inspect(path)
        # then
        assert (info.type, info.encoding) == ("csv", expected)
        assert list(rows_read(info, path.name)) == rows


def test_gbk_file_is_read_as_gb18030(write_csv):
    path = write_csv("p-gbk.csv", [["项目名称"], ["人畜饮水"]], encoding="gbk")
    info = file_inspect(path)
    assert list(rows_read(info, path.name))[1] == ["人畜饮水"]


def test_xlsx_is_recognised_by_content_not_name(write_xlsx, tmp_path: Path):
    path = write_xlsx("data.csv", [["项目编号"], ["P-1"]])
    info = file_inspect(path)
    assert info.type == "xlsx"
    assert list(rows_read(info, "data")) == [["项目编号"], ["P-1"]]


def test_a_renamed_binary_is_refused(tmp_path: Path):
    path = tmp_path / "projects.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    with pytest.raises(FileRejected) as error:
        file_inspect(path)
    assert "binary" in error.value.message_en


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path: Path):
    path = tmp_path / "projects.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(FileRejected) as error:
        file_inspect(path)
    assert "not an Excel workbook" in error.value.message_en


def test_legacy_xls_is_refused(tmp_path: Path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    with pytest.raises(FileRejected) as error:
        file_inspect(path)
    assert ".xls" in error.value.message_en


def test_a_zip_bomb_is_refused_before_inflating(tmp_path: Path):
    # given: a workbook-shaped zip whose sheet inflates to 300 MB from a few hundred KB
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            block = b"\x00" * (1 << 20)
            for _ in range(300):
                sheet.write(block)
    assert path.stat().st_size < 2_000_000
    # when / then
    with pytest.raises(FileRejected) as error:
        file_inspect(path)
    assert "zip bomb" in error.value.message_en


def test_size_and_row_limits(settings, write_csv):
    path = write_csv("rows.csv", [["a"], ["1"], ["2"], ["3"]])
    settings.INTAKE_MAX_ROWS = 2
    with pytest.raises(FileRejected) as error:
        list(rows_read(file_inspect(path), path.name))
    assert "more than the limit of 2 rows" in error.value.message_en
    settings.INTAKE_MAX_FILE_BYTES = 4
    with pytest.raises(FileRejected):
        file_inspect(path)


def test_empty_file_and_undecodable_text_are_refused(tmp_path: Path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(FileRejected):
        file_inspect(empty)
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"a,b\n\xff\xfe\xfa\xfb\xff\n")
    with pytest.raises(FileRejected) as error:
        file_inspect(garbage)
    assert "encoding" in error.value.message_en
