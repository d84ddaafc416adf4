"""Writes for reported values."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from counterpart.core.audit import Actor, audit_record
from counterpart.core.errors import InvalidInput
from counterpart.registry.models import Area, Pairing, Program

from .models import Qualifier, ReportedValue


def reported_value_enter(
    actor: Actor,
    *,
    program: Program,
    indicator_key: str,
    year: int,
    value: object,
    unit: str,
    year_to: int | None = None,
    qualifier: str = Qualifier.EXACT,
    area: Area | None = None,
    pairing: Pairing | None = None,
    breakdown_dimension: str = "",
    breakdown_code: str = "",
    citation: str = "",
    is_illustrative: bool = False,
) -> ReportedValue:
    """Enter a figure as published, with its qualifier and citation."""
    if not indicator_key or not indicator_key.replace("_", "").isalnum():
        raise InvalidInput("indicator_key", indicator_key, _("指标代码无效"))
    if isinstance(value, float):
        raise InvalidInput("value", value, _("数值必须是精确的十进制数"))
    try:
        number = Decimal(str(value).replace(",", ""))
    except (InvalidOperation, ValueError):
        raise InvalidInput("value", value, _("不是有效的数值")) from None
    if not number.is_finite() or number < 0:
        raise InvalidInput("value", value, _("数值不能为负数"))
    if year_to is not None and year_to < year:
        raise InvalidInput("year_to", year_to, _("末年早于起始年"))
    if qualifier not in Qualifier.values:
        raise InvalidInput("qualifier", qualifier, _("未知的限定词"))
    if bool(breakdown_dimension) != bool(breakdown_code):
        raise InvalidInput("breakdown_code", breakdown_code, _("分项维度和分项代码必须同时填写"))
    with transaction.atomic():
        reported = ReportedValue.objects.create(
            program=program,
            indicator_key=indicator_key,
            year=year,
            year_to=year_to,
            area=area,
            pairing=pairing,
            value=number,
            unit=unit,
            qualifier=qualifier,
            breakdown_dimension=breakdown_dimension,
            breakdown_code=breakdown_code,
            citation=citation,
            is_illustrative=is_illustrative,
        )
        audit_record(actor, "reported_value.enter", reported)
    return reported
