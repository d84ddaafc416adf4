"""Writes for reported values."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from counterpart.access.policy import Target, policy_check
from counterpart.core.audit import Actor, audit_record, snapshot
from counterpart.core.errors import InvalidInput
from counterpart.registry.models import Area, Pairing, Program
from counterpart.registry.services import period_lock_check

from .models import Aggregation, AssessmentArea, Indicator, Qualifier, ReportedValue, Topic, UsualSource
from .units import value_in_base_unit


def _target(program: int, area: str | None, pairing: Pairing | None) -> Target:
    return Target(program=program, area=area, donor_area=pairing.donor_area_id if pairing is not None else None)


def reported_value_enter(
    *,
    actor: Actor,
    program: Program,
    indicator_key: str,
    year: int,
    value: object,
    unit: str = "",
    year_to: int | None = None,
    qualifier: str = Qualifier.EXACT,
    area: Area | None = None,
    pairing: Pairing | None = None,
    breakdown_dimension: str = "",
    breakdown_code: str = "",
    citation: str = "",
    stated_change_percent: object | None = None,
    is_illustrative: bool = False,
    breakdown_partial: bool = False,
    share_percent: object | None = None,
    share_of: str = "",
    is_preferred: bool = False,
) -> ReportedValue:
    """Enter a figure as published, with its qualifier and citation.

    The indicator must be in the catalogue; the value is stored in the indicator's base unit (yuan,
    not 万元), converted exactly from the unit spelling given (indicators/units.py), so that published
    and computed figures can be compared. A second value for the same figure is kept beside the first
    (both are flagged by the report's checks); ``is_preferred`` marks the one the office stands behind.
    """
    indicator = Indicator.objects.filter(key=indicator_key).first()
    if indicator is None:
        raise InvalidInput("indicator_key", indicator_key, _("指标目录中没有该指标"))
    if isinstance(value, float):
        raise InvalidInput("value", value, _("数值必须是精确的十进制数"))
    try:
        number = Decimal(str(value).replace(",", ""))
    except (InvalidOperation, ValueError):
        raise InvalidInput("value", value, _("不是有效的数值")) from None
    if not number.is_finite() or number < 0:
        raise InvalidInput("value", value, _("数值不能为负数"))
    number = value_in_base_unit(indicator.key, indicator.topic, indicator.unit, number, unit)
    unit = indicator.unit
    share = None
    if share_percent is not None:
        try:
            share = Decimal(str(share_percent))
        except (InvalidOperation, ValueError):
            raise InvalidInput("share_percent", share_percent, _("不是有效的百分比")) from None
        if not Decimal(0) < share <= Decimal(100) or not share_of:
            raise InvalidInput("share_percent", share_percent, _("占比应在 0 到 100% 之间，并写明是哪个指标的占比"))
        if not Indicator.objects.filter(key=share_of).exists():
            raise InvalidInput("share_of", share_of, _("指标目录中没有该指标"))
    if year_to is not None and year_to < year:
        raise InvalidInput("year_to", year_to, _("末年早于起始年"))
    if qualifier not in Qualifier.values:
        raise InvalidInput("qualifier", qualifier, _("未知的限定词"))
    change = None
    if stated_change_percent is not None:
        try:
            change = Decimal(str(stated_change_percent))
        except (InvalidOperation, ValueError):
            raise InvalidInput("stated_change_percent", stated_change_percent, _("不是有效的百分比")) from None
    if bool(breakdown_dimension) != bool(breakdown_code):
        raise InvalidInput("breakdown_code", breakdown_code, _("分项维度和分项代码必须同时填写"))
    target = _target(program.pk, area.code if area is not None else None, pairing)
    policy_check(actor, "reported_value_enter", target, area_field="area")
    with transaction.atomic():
        period_lock_check(program, *range(year, (year_to or year) + 1))
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
            stated_change_percent=change,
            is_illustrative=is_illustrative,
            breakdown_partial=breakdown_partial,
            share_percent=share,
            share_of=share_of if share is not None else "",
            is_preferred=is_preferred,
        )
        audit_record(actor, "reported_value.enter", reported)
    return reported


def indicator_create(
    *,
    actor: Actor,
    key: str,
    name_zh: str,
    name_en: str,
    topic: str,
    unit: str,
    aggregation: str,
    usual_source: str = UsualSource.REPORTED,
    assessment_area: str | None = None,
    description: str = "",
) -> Indicator:
    """Add an indicator of the user's own to the catalogue. Its assessment area follows from its topic
    unless ``assessment_area`` names another."""
    from .models import ASSESSMENT_AREA_BY_TOPIC

    policy_check(actor, "indicator_create", Target(program=None))
    if not key or not key.isascii() or not key.replace("_", "").isalnum() or not key[0].isalpha() or key != key.lower():
        raise InvalidInput("key", key, _("指标代码只能包含小写英文字母、数字和下划线，并以字母开头"))
    if topic not in Topic.values:
        raise InvalidInput("topic", topic, _("未知的指标类别"))
    if aggregation not in Aggregation.values:
        raise InvalidInput("aggregation", aggregation, _("未知的汇总方式"))
    if usual_source not in UsualSource.values:
        raise InvalidInput("usual_source", usual_source, _("未知的数据来源"))
    area = assessment_area or ASSESSMENT_AREA_BY_TOPIC[topic]
    if area not in AssessmentArea.values:
        raise InvalidInput("assessment_area", assessment_area, _("未知的考核领域"))
    if not unit.strip():
        raise InvalidInput("unit", unit, _("请填写单位"))
    with transaction.atomic():
        if Indicator.objects.filter(key=key).exists():
            raise InvalidInput("key", key, _("该指标代码已存在"))
        indicator = Indicator.objects.create(
            key=key,
            name_zh=name_zh,
            name_en=name_en,
            topic=topic,
            assessment_area=area,
            unit=unit.strip(),
            aggregation=aggregation,
            usual_source=usual_source,
            description=description,
            is_builtin=False,
        )
        audit_record(actor, "indicator.create", indicator)
    return indicator


# What a correction of a published figure may change; which figure it is (indicator, years, area,
# breakdown) is its identity and is entered anew instead.
REPORTED_VALUE_EDITABLE_FIELDS = (
    "value",
    "qualifier",
    "citation",
    "stated_change_percent",
    "breakdown_partial",
    "share_percent",
    "share_of",
    "is_preferred",
)


def reported_value_update(
    *, actor: Actor, reported: ReportedValue, reason: str = "", **changes: object
) -> ReportedValue:
    """Correct a reported figure's value, qualifier, citation or stated change: whoever may enter it.
    Audited; refused in locked years."""
    for name in changes:
        if name not in REPORTED_VALUE_EDITABLE_FIELDS:
            raise InvalidInput(name, changes[name], _("该字段不能通过修改变更"))
    if "value" in changes:
        value = changes["value"]
        if isinstance(value, float):
            raise InvalidInput("value", value, _("数值必须是精确的十进制数"))
        try:
            changes["value"] = Decimal(str(value).replace(",", ""))
        except (InvalidOperation, ValueError):
            raise InvalidInput("value", value, _("不是有效的数值")) from None
        number = changes["value"]
        assert isinstance(number, Decimal)
        if not number.is_finite() or number < 0:
            raise InvalidInput("value", value, _("数值不能为负数"))
    if "qualifier" in changes and changes["qualifier"] not in Qualifier.values:
        raise InvalidInput("qualifier", changes["qualifier"], _("未知的限定词"))
    with transaction.atomic():
        reported = ReportedValue.objects.select_for_update(of=("self",)).select_related("pairing").get(pk=reported.pk)
        target = _target(reported.program_id, reported.area_id, reported.pairing)
        policy_check(actor, "reported_value_update", target, area_field="area")
        updated = {name: value for name, value in changes.items() if getattr(reported, name) != value}
        if not updated:
            return reported
        period_lock_check(reported.program_id, *range(reported.year, (reported.year_to or reported.year) + 1))
        before = snapshot(reported)
        for name, value in updated.items():
            setattr(reported, name, value)
        reported.save(update_fields=list(updated))
        audit_record(actor, "reported_value.update", reported, before=before, reason=reason)
    return reported
