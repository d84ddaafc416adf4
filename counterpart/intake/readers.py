"""Reading uploaded files: checked before parsing, then streamed row by row.

The real type is decided by the bytes, never by the name or the client's content type: an XLSX
is a zip holding ``[Content_Types].xml`` and ``xl/workbook.xml``; other zips, legacy .xls and
anything with NUL bytes are refused. An XLSX's declared uncompressed size and compression ratio
are checked from the zip directory before a byte is inflated (zip bombs). CSV is decoded as
UTF-8 (with or without BOM) or else GB18030 (a superset of GBK, what Chinese Excel writes).
"""

import codecs
import contextlib
import csv
import re
import zipfile
import zlib
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from .validation import FileRejected

CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # utf-8-sig reads plain UTF-8 too
_SNIFF_BYTES = 8192


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def limits() -> dict[str, int]:
    return {
        "max_file_bytes": _limit("INTAKE_MAX_FILE_BYTES", 512 * 1024 * 1024),
        "max_rows": _limit("INTAKE_MAX_ROWS", 2_000_000),
        "max_uncompressed_bytes": _limit("INTAKE_MAX_UNCOMPRESSED_BYTES", 2 * 1024 * 1024 * 1024),
        "max_compression_ratio": _limit("INTAKE_MAX_COMPRESSION_RATIO", 200),
        "max_columns": _limit("INTAKE_MAX_COLUMNS", 1000),
        # An XLSX whose sheets and shared strings inflate past this is read streaming (sheet_stream.py)
        # instead of by python-calamine, which holds them whole in memory.
        "xlsx_stream_bytes": _limit("INTAKE_XLSX_STREAM_BYTES", 32 * 1024 * 1024),
    }


@dataclass(frozen=True)
class FileInfo:
    path: Path
    type: str  # "xlsx" or "csv"
    size: int
    encoding: str = ""


_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError, EOFError, OSError, ValueError)


def _xlsx_check(path: Path) -> None:
    lim = limits()
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            _xlsx_members_check(members, lim)
            _xlsx_extent_check(archive, members)
    except _ZIP_ERRORS as error:
        # zipfile raises several kinds for a damaged or exotic archive (unknown compression, truncated
        # member, bad CRC): each is a corrupt upload, not a server error.
        raise FileRejected("损坏的 zip/xlsx 文件", f"corrupt zip/xlsx file ({type(error).__name__})") from None


