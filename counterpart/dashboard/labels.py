"""Labels and numbers as the dashboard prints them: the active language, yuan; numbers by core/numbers.py
(a record's name in the page's language: ``core.language.pick``)."""

from decimal import Decimal
from typing import Any

from counterpart.core import numbers


def choice_label(label: Any) -> str:
    """A choice label in the active language (the labels are ``pgettext_lazy("choice", …)``)."""
    return str(label)


def yuan(fen: int | None) -> float:
    return float((Decimal(fen or 0) / 100).quantize(Decimal("0.01")))


def figure_text(value: Decimal | int | float, unit: str, qualifier: str = "") -> str:
    """A figure as the yearbooks write it, in the active language (counterpart/core/numbers.py)."""
    return numbers.figure_text(value, unit, qualifier)
