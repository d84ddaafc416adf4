"""The checks of typed values the enterprise actions share: whole numbers, quantities, years,
qualifiers and choices, each refused as an InvalidInput naming the field."""

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from counterpart.core.errors import InvalidInput
from counterpart.indicators.models import Qualifier


def whole_number(field_name: str, value: object) -> int | None:
    """A non-negative whole number (a count, or an amount in fen), or None when not given."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(field_name, value, _("必须是整数"))
    if value < 0:
        raise InvalidInput(field_name, value, _("不能为负数"))
    return value


def quantity_of(field_name: str, value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InvalidInput(field_name, value, _("不是有效的数量"))
    try:
        quantity = Decimal(repr(value) if isinstance(value, float) else str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput(field_name, value, _("不是有效的数量")) from None
    if not quantity.is_finite() or quantity < 0:
        raise InvalidInput(field_name, value, _("数量不能为负数"))
    return quantity


def year_of(field_name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1949 <= value <= 2100:
        raise InvalidInput(field_name, value, _("年份不在有效范围内"))
    return value


def qualifiers_of(value: Mapping[str, str] | None, allowed: Iterable[str], given: Mapping[str, object]) -> dict:
    """Qualifiers by indicator key: each must name a known qualifier of a figure that was given."""
    result: dict[str, str] = {}
    allowed = set(allowed)
    for key, qualifier in (value or {}).items():
        if key not in allowed:
            raise InvalidInput("qualifiers", key, _("未知的指标"))
        if qualifier not in Qualifier.values:
            raise InvalidInput(f"qualifiers.{key}", qualifier, _("未知的限定词"))
        if given.get(key) is None:
            raise InvalidInput(f"qualifiers.{key}", qualifier, _("该指标没有数值，不能加限定词"))
        if qualifier:
            result[key] = qualifier
    return result


def choice_of(field_name: str, value: str, choices: type, message: str) -> str:
    if value not in choices.values:  # type: ignore[attr-defined]
        raise InvalidInput(field_name, value, message)
    return value
