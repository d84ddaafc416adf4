from typing import Any

from django import template

from counterpart.core import numbers
from counterpart.reports.annual import AnnualReport, Figure
from counterpart.reports.drill import drill_url

register = template.Library()


@register.filter
def amount(value: Any, unit: str = "") -> str:
    """A value of a figure's unit, with the unit, in the page's language (core/numbers.py)."""
    if value is None or value == "":
        return ""
    return numbers.figure_text(value, unit)


@register.filter
def qualified_amount(figure: Figure) -> str:
    return numbers.figure_text(figure.value, figure.unit, figure.qualifier)


@register.simple_tag
def drill(report: AnnualReport, figure: Figure, signed_in: bool = True) -> str | None:
    """The records behind a figure: only for a signed-in reader (the lists are under /app/)."""
    return drill_url(report, figure) if signed_in else None
