"""Labels and numbers as the dashboard prints them: the active language, yuan; numbers by core/numbers.py."""

from decimal import Decimal

from django.utils.translation import get_language

from counterpart.core import numbers


def pick(zh: str, en: str) -> str:
    return en if (get_language() or "zh-hans").startswith("en") and en else zh


def choice_label(label: str) -> str:
    """The active language's half of a bilingual choice label ("已批准 approved")."""
    zh, _space, en = str(label).partition(" ")
    return pick(zh, en)


def yuan(fen: int | None) -> float:
    return float((Decimal(fen or 0) / 100).quantize(Decimal("0.01")))


def figure_text(value: Decimal | int | float, unit: str, qualifier: str = "") -> str:
    """A figure as the yearbooks write it, in the active language (counterpart/core/numbers.py)."""
    return numbers.figure_text(value, unit, qualifier)
