"""Turning cells into typed values, and the errors that say exactly what is wrong where.

Every error names the sheet, the row (as the spreadsheet numbers it: the header is row 1), the
column (by its header), the value and what is wrong, in Chinese and in English.
"""

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from counterpart.core.errors import InvalidInput
from counterpart.core.language import is_english
from counterpart.core.money import yuan_to_fen
from counterpart.people.identity import identity_check_character, identity_mask
from counterpart.registry.services import area_code_parse

from .kinds import Column, ColumnType, Kind, Row

# Cells an exporter prefixed with ' so that spreadsheets do not run them as formulas.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class FileRejected(Exception):
    """The file as a whole cannot be read (type, size, encoding, headers): nothing is parsed further."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(message_zh)
        self.message_zh = message_zh
        self.message_en = message_en


# 18 characters that end in an identity number's own check character, wherever they stand.
_IDENTITY_LIKE = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")


def identity_numbers_masked(text: str) -> str:
    """``text`` with every identity number in it masked (a number carries its check character)."""

    def masked(match: re.Match[str]) -> str:
        number = match.group(0).upper()
        return identity_mask(number) if identity_check_character(number[:17]) == number[17] else match.group(0)

    return _IDENTITY_LIKE.sub(masked, text) if len(text) >= 18 else text


@dataclass(frozen=True)
class RowError:
    """One error of a file. Its texts never hold an identity number in clear: a number in a cell of
    another column (a row whose cells shifted, a quoted field that swallowed the next lines) would be
    quoted by the error that names the cell, then kept on the batch — its page, the error workbook, the
    database — so every text is masked here, whatever column it came from."""

    sheet: str
    row: int
    column: str
    value: str
    message_zh: str
    message_en: str
    # The column's English header, for an English reader (errors stored before it was kept have none).
    column_en: str = ""

    def __post_init__(self) -> None:
        for name in ("sheet", "column", "value", "message_zh", "message_en"):
            text = getattr(self, name)
            if isinstance(text, str):
                object.__setattr__(self, name, identity_numbers_masked(text))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def text(self, language: str = "zh") -> str:
        if is_english(language):
            return (
                f"sheet “{self.sheet}”, row {self.row}, column “{self.column_en or self.column}”, "
                f"value “{self.value}”: {self.message_en}"
            )
        return f"工作表“{self.sheet}”第 {self.row} 行“{self.column}”列，值“{self.value}”：{self.message_zh}"


class CellInvalid(Exception):
    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(message_zh)
        self.message_zh = message_zh
        self.message_en = message_en


def _normal(text: object) -> str:
    return re.sub(r"\s+", "", str(text or "")).rstrip("*＊").casefold()


def header_map(kind: Kind, header: Sequence[Any]) -> list[Column | None]:
    """Which column each position holds. Chinese or English headers (or both, "中文 / English") match."""
    names: dict[str, Column] = {}
    for known in kind.columns:
        for name in (known.header_zh, known.header_en, known.key):
            names[_normal(name)] = known
    mapped: list[Column | None] = []
    seen: set[str] = set()
    for cell in header:
        text = _normal(cell)
        column: Column | None = names.get(text)
        if column is None:
            for part in re.split(r"[/／\n(（)）]", str(cell or "")):
                column = names.get(_normal(part))
                if column is not None:
                    break
        if column is not None:
            if column.key in seen:
                raise FileRejected(f"列“{cell}”重复", f"column “{cell}” appears twice")
            seen.add(column.key)
        mapped.append(column)
    missing = [c for c in kind.columns if c.required and c.key not in seen]
    if missing:
        raise FileRejected(
            "缺少必填列：" + "、".join(c.header_zh for c in missing),
            "missing required columns: " + ", ".join(c.header_en for c in missing),
        )
    return mapped


def _text_of(value: Any) -> str:
    """A cell as text: integral floats (Excel stores every number as one) lose their ".0"."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def display(value: Any) -> str:
    return "" if value is None else _text_of(value)


