"""Exact money: amounts are stored as integer fen (分, 1/100 yuan), never as floats.

Users type yuan ("16,400,000.00", "1640万"); the domain layer converts once, here, and refuses
anything that is not a whole number of fen.
"""

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .errors import InvalidInput

FEN_PER_YUAN = 100
# Ten trillion yuan: more than any program's total, and well inside the 64-bit integer columns the
# amounts are stored in (a bigger number overflows them: SQLite refuses it with an OverflowError).
MONEY_MAX_FEN = 10**15
_UNIT_SUFFIXES = {"亿": Decimal("100000000"), "万": Decimal("10000"), "元": Decimal("1")}


def yuan_to_fen(value: object, field: str = "amount") -> int:
    """Parse an amount in yuan (str, int or Decimal) into integer fen, exactly.

    Floats are refused: 0.1 + 0.2 is not a sum of money.
    """
    if isinstance(value, bool | float):
        raise InvalidInput(field, value, _("金额必须是精确的十进制数，不能是浮点数"))
    if isinstance(value, int):
        return _within_bounds(value * FEN_PER_YUAN, field, value)
    text = str(value).strip().replace(",", "").replace("，", "").replace(" ", "")
    multiplier = Decimal(1)
    for suffix, factor in _UNIT_SUFFIXES.items():
        if text.endswith(suffix):
            text = text[: -len(suffix)]
            multiplier = factor
            break
    try:
        parsed = Decimal(text)
    except (InvalidOperation, ValueError):
        raise InvalidInput(field, value, _("不是有效的金额")) from None
    if not parsed.is_finite():
        raise InvalidInput(field, value, _("不是有效的金额"))
    # Bounded before any arithmetic: an exponent past the context's (9999999999999991e30999999, found by the
    # import fuzz) makes the multiplication raise decimal.Overflow, and a tiny one rounds to 0 fen.
    if parsed.adjusted() > 20:
        raise InvalidInput(field, value, _("金额超出上限（十万亿元）"))
    if parsed and parsed.adjusted() + multiplier.adjusted() < -2:
        raise InvalidInput(field, value, _("金额最小单位为分（两位小数）"))
    amount = parsed * multiplier
    fen = amount * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise InvalidInput(field, value, _("金额最小单位为分（两位小数）"))
    return _within_bounds(int(fen), field, value)


def _within_bounds(fen: int, field: str, value: object) -> int:
    if abs(fen) > MONEY_MAX_FEN:
        raise InvalidInput(field, value, _("金额超出上限（十万亿元）"))
    return fen


def fen_to_yuan(fen: int) -> Decimal:
    """Integer fen as an exact Decimal number of yuan with two places."""
    return (Decimal(fen) / FEN_PER_YUAN).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def format_yuan(fen: int) -> str:
    """Human form used in text reports: 16,400,000.00."""
    return f"{fen_to_yuan(fen):,.2f}"
