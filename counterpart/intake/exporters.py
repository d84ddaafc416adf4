"""Writing workbooks: exports of any kind's list, blank templates, and errors beside the rows.

An export has the kind's import columns, so it is itself a valid import file. Text cells that a
spreadsheet would run as a formula (= + - @ tab CR) are prefixed with ' (the reader strips it
again). Columns marked ``sensitive`` are masked unless the caller says the role may see them.
"""

import csv
import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from counterpart.core.audit import Actor, audit_record_bulk
from counterpart.core.language import is_english
from counterpart.core.money import fen_to_yuan
from counterpart.core.numbers import XLSX_DEFAULT_FORMAT, xlsx_format
from counterpart.registry.models import Program

from .kinds import Column, ColumnType, Kind, Row
from .readers import FileInfo, rows_read, sheet_name_of
from .validation import FORMULA_TRIGGERS, FileRejected, RowError, display, header_map

# Doubles hold every two-decimal amount of up to 15 significant digits exactly.
_EXACT_AS_NUMBER = Decimal("1e13")
TYPE_NAMES = {
    ColumnType.TEXT: ("文本", "text"),
    ColumnType.INTEGER: ("整数", "integer"),
    ColumnType.DECIMAL: ("数字（最多两位小数）", "number (up to 2 decimals)"),
    ColumnType.MONEY: ("金额（元，最多两位小数）", "amount in yuan (up to 2 decimals)"),
    ColumnType.DATE: ("日期 2009-05-01", "date 2009-05-01"),
    ColumnType.YEAR: ("年份", "year"),
    ColumnType.AREA: ("区划代码（GB/T 2260）", "area code (GB/T 2260)"),
    ColumnType.CHOICE: ("代码（见下拉列表）", "code (see the drop-down list)"),
    ColumnType.BOOLEAN: ("是/否", "yes/no"),
}