def _decimal(value: Any) -> Decimal:
    text = repr(value) if isinstance(value, float) else str(value).strip().replace(",", "").replace("，", "")
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        raise CellInvalid("不是有效的数字", "not a number") from None
    if not number.is_finite():
        raise CellInvalid("不是有效的数字", "not a number")
    # A year of 1e3092009 (the whole-path fuzz, seed 1606) made int() build a 3-million-digit number for
    # many minutes; no column holds more than 2^63, so anything past 10^30 is refused before arithmetic.
    if number.adjusted() > 30:
        raise CellInvalid("数值过大", "the number is too large")
    return number


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)


def _date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    text = text.split(" ")[0] if re.match(r"^\d{4}-\d{2}-\d{2} 00:00(:00)?$", text) else text
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return datetime.date(*(int(part) for part in match.groups()))
            except ValueError:
                break
    raise CellInvalid("不是有效的日期（应为 2009-05-01 格式）", "not a valid date (use 2009-05-01)")


_HAN = re.compile(r"[\u3400-\u9fff]")


def area_by_name(text: str) -> str:
    """The code of the area a cell names (普定县, or 安顺市普定县 where the name alone is not unique)."""
    from django.utils.translation import gettext as _

    from counterpart.registry.models import Area

    name = re.sub(r"\s+", "", text)
    candidates = list(Area.objects.filter(name_zh=name, abolished_year__isnull=True).values_list("code", flat=True)[:2])
    if not candidates:  # 安顺市普定县: the parent's name, then the area's
        for area in Area.objects.filter(abolished_year__isnull=True, name_zh__in=_tails(name)).select_related("parent"):
            if area.parent is not None and name == area.parent.name_zh + area.name_zh:
                candidates.append(area.code)
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise InvalidInput("area", text, _("没有该名称的行政区划，请填写区划名称或代码"))
    raise InvalidInput("area", text, _("有多个同名的行政区划，请在名称前加上级区划或填写代码"))


def _tails(name: str) -> list[str]:
    return [name[index:] for index in range(1, len(name))]


_TRUE = {"是", "true", "yes", "y", "1", "t", "√"}
_FALSE = {"否", "false", "no", "n", "0", "f", ""}


def _choice_index(column: Column) -> dict[str, str]:
    index: dict[str, str] = {}
    for value, zh, en in column.choices:
        for name in (value, zh, en, f"{value} {zh}", f"{zh} {en}", f"{zh}{en}"):
            index[_normal(name)] = value
    return index


Converter = Callable[[Any], Any]


