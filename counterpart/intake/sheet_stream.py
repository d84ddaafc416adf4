"""An XLSX sheet read row by row in bounded memory: the reader of workbooks past ``INTAKE_XLSX_STREAM_BYTES``.

python-calamine (0.9.1 here; 0.10.0 documents none either) has no lazy reader: opening a workbook loads
its shared strings, and a sheet is parsed whole into memory before its first row (its ``iter_rows``
walks that copy). Under the threshold it stays the reader (five to seven times this one's speed);
past it this module reads the sheet's XML with lxml's ``iterparse``, one ``<row>`` at a time, each
dropped once read, and gives the rows calamine would give: text as ``str``, numbers as ``float``,
cells styled by a date format as ``date`` / ``datetime`` / ``time`` (a duration format: ``timedelta``),
booleans, a formula's cached value, ``""`` for an empty cell or an error; ``_xHHHH_`` escapes decoded;
leading empty rows skipped. Unlike calamine, a row is padded with ``""`` to the header's width, not to the
widest row's, column A is always the first cell (calamine starts at the first column that holds
anything), and a sheet whose XML holds a character XML 1.0 forbids (a raw control character, which
Excel writes as ``_x0008_`` but some writers do not) is refused as damaged, where calamine reads it.

The shared strings — every text cell of a workbook Excel saved, identity numbers among them — are
parsed once, in order, into blocks of ``_STRINGS_PER_BLOCK`` sealed (AES-GCM, a key only this process
holds) in a temporary file (``at_rest.SealedBlocks``), never in clear on disk; a few recently used
blocks are kept decoded (Excel numbers strings in the order it first meets them, so a sheet read top
to bottom mostly asks for the newest block and the first, which holds the repeated codes).
"""

import datetime
import re
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from typing import IO, Any

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

from .at_rest import SealedBlocks

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ROW, _C, _V, _IS, _T, _R, _SI = (_MAIN + name for name in ("row", "c", "v", "is", "t", "r", "si"))
_STRINGS_PER_BLOCK = 512
_BLOCKS_KEPT = 64
_EPOCH = datetime.datetime(1899, 12, 30)
_MS_A_DAY = 86_400_000
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
# Workbook XML is data from the uploader: no DTD, no entities expanded, nothing fetched.
_PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False}
READ_ERRORS = (etree.XMLSyntaxError, zipfile.BadZipFile, zlib.error, KeyError, ValueError, OSError, EOFError)


class SheetUnreadable(Exception):
    """The workbook cannot be read as a workbook (readers.py turns this into the file's refusal)."""


def _unescaped(text: str) -> str:
    return _ESCAPE.sub(lambda match: chr(int(match[1], 16)), text) if "_x" in text else text


def _parse(archive: zipfile.ZipFile, name: str) -> Any:
    with archive.open(name) as handle:
        return etree.parse(handle, etree.XMLParser(**_PARSER_OPTIONS)).getroot()


def _member(archive: zipfile.ZipFile, name: str) -> str | None:
    """The archive's name of a part (zip names are case-sensitive, OOXML's are not)."""
    wanted = name.lower()
    for member in archive.namelist():
        if member.lower() == wanted:
            return member
    return None