def neutralise(text: str) -> str:
    """Stop a spreadsheet from running a cell as a formula (CSV/formula injection)."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def cell_value(column: Column, value: Any, *, may_see_sensitive: bool = False) -> Any:
    """A typed value as it goes into a cell: yuan for money, numbers as numbers, text neutralised."""
    if value is None or value == "":
        return ""
    if column.sensitive and not may_see_sensitive:
        return column.masked(str(value))
    if column.type == ColumnType.MONEY:
        return fen_to_yuan(int(value))
    if column.type == ColumnType.BOOLEAN:
        return "是" if value else "否"
    if column.type in (ColumnType.INTEGER, ColumnType.YEAR, ColumnType.DECIMAL, ColumnType.DATE):
        return value
    return neutralise(str(value))


def headers(kind: Kind, language: str) -> list[str]:
    return [c.header_en if is_english(language) else c.header_zh for c in kind.columns]


def rows_write(
    kind: Kind,
    rows: Iterable[Row],
    path: Path,
    *,
    file_format: str = "xlsx",
    language: str = "zh",
    may_see_sensitive: bool = False,
) -> int:
    """Write rows of a kind to XLSX (constant memory) or CSV (UTF-8 with BOM, for Excel). Returns the count."""
    count = 0
    if file_format == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(headers(kind, language))
            for row in rows:
                writer.writerow(
                    [_csv(cell_value(c, row.get(c.key), may_see_sensitive=may_see_sensitive)) for c in kind.columns]
                )
                count += 1
        return count
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    try:
        sheet = workbook.add_worksheet(kind.key)
        bold = workbook.add_format({"bold": True})
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        # Numbers stay numbers (a column still adds up), shown in the one number style's cell formats.
        formats = {
            "date": date_format,
            "money": workbook.add_format({"num_format": xlsx_format("yuan")}),
            "number": workbook.add_format({"num_format": XLSX_DEFAULT_FORMAT}),
        }
        sheet.write_row(0, 0, headers(kind, language), bold)
        sheet.freeze_panes(1, 0)
        for number, row in enumerate(rows, start=1):
            for position, column in enumerate(kind.columns):
                _xlsx_write(
                    sheet,
                    number,
                    position,
                    cell_value(column, row.get(column.key), may_see_sensitive=may_see_sensitive),
                    formats,
                )
            count += 1
    finally:
        workbook.close()
    return count


def _csv(value: Any) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _xlsx_write(sheet: Any, row: int, col: int, value: Any, formats: dict[str, Any]) -> None:
    if isinstance(value, datetime.date):
        sheet.write_datetime(row, col, datetime.datetime.combine(value, datetime.time()), formats["date"])
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**53:
        sheet.write_number(row, col, value, formats["number"])
    elif isinstance(value, Decimal) and abs(value) < _EXACT_AS_NUMBER and value.as_tuple().exponent >= -2:  # type: ignore[operator,unused-ignore]
        # Two places are money (yuan with fen): the money format; other decimals as they are.
        money = value.as_tuple().exponent == -2  # type: ignore[comparison-overlap,unused-ignore]
        sheet.write_number(row, col, float(value), formats["money" if money else "number"])
    else:
        sheet.write_string(row, col, str(value))


def export_kind(
    kind: Kind,
    path: Path,
    *,
    file_format: str = "xlsx",
    program: Program | None = None,
    language: str = "zh",
    actor: Actor | None = None,
    reveal_reason: str = "",
) -> int:
    """Export every record of a kind (of one program, if given) that the actor's user may see (scoped()).

    Sensitive columns (identity numbers) are masked, unless a reason to reveal them is given by an
    actor whose user holds ``people.reveal_identity``: then they are in clear and the reveal is
    audited (who, why, which kind, how many rows) before the file is written; without the
    permission, PermissionDenied.
    """
    reveal = bool(reveal_reason.strip()) and any(column.sensitive for column in kind.columns)
    if reveal:
        from counterpart.people.services import REVEAL_PERMISSION

        if actor is None or actor.user is None or not actor.user.has_perm(REVEAL_PERMISSION):
            raise PermissionDenied(_("无权查看完整身份证号码"))
        with transaction.atomic():
            audit_record_bulk(
                actor,
                "intake.export_reveal",
                f"intake.{kind.key}",
                after={"kind": kind.key, "program": program.slug if program else None, "format": file_format},
                reason=reveal_reason.strip(),
            )
    return rows_write(
        kind,
        kind.export_rows(program, actor.user if actor is not None else None),
        path,
        file_format=file_format,
        language=language,
        may_see_sensitive=reveal,
    )


# The templates' own sheets beside the data: the drop-down lists and the instructions (an import passes
# over them).
LISTS_SHEET, GUIDE_SHEET = "lists", "说明 instructions"
TEMPLATE_SHEETS = frozenset({LISTS_SHEET, GUIDE_SHEET})
_GUIDE_NOTE = (
    "红色表头为必填列；表头可用中文或英文；金额以元填写，最多两位小数；整个文件有任何一行有误则全部不导入。"
    " Red headers are required; Chinese or English headers are accepted; amounts in yuan with at most two "
    "decimals; if any row is wrong nothing is loaded."
)
_WORKBOOK_NOTE = (
    "每个工作表一类数据，以数据类型命名；导入时按依赖顺序（先协作项目，再结对关系，再上报数）逐表写入，"
    "任何一个工作表有误则整个工作簿都不导入。不需要的工作表可以留空或删除。"
    " One kind of records per sheet, named by the kind; the sheets load in dependency order (programs, then "
    "pairings, then figures) and if any sheet has an error nothing of the workbook is loaded. Leave a sheet you do "
    "not need empty, or delete it."
)


def template_write(kind: Kind, path: Path, *, language: str = "zh") -> None:
    """A blank workbook to fill in: the data sheet with drop-down lists, and an instructions sheet."""
    _template(path, [(kind, kind.key)], language=language)


def template_workbook_write(kinds: Sequence[Kind], path: Path, *, language: str = "zh") -> None:
    """A blank workbook of several kinds (a program office's published record: ``Kind.record_workbook``):
    a data sheet per kind, named by the kind in the template's language, one lists and one instructions sheet."""
    english = is_english(language)
    _template(path, [(kind, kind.name_en if english else kind.name_zh) for kind in kinds], language=language)


def _template(path: Path, sheets: Sequence[tuple[Kind, str]], *, language: str) -> None:
    english = is_english(language)
    workbook = xlsxwriter.Workbook(str(path))
    try:
        data = [(kind, workbook.add_worksheet(name)) for kind, name in sheets]
        lists = workbook.add_worksheet(LISTS_SHEET)
        guide = workbook.add_worksheet(GUIDE_SHEET)
        formats = {
            "bold": workbook.add_format({"bold": True}),
            "required": workbook.add_format({"bold": True, "font_color": "#C00000"}),
            "text": workbook.add_format({"num_format": "@"}),
        }
        list_column, guide_row = 0, 0
        if len(sheets) > 1:
            guide.write_string(0, 0, _WORKBOOK_NOTE, formats["bold"])
            guide_row = 2
        for kind, sheet in data:
            list_column = _template_sheet(kind, sheet, lists, list_column, english, formats)
            guide_row = _guide_write(kind, guide, guide_row, formats["bold"]) + 1
        lists.hide()
        guide.set_column(0, 6, 24)
    finally:
        workbook.close()


def _template_sheet(
    kind: Kind, sheet: Any, lists: Any, list_column: int, english: bool, formats: dict[str, Any]
) -> int:
    """A kind's data sheet: headers (red when required) with notes, drop-down lists; the next free list column."""
    for position, column in enumerate(kind.columns):
        header = column.header_en if english else column.header_zh
        sheet.write_string(0, position, header, formats["required"] if column.required else formats["bold"])
        sheet.write_comment(0, position, _column_note(column))
        sheet.set_column(
            position, position, max(12, len(header) * 2), formats["text"] if column.type == ColumnType.AREA else None
        )
        if column.choices:
            # the labels a reader of the template's language picks (the import accepts them, and the codes)
            values = [(en or value) if english else zh for value, zh, en in column.choices]
            lists.write_string(0, list_column, column.key)
            for offset, value in enumerate(values, start=1):
                lists.write_string(offset, list_column, value)
            letter = xlsxwriter.utility.xl_col_to_name(list_column)
            sheet.data_validation(
                1,
                position,
                1_048_575,
                position,
                {
                    "validate": "list",
                    "source": f"={LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}",
                    "error_message": "请从列表中选择 choose a value from the list",
                },
            )
            list_column += 1
    sheet.freeze_panes(1, 0)
    return list_column


def _guide_write(kind: Kind, guide: Any, top: int, bold: Any) -> int:
    """A kind's block of the instructions sheet from row ``top``; the last row written."""
    guide.write_string(top, 0, f"{kind.name_zh} {kind.name_en}", bold)
    guide.write_string(top + 1, 0, kind.instructions_zh)
    guide.write_string(top + 2, 0, kind.instructions_en)
    guide.write_string(top + 3, 0, _GUIDE_NOTE)
    guide.write_row(
        top + 5,
        0,
        [
            "列代码 key",
            "中文表头",
            "English header",
            "类型 type",
            "必填 required",
            "可选值 allowed values",
            "说明 notes",
        ],
        bold,
    )
    number = top + 5
    for number, column in enumerate(kind.columns, start=top + 6):
        guide.write_row(
            number,
            0,
            [
                column.key,
                column.header_zh,
                column.header_en,
                " / ".join(TYPE_NAMES[column.type]),
                "是 yes" if column.required else "否 no",
                "; ".join(f"{v} {zh} {en}".strip() for v, zh, en in column.choices),
                " ".join(part for part in (column.note_zh, column.note_en) if part),
            ],
        )
    return number + 1


def header_map_lenient(kind: Kind, header: list[Any]) -> list[Column | None]:
    """The columns of a header, or none when it does not map (an errors workbook still gets written)."""
    try:
        return header_map(kind, header)
    except FileRejected:
        return []


def _column_note(column: Column) -> str:
    parts = [f"{column.header_zh} / {column.header_en}", " / ".join(TYPE_NAMES[column.type])]
    if column.required:
        parts.append("必填 required")
    if column.note_zh or column.note_en:
        parts.append(f"{column.note_zh} {column.note_en}".strip())
    return "\n".join(parts)


def errors_workbook_write(
    info: FileInfo, kind: Kind, errors: Iterable[RowError], path: Path, *, sheets: Sequence[tuple[str, Kind]] = ()
) -> None:
    """The file's rows as they were, with the errors of each row in a column beside it. For a workbook of
    several kinds (``sheets``: each sheet's name and kind) every sheet so, under its own name, so that the
    corrected workbook imports again."""
    errors = list(errors)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    try:
        red = workbook.add_format({"font_color": "#C00000", "text_wrap": True})
        if not sheets:
            _errors_sheet(workbook.add_worksheet("errors"), info, sheet_name_of(info, kind.key), kind, errors, red)
        for name, sheet_kind in sheets:
            mine = [error for error in errors if error.sheet == name]
            _errors_sheet(workbook.add_worksheet(name), info, name, sheet_kind, mine, red)
    finally:
        workbook.close()


def _errors_sheet(sheet: Any, info: FileInfo, name: str, kind: Kind, errors: list[RowError], red: Any) -> None:
    by_row: dict[int, list[str]] = defaultdict(list)
    for error in errors:
        by_row[error.row].append(f"{error.column}：“{error.value}” {error.message_zh} / {error.message_en}")
    width = 0
    hidden: dict[int, Column] = {}
    for index, cells in enumerate(rows_read(info, name)):
        width = max(width, len(cells))
        if index == 0:
            # Identity numbers stay masked here too: the workbook may travel further than the file.
            hidden = {p: c for p, c in enumerate(header_map_lenient(kind, cells)) if c is not None and c.sensitive}
        texts = [neutralise(display(cell)) for cell in cells]
        for position, column in hidden.items():
            if position < len(texts) and texts[position] and index > 0:
                texts[position] = column.masked(texts[position])
        sheet.write_row(index, 0, texts)
        if index == 0:
            sheet.write_string(0, width, "错误 errors", red)
        elif index + 1 in by_row:
            sheet.write_string(index, width, "\n".join(by_row[index + 1]), red)
    if 1 in by_row and width == 0:  # a sheet-level error on an empty sheet
        sheet.write_string(0, 0, "\n".join(by_row[1]), red)