def converter(column: Column) -> Converter:
    """A function from a non-empty cell to the column's typed value, raising CellInvalid."""
    kind = column.type
    if kind == ColumnType.TEXT:
        limit = column.max_length

        def text(value: Any) -> str:
            result = _text_of(value).strip()
            if limit is not None and len(result) > limit:
                raise CellInvalid(f"不能超过 {limit} 个字符", f"longer than {limit} characters")
            return result

        return text
    if kind in (ColumnType.INTEGER, ColumnType.YEAR):
        low, high = (1949, 2100) if kind == ColumnType.YEAR else (-(2**63), 2**63 - 1)

        def integer(value: Any) -> int:
            number = _decimal(value)
            if number != number.to_integral_value():
                raise CellInvalid("应为整数", "must be a whole number")
            result = int(number)
            if not low <= result <= high:
                raise CellInvalid(f"应在 {low} 与 {high} 之间", f"must be between {low} and {high}")
            return result

        return integer
    if kind == ColumnType.DECIMAL:

        def decimal(value: Any) -> Decimal:
            number = _decimal(value)
            if number.as_tuple().exponent < -2:  # type: ignore[operator]
                raise CellInvalid("最多两位小数", "at most two decimal places")
            return number

        return decimal
    if kind == ColumnType.MONEY:

        def money(value: Any) -> int:
            text = repr(value) if isinstance(value, float) else str(value)
            try:
                return yuan_to_fen(text, column.key)
            except InvalidInput:
                raise CellInvalid(
                    "不是有效的金额（元，最多两位小数）", "not a valid amount (yuan, at most two decimals)"
                ) from None

        return money
    if kind == ColumnType.DATE:
        return _date
    if kind == ColumnType.AREA:
        parsed: dict[str, str] = {}

        def area(value: Any) -> str:
            text = _text_of(value)
            code = parsed.get(text)
            if code is not None:
                return code
            try:
                code = area_by_name(text) if _HAN.search(text) else area_code_parse(text, column.key).code
            except InvalidInput as error:
                raise CellInvalid(str(error.reason), "not a valid area code (GB/T 2260)") from None
            if len(parsed) < 100_000:
                parsed[text] = code
            return code

        return area
    if kind == ColumnType.CHOICE:
        index = _choice_index(column)
        allowed_zh = "、".join(zh for _v, zh, _en in column.choices)
        allowed_en = ", ".join(en or v for v, _zh, en in column.choices)

        def choice(value: Any) -> str:
            found = index.get(_normal(_text_of(value)))
            if found is None:
                raise CellInvalid(f"不是允许的值，可选：{allowed_zh}", f"not an allowed value; one of: {allowed_en}")
            return found

        return choice
    if kind == ColumnType.BOOLEAN:

        def boolean(value: Any) -> bool:
            if isinstance(value, bool):
                return value
            text = _normal(_text_of(value))
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise CellInvalid("应为“是”或“否”", "must be yes or no")

        return boolean
    raise ValueError(kind)


def cell_clean(value: Any) -> Any:
    """None for an empty cell; a neutralised formula cell ('=…) back to its text."""
    if value is None:
        return None
    if isinstance(value, str):
        if value.startswith("'") and value[1:2] in FORMULA_TRIGGERS and value[1:2] != "":
            value = value[1:]
        if not value.strip():
            return None
    return value


class RowValidator:
    """Converts raw rows of one sheet into typed rows (dicts by column key), or RowErrors."""

    def __init__(self, kind: Kind, sheet: str, header: Sequence[Any]) -> None:
        self.kind = kind
        self.sheet = sheet
        self.columns = header_map(kind, header)
        self.positions = [(i, c, converter(c)) for i, c in enumerate(self.columns) if c is not None]
        self.absent = [c for c in kind.columns if c not in self.columns]

    def header_of(self, key: str) -> str:
        column = self.kind.column(key)
        return column.header_zh

    def validate(self, row_number: int, cells: Sequence[Any]) -> tuple[Row | None, list[RowError]]:
        row: Row = {}
        errors: list[RowError] = []
        width = len(cells)
        for position, column, convert in self.positions:
            raw = cell_clean(cells[position]) if position < width else None
            if raw is None:
                if column.required:
                    errors.append(
                        self.error(row_number, column.key, "", "必填，不能为空", "required, may not be empty")
                    )
                row[column.key] = "" if column.type == ColumnType.TEXT else None
                continue
            try:
                row[column.key] = convert(raw)
            except CellInvalid as invalid:
                errors.append(self.error(row_number, column.key, raw, invalid.message_zh, invalid.message_en))
        for column in self.absent:
            row[column.key] = "" if column.type == ColumnType.TEXT else None
        return (None if errors else row), errors

    def error(self, row_number: int, key: str, value: Any, message_zh: str, message_en: str) -> RowError:
        try:
            header = self.header_of(key)
            column = self.kind.column(key)
            header_en = column.header_en
            if column.sensitive and value not in (None, ""):
                value = column.masked(display(value))
        except KeyError:
            header = header_en = key
        return RowError(self.sheet, row_number, header, display(value), message_zh, message_en, header_en)


def row_is_blank(cells: Sequence[Any]) -> bool:
    try:  # a row of text (every CSV row): one join instead of a test per cell
        return not "".join(cells).strip()
    except TypeError:
        pass
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)
