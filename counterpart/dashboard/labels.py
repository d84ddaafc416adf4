"""Labels and numbers as the dashboard prints them: the active language, yuan, Chinese units (万元)."""

from decimal import Decimal
from typing import Any

from django.utils.translation import get_language

from counterpart.reports.narrative import qualify_en, qualify_zh


def pick(zh: str, en: str) -> str:
    return en if (get_language() or "zh-hans").startswith("en") and en else zh


def choice_label(label: Any) -> str:
    """A choice label in the active language (the labels are ``pgettext_lazy("choice", …)``)."""
    return str(label)


def yuan(fen: int | None) -> float:
    return float((Decimal(fen or 0) / 100).quantize(Decimal("0.01")))


def trim(number: Decimal) -> str:
    text = f"{number.quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


UNITS_ZH = {
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
}


def figure_text(value: Decimal | int | float, unit: str, qualifier: str = "") -> str:
    """A figure as the yearbooks write it: 1640万元 / 16.40 million yuan, 5万余人 / more than 50,000 persons."""
    amount = Decimal(str(value))
    english = (get_language() or "zh-hans").startswith("en")
    if english:
        if unit == "yuan" and amount >= 1_000_000:
            text = f"{amount / 1_000_000:,.2f} million yuan"
        elif unit == "yuan":
            text = f"{amount:,.2f} yuan"
        else:
            number = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount.normalize():,f}"
            text = f"{number} {unit}" if unit != "count" else number
        return qualify_en(text, qualifier)
    if unit == "yuan":
        if amount >= 100_000_000:
            number = f"{trim(amount / 100_000_000)}亿"
        elif amount >= 10_000:
            number = f"{trim(amount / 10_000)}万"
        else:
            number = trim(amount)
        return qualify_zh(number, qualifier) + "元"
    number = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount.normalize():,f}"
    return qualify_zh(number, qualifier) + UNITS_ZH.get(unit, unit)
