"""Numbers as the reader of each language writes them: the one formatting module of the application.

Chinese pages, the PDF and the narrative write magnitudes with 万 and 亿 and Chinese units, the
qualifier where the yearbooks put it: 1640万元, 1.341亿元, 5万余人 (余 after the number, before the
unit), 近100万元, 约2100人. English pages write thousands with commas and millions (billions) in
words: 16.4 million yuan, more than 50,000 persons. Spreadsheets keep numbers as numbers and get
their number format here (``XLSX_FORMATS``), so a cell still adds up.

Qualifiers are the values of ``indicators.models.Qualifier`` ("", "more_than", "nearly", "about"),
named here as strings because core sits below the indicators.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .language import is_english

MORE_THAN, NEARLY, ABOUT = "more_than", "nearly", "about"
WAN = Decimal(10_000)
YI = Decimal(100_000_000)

# The base units of the indicator catalogue, as each language writes them after a number.
UNITS_ZH = {
    "yuan": "元",
    "persons": "人",
    "count": "个",
    "villages": "个村",
    "pairs": "对",
    "person-times": "人次",
    "km": "公里",
    "mu": "亩",
    "heads": "头（只）",
    "households": "户",
    "pieces": "件",
    "projects": "个",
    "enterprises": "家",
    "courses": "期",
    "units per year": "台（套）/年",
    "percent": "%",
}
UNITS_EN = {
    "yuan": "yuan",
    "persons": "persons",
    "count": "",
    "villages": "villages",
    "pairs": "pairs",
    "person-times": "person-times",
    "km": "km",
    "mu": "mu",
    "heads": "head",
    "households": "households",
    "pieces": "pieces",
    "projects": "projects",
    "enterprises": "enterprises",
    "courses": "courses",
    "units per year": "units per year",
    "percent": "%",
}
# Number formats of spreadsheet cells, by unit: money with two places, other figures as they are.
XLSX_FORMATS = {"yuan": "#,##0.00", "percent": "0.0"}
XLSX_DEFAULT_FORMAT = "#,##0.##"


def _decimal(value: object) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None


def trim(number: Decimal, places: int = 2) -> str:
    """At most ``places`` decimals (rounded half up), trailing zeros dropped: 16.40 → 16.4, 5.00 → 5."""
    quantum = Decimal(1).scaleb(-places)
    text = f"{number.quantize(quantum, rounding=ROUND_HALF_UP):f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text in ("-0", "") else text


def _grouped(number: Decimal, places: int) -> str:
    """1234567.5 → 1,234,567.5 (at most ``places`` decimals, trailing zeros dropped)."""
    text = trim(number, places)
    whole, _dot, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = f"{int(whole.lstrip('-')):,}"
    return f"{sign}{whole}" + (f".{fraction}" if fraction else "")


def number_zh(value: object, unit: str = "") -> str:
    """The number alone, Chinese style: 1640万, 1.341亿, 2040, 87.5 (no unit, no qualifier)."""
    amount = _decimal(value)
    size = abs(amount)
    if size >= YI:
        return f"{trim(amount / YI, 4)}亿"
    if size >= WAN:
        return f"{trim(amount / WAN, 2)}万"
    return trim(amount, 2)


def number_en(value: object, unit: str = "") -> str:
    """The number alone, English style: 16.4 million, 1.34 billion, 50,000, 87,580.5."""
    amount = _decimal(value)
    size = abs(amount)
    if size >= 1_000_000_000:
        return f"{_grouped(amount / 1_000_000_000, 2)} billion"
    if size >= 1_000_000:
        return f"{_grouped(amount / 1_000_000, 2)} million"
    return _grouped(amount, 2)


def qualify_zh(text: str, qualifier: str) -> str:
    """余 follows the number (5万余), 近 and 约 precede it (近1万, 约2100)."""
    if qualifier == MORE_THAN:
        return f"{text}余"
    if qualifier == NEARLY:
        return f"近{text}"
    if qualifier == ABOUT:
        return f"约{text}"
    return text


def qualify_en(text: str, qualifier: str) -> str:
    prefix = {MORE_THAN: "more than ", NEARLY: "nearly ", ABOUT: "about "}
    return prefix.get(qualifier, "") + text


def unit_text(unit: str, language: str | None = None) -> str:
    """A catalogue unit as the language writes it after a number (an unknown unit stays as given)."""
    if is_english(language):
        return UNITS_EN.get(unit, unit)
    return UNITS_ZH.get(unit, unit)


def figure_text(value: object, unit: str = "", qualifier: str = "", *, language: str | None = None) -> str:
    """A figure with its unit and qualifier: 1640万元 / 16.4 million yuan, 5万余人 / more than 50,000 persons."""
    if value is None or value == "":
        return ""
    if is_english(language):
        words = unit_text(unit, language)
        text = number_en(value, unit) + (f" {words}" if words and words != "%" else words)
        return qualify_en(text, qualifier)
    return qualify_zh(number_zh(value, unit), qualifier) + unit_text(unit, language)


def yuan_text(fen: int | None, *, language: str | None = None) -> str:
    """An amount held in integer fen, written with its unit: 8.76万元 / 87,580 yuan ('' for none)."""
    if fen is None:
        return ""
    return figure_text(Decimal(fen) / 100, "yuan", language=language)


def count_text(value: object, *, language: str | None = None) -> str:
    """A count without unit where the column says what is counted: 2040 / 2,040, 5万 / 50,000."""
    if value is None or value == "":
        return ""
    return number_en(value) if is_english(language) else number_zh(value)


def xlsx_format(unit: str) -> str:
    return XLSX_FORMATS.get(unit, XLSX_DEFAULT_FORMAT)