def sheets_of(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(name, part) of every sheet of the workbook, in order."""
    workbook = _parse(archive, "xl/workbook.xml")
    targets: dict[str, str] = {}
    relationships = _member(archive, "xl/_rels/workbook.xml.rels")
    if relationships is not None:
        for relationship in _parse(archive, relationships).iter(_PACKAGE_RELATIONSHIPS + "Relationship"):
            target = relationship.get("Target", "")
            targets[relationship.get("Id", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    sheets = []
    for sheet in workbook.iter(_MAIN + "sheet"):
        part = targets.get(sheet.get(_RELATIONSHIPS + "id", ""), "")
        sheets.append((sheet.get("name", ""), part))
    return sheets


def sheet_part(archive: zipfile.ZipFile, name: str) -> str:
    for sheet_name, part in sheets_of(archive):
        if sheet_name == name:
            member = _member(archive, part)
            if member is None:
                raise SheetUnreadable(f"worksheet part {part} of sheet {name} is missing")
            return member
    raise SheetUnreadable(f"no sheet named {name}")


def _date_styles(archive: zipfile.ZipFile) -> list[str]:
    """For each cell style (``s``) index: "date", "duration" or "" (a number), by its number format."""
    name = _member(archive, "xl/styles.xml")
    if name is None:
        return []
    styles = _parse(archive, name)
    codes: dict[int, str] = dict(BUILTIN_FORMATS)
    for number_format in styles.iter(_MAIN + "numFmt"):
        codes[int(number_format.get("numFmtId", "0"))] = number_format.get("formatCode", "")
    kinds = []
    cell_formats = styles.find(_MAIN + "cellXfs")
    for xf in cell_formats if cell_formats is not None else ():
        if xf.tag != _MAIN + "xf":
            continue
        code = codes.get(int(xf.get("numFmtId", "0")), "")
        kinds.append("duration" if is_timedelta_format(code) else "date" if is_date_format(code) else "")
    return kinds


def _in_1904(archive: zipfile.ZipFile) -> bool:
    """Whether the workbook counts its dates from 1904 (old Mac Excel) rather than 1900."""
    properties = _parse(archive, "xl/workbook.xml").find(_MAIN + "workbookPr")
    return properties is not None and properties.get("date1904", "").lower() in ("1", "true")


class SharedStrings:
    """The workbook's shared strings by index, sealed on disk in blocks, a few blocks decoded."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self._blocks = SealedBlocks()
        self._kept: OrderedDict[int, list[str]] = OrderedDict()
        name = _member(archive, "xl/sharedStrings.xml")
        if name is None:
            return
        pending: list[str] = []
        with archive.open(name) as handle:
            for _event, item in etree.iterparse(handle, tag=_SI, **_PARSER_OPTIONS):
                pending.append(_unescaped(_text_of(item)))
                _drop(item)
                if len(pending) == _STRINGS_PER_BLOCK:
                    self._seal(pending)
                    pending = []
        if pending:
            self._seal(pending)

    def _seal(self, strings: list[str]) -> None:
        # NUL cannot occur in XML text: it separates the strings of a block
        self._blocks.append("\x00".join(strings).encode("utf-8"))

    def __getitem__(self, index: int) -> str:
        number, position = divmod(index, _STRINGS_PER_BLOCK)
        block = self._kept.get(number)
        if block is None:
            if not 0 <= number < len(self._blocks):
                raise SheetUnreadable(f"shared string {index} does not exist")
            block = self._blocks.read(number).decode("utf-8").split("\x00")
            self._kept[number] = block
            if len(self._kept) > _BLOCKS_KEPT:
                self._kept.popitem(last=False)
        else:
            self._kept.move_to_end(number)
        if position >= len(block):
            raise SheetUnreadable(f"shared string {index} does not exist")
        return block[position]

    def close(self) -> None:
        self._kept.clear()
        self._blocks.close()


def _text_of(item: Any) -> str:
    """A string item's text (``<si>`` or ``<is>``): its ``<t>`` and its runs' ``<t>``, not the phonetic
    ``<rPh>`` guides."""
    parts = []
    for child in item:
        if child.tag == _T:
            parts.append(child.text or "")
        elif child.tag == _R:
            parts.extend(t.text or "" for t in child.iterchildren(_T))
    return "".join(parts)


def _drop(element: Any) -> None:
    """Free a parsed element and the siblings before it: what keeps iterparse's tree, and memory, flat."""
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _column(reference: str) -> int:
    number = 0
    for letter in reference:
        code = ord(letter)
        if code > 64:
            number = number * 26 + (code & 31)
        else:
            break
    return number - 1


class _Cells:
    """Turns a ``<c>`` element into calamine's value of it."""

    def __init__(self, strings: SharedStrings, date_styles: list[str], in_1904: bool) -> None:
        self.strings, self.date_styles, self.in_1904 = strings, date_styles, in_1904

    def value(self, cell: Any) -> Any:
        kind = cell.get("t")
        if kind == "inlineStr":
            inline = cell.find(_IS)
            return "" if inline is None else _unescaped(_text_of(inline))
        text = cell.findtext(_V)
        if text is None or text == "":
            return ""
        if kind == "s":
            return self.strings[int(text)]
        if kind == "str":
            return _unescaped(text)
        if kind == "b":
            return text.strip() not in ("0", "false")
        if kind == "e":
            return ""
        if kind == "d":
            return datetime.datetime.fromisoformat(text)
        number = float(text)
        style = cell.get("s")
        if style is not None and self.date_styles:
            index = int(style)
            date_kind = self.date_styles[index] if index < len(self.date_styles) else ""
            if date_kind:
                return self._date(number, date_kind)
        return number

    def _date(self, number: float, kind: str) -> Any:
        """calamine's conversion: milliseconds, rounded; Excel's serial 60 is its phantom 29 February 1900,
        so the serials before it count from a day later; below 1 a time of day."""
        if kind == "duration":
            return datetime.timedelta(milliseconds=round(number * _MS_A_DAY))
        serial = number + 1462 if self.in_1904 else number
        if serial < 60:
            serial += 1
        try:
            moment = _EPOCH + datetime.timedelta(milliseconds=round(serial * _MS_A_DAY))
        except OverflowError:
            return number  # past the calendar: calamine gives the number too
        if number < 1:
            return moment.time()
        # calamine gives a date for a whole serial only: 1.99999999998 is a datetime at midnight, as it says.
        return moment.date() if float(number).is_integer() else moment


def rows_streamed(archive: zipfile.ZipFile, name: str) -> Iterator[list[Any]]:
    """The rows of sheet ``name`` as calamine would give them (see the module docstring), one at a time."""
    part = sheet_part(archive, name)
    strings = SharedStrings(archive)
    try:
        cells = _Cells(strings, _date_styles(archive), _in_1904(archive))
        handle: IO[bytes]
        with archive.open(part) as handle:
            yield from _rows(handle, cells)
    finally:
        strings.close()


def _rows(handle: IO[bytes], cells: _Cells) -> Iterator[list[Any]]:
    started = False
    previous = width = 0
    for _event, row in etree.iterparse(handle, tag=_ROW, **_PARSER_OPTIONS):
        values: list[Any] = []
        for cell in row.iterchildren(_C):
            reference = cell.get("r")
            position = _column(reference) if reference else len(values)
            if position < len(values):
                raise SheetUnreadable(f"cell {reference} is out of order")
            if position > len(values):
                values.extend([""] * (position - len(values)))
            values.append(cells.value(cell))
        while values and values[-1] == "":
            values.pop()
        number_text = row.get("r")
        number = int(number_text) if number_text else previous + 1
        _drop(row)
        if not started:
            if not values:
                previous = number
                continue
            started, width = True, len(values)
        elif number > previous + 1:
            for _gap in range(number - previous - 1):
                yield [""] * width
        previous = number
        if len(values) < width:
            # as wide as the header at least, as calamine's rows (the persons fast path takes only those)
            values.extend([""] * (width - len(values)))
        yield values