def _xlsx_members_check(members: list[zipfile.ZipInfo], lim: dict[str, int]) -> None:
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise FileRejected("zip 文件不是 Excel 工作簿（xlsx）", "the zip file is not an Excel workbook (xlsx)")
    # A member flagged encrypted (a password-protected zip) makes zipfile raise RuntimeError on reading:
    # refuse it here, by name (found by scripts/fuzz-import: it escaped the worker's call).
    if any(member.flag_bits & 0x1 for member in members):
        raise FileRejected(
            "工作簿已加密，无法读取：请去掉密码后重新上传",
            "the workbook is encrypted: remove its password and upload it again",
        )
    total = sum(member.file_size for member in members)
    if total > lim["max_uncompressed_bytes"]:
        raise FileRejected(
            f"xlsx 解压后大小 {total} 字节超过上限 {lim['max_uncompressed_bytes']}",
            f"xlsx uncompressed size {total} bytes exceeds the limit {lim['max_uncompressed_bytes']}",
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > lim["max_compression_ratio"]:
            raise FileRejected(
                f"xlsx 中 {member.filename} 的压缩比 {ratio:.0f} 异常（疑似压缩炸弹）",
                f"{member.filename} in the xlsx has a compression ratio of {ratio:.0f} (a zip bomb?)",
            )


# A cell, row or range reference in sheet XML: r="XFD1048576", ref="A1:C3", r="7" on a row.
_REFERENCE = re.compile(rb'\s(?:r|ref)\s*=\s*["\']\$?([A-Za-z]{0,3})\$?(\d{1,12})(?::\$?([A-Za-z]{0,3})\$?(\d{1,12}))?')
_COUNT = re.compile(rb'\s(?:count|uniqueCount)\s*=\s*["\'](\d{1,20})')


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _suspect_references(max_rows: int, max_columns: int) -> re.Pattern[bytes]:
    """References with as many digits as ``max_rows`` has or as many letters as the first column past
    ``max_columns`` has — those that may pass a limit (a shorter one cannot) — found by one scan in C."""
    digits, letters = len(str(max_rows)), 1
    while 26**letters + (26**letters - 26) // 25 <= max_columns:  # the columns of at most that many letters
        letters += 1
    return re.compile(rb'(?:\s(?:r|ref)\s*=\s*["\']|:)\$?(?:[A-Za-z]{%d,}|[A-Za-z]{0,3}\$?\d{%d,})' % (letters, digits))


def _xlsx_extent_check(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    """Refuse a sheet that names cells far beyond the limits before calamine sees it.

    calamine allocates a sheet as one dense block from its largest cell reference: a single cell
    at XFD1048576 asks for half a terabyte and aborts the whole process (found by fuzzing). So the
    sheet XML is scanned, streaming, for references and declared counts, against the row limit and
    ``INTAKE_MAX_COLUMNS``.
    """
    lim = limits()
    max_rows, max_columns = lim["max_rows"] + 1, lim["max_columns"]
    suspect = _suspect_references(max_rows, max_columns)
    for member in members:
        name = member.filename
        if not (name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml"):
            continue
        tail = b""
        with archive.open(member) as handle:
            while block := handle.read(1 << 20):
                text = tail + block
                # Only a block holding a reference long enough to pass a limit is read match by match.
                for match in _REFERENCE.finditer(text) if suspect.search(text) else ():
                    for letters, digits in ((match[1], match[2]), (match[3], match[4])):
                        if digits is None:
                            continue
                        if int(digits) > max_rows or _column_number(letters or b"") > max_columns:
                            raise FileRejected(
                                f"xlsx 工作表引用的单元格超出上限（{max_rows - 1} 行、{max_columns} 列）",
                                f"the xlsx sheet refers to cells beyond the limits "
                                f"({max_rows - 1} rows, {max_columns} columns)",
                            )
                for match in _COUNT.finditer(text):
                    # each counted item takes bytes of the member: a count beyond its size is a lie
                    if int(match[1]) > member.file_size:
                        raise FileRejected("xlsx 中声明的数量异常", "the xlsx declares an impossible count")
                tail = text[-64:]


def _csv_encoding(path: Path) -> str:
    """The first encoding in CSV_ENCODINGS that decodes the whole file, checked in bounded memory."""
    for encoding in CSV_ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as handle:
                while block := handle.read(1 << 20):
                    decoder.decode(block)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise FileRejected(
        "无法识别的文本编码（应为 UTF-8 或 GB18030/GBK）", "unknown text encoding (use UTF-8 or GB18030/GBK)"
    )


def file_inspect(path: Path) -> FileInfo:
    """Decide a file's real type and check its limits before any parsing."""
    lim = limits()
    size = path.stat().st_size
    if size == 0:
        raise FileRejected("文件为空", "the file is empty")
    if size > lim["max_file_bytes"]:
        raise FileRejected(
            f"文件大小 {size} 字节超过上限 {lim['max_file_bytes']}",
            f"file size {size} bytes exceeds the limit {lim['max_file_bytes']}",
        )
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if head.startswith(b"PK\x03\x04"):
        _xlsx_check(path)
        return FileInfo(path=path, type="xlsx", size=size)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRejected(
            "旧版 Excel（.xls）文件不受支持，请另存为 .xlsx", "legacy Excel (.xls) is not supported: save as .xlsx"
        )
    if b"\x00" in head:
        raise FileRejected(
            "文件不是 xlsx 或 CSV 文本（含二进制内容）", "the file is neither xlsx nor CSV text (binary)"
        )
    encoding = _csv_encoding(path)
    return FileInfo(path=path, type="csv", size=size, encoding=encoding)


@contextlib.contextmanager
def _workbook_errors() -> Iterator[None]:
    """A workbook that passed the zip checks can still be broken inside (bad XML, a damaged member):
    the readers' errors become a clean refusal of the file, found by fuzzing (intake/tests/test_fuzz.py)."""
    from python_calamine import CalamineError

    from .sheet_stream import READ_ERRORS, SheetUnreadable

    try:
        yield
    except (CalamineError, SheetUnreadable, *READ_ERRORS) as error:
        raise FileRejected(
            f"xlsx 工作簿已损坏，无法读取：{error}", f"the xlsx workbook is damaged and cannot be read: {error}"
        ) from None


def xlsx_streamed(info: FileInfo) -> bool:
    """Whether an XLSX is read streaming: its sheets and shared strings inflate past
    ``INTAKE_XLSX_STREAM_BYTES`` (by the zip directory, checked against the zip limits already)."""
    with zipfile.ZipFile(info.path) as archive:
        size = sum(
            member.file_size
            for member in archive.infolist()
            if member.filename.startswith("xl/worksheets/") or member.filename == "xl/sharedStrings.xml"
        )
    return size > limits()["xlsx_stream_bytes"]


def sheet_names(info: FileInfo) -> list[str]:
    """The names of a workbook's sheets, in their order (a CSV: none)."""
    if info.type == "csv":
        return []
    from python_calamine import CalamineWorkbook

    from .sheet_stream import sheets_of

    with _workbook_errors():
        if xlsx_streamed(info):
            with zipfile.ZipFile(info.path) as archive:
                return [name for name, _part in sheets_of(archive)]
        workbook = CalamineWorkbook.from_path(str(info.path))
        try:
            return list(workbook.sheet_names)
        finally:
            workbook.close()


def sheet_name_of(info: FileInfo, kind_key: str) -> str:
    """The sheet that holds the data: the kind's own sheet when present, else the first one."""
    if info.type == "csv":
        return info.path.name
    names = sheet_names(info)
    if not names:
        raise FileRejected("xlsx 工作簿中没有工作表", "the xlsx workbook has no sheet")
    return kind_key if kind_key in names else names[0]


MAX_CELL_CHARACTERS = 32_767  # what Excel itself holds in a cell


def rows_read(info: FileInfo, sheet: str) -> Generator[list[Any], None, None]:
    """Every row of the data sheet, header first; cells as str (CSV) or calamine's typed values (an XLSX
    past ``INTAKE_XLSX_STREAM_BYTES``: the same values from sheet_stream.py, in bounded memory).

    Whatever the file holds, what comes out is rows or a FileRejected naming the row, in both
    languages: a cell over ``MAX_CELL_CHARACTERS`` (however long: the CSV reader's own field limit is
    the file-size limit, so memory is bounded by the file, not by a field) or a line the CSV reader
    cannot parse.
    """
    yield from rows_checked(_rows(info, sheet))


def rows_checked(rows: Iterable[list[Any]]) -> Iterator[list[Any]]:
    """The rows as they are read, or a FileRejected naming the row (see rows_read); the staged bulk path
    reads CSV through its own byte counter and passes its rows through here too."""
    max_rows = limits()["max_rows"] + 1
    count = 0
    try:
        for count, row in enumerate(rows, start=1):
            if count > max_rows:
                raise FileRejected(
                    f"行数超过上限 {max_rows - 1}", f"the file has more than the limit of {max_rows - 1} rows"
                )
            try:  # a row of text (every CSV row) with fewer characters in all than a cell may hold: no test a cell
                if sum(map(len, row)) <= MAX_CELL_CHARACTERS:
                    yield row
                    continue
            except TypeError:  # typed cells (XLSX): one at a time
                pass
            for column, cell in enumerate(row, start=1):
                if isinstance(cell, str) and len(cell) > MAX_CELL_CHARACTERS:
                    raise FileRejected(
                        f"第 {count} 行第 {column} 列的内容有 {len(cell)} 个字符，超过上限 {MAX_CELL_CHARACTERS}",
                        f"row {count}, column {column} holds {len(cell)} characters, "
                        f"more than the limit of {MAX_CELL_CHARACTERS}",
                    )
            yield row
    except csv.Error as error:
        raise FileRejected(
            f"第 {count + 1} 行无法按 CSV 读取（{error}）", f"row {count + 1} cannot be read as CSV ({error})"
        ) from None
    except UnicodeDecodeError:
        raise FileRejected(
            f"第 {count + 1} 行的文字编码无法识别", f"row {count + 1} is not in a known text encoding"
        ) from None


def csv_field_limit_set() -> None:
    """The CSV reader's field limit (131,072 by default) would raise mid-file; the file-size limit
    already bounds every field, and rows_checked refuses an over-long cell by its row."""
    csv.field_size_limit(max(limits()["max_file_bytes"], 131_072))


def _rows(info: FileInfo, sheet: str) -> Iterator[list[Any]]:
    if info.type == "csv":
        with info.path.open("r", encoding=info.encoding, newline="") as handle:
            sample = handle.read(_SNIFF_BYTES)
            handle.seek(0)
            delimiter = _delimiter(sample)
            # The reader's field limit (131,072 by default) would raise mid-file; the file-size limit
            # already bounds every field, and rows_read refuses an over-long cell by its row.
            csv_field_limit_set()
            yield from csv.reader(handle, delimiter=delimiter)
        return
    from python_calamine import CalamineWorkbook

    from .sheet_stream import rows_streamed

    with _workbook_errors():
        if xlsx_streamed(info):
            with zipfile.ZipFile(info.path) as archive:
                yield from rows_streamed(archive, sheet)
            return
        workbook = CalamineWorkbook.from_path(str(info.path))
        try:
            yield from workbook.get_sheet_by_name(sheet).iter_rows()
        finally:
            workbook.close()


def _delimiter(sample: str) -> str:
    first = sample.lstrip("\ufeff").split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
