from decimal import Decimal
from typing import Any

from django import template

from counterpart.reports.annual import AnnualReport, Figure
from counterpart.reports.drill import drill_url
from counterpart.reports.narrative import qualify_zh

register = template.Library()
SOURCE_ZH = {"ledger": "资金台账", "projects": "项目库", "registry": "登记记录", "reported": "上报数"}


@register.filter
def amount(value: Any, unit: str = "") -> str:
    if value is None or value == "":
        return ""
    number = Decimal(value)
    if unit == "yuan":
        return f"{number:,.2f}"
    return f"{number:,.0f}" if number == number.to_integral_value() else f"{number.normalize():,f}"


@register.filter
def qualified_amount(figure: Figure) -> str:
    return qualify_zh(amount(figure.value, figure.unit), figure.qualifier)


@register.filter
def source_zh(source: str) -> str:
    return SOURCE_ZH.get(source, source)


@register.simple_tag
def drill(report: AnnualReport, figure: Figure) -> str | None:
    return drill_url(report, figure)
