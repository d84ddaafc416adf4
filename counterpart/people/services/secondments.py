"""Secondments: officials and professionals sent between the paired sides."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from counterpart.core.audit import Actor, audit_record
from counterpart.core.errors import InvalidInput
from counterpart.registry.models import Area, Organisation, Pairing, Program
from counterpart.registry.services import period_lock_check

from ..models import (
    Direction,
    Person,
    Secondment,
    SecondmentKind,
)
from .checks import areas_check, program_pairing_check


def secondment_record(
    *,
    actor: Actor,
    program: Program,
    kind: str,
    direction: str,
    person_name: str,
    from_area: Area,
    to_area: Area,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    position: str = "",
    person: Person | None = None,
    from_organisation: Organisation | None = None,
    to_organisation: Organisation | None = None,
    pairing: Pairing | None = None,
    is_illustrative: bool = False,
) -> Secondment:
    """A cadre seconded or a professional sent, either way, for a period."""
    if kind not in SecondmentKind.values:
        raise InvalidInput("kind", kind, _("未知的挂职交流类型"))
    if direction not in Direction.values:
        raise InvalidInput("direction", direction, _("未知的派出方向"))
    if not person_name.strip():
        raise InvalidInput("person_name", person_name, _("姓名不能为空"))
    if end_date is not None and end_date < start_date:
        raise InvalidInput("end_date", end_date.isoformat(), _("结束日期早于开始日期"))
    program_pairing_check(program, pairing)
    with transaction.atomic():
        # Where the secondment lands on the recipient side: the area it goes to, or comes from.
        recipient_side = to_area if direction == Direction.TO_RECIPIENT else from_area
        areas_check(
            actor=actor,
            verb="secondment_record",
            areas=[recipient_side.code],
            program=program.pk,
            pairing=pairing,
            field="to_area",
        )
        period_lock_check(program, start_date.year, field="start_date")
        secondment = Secondment.objects.create(
            program=program,
            pairing=pairing,
            kind=kind,
            direction=direction,
            person=person,
            person_name=person_name.strip(),
            position=position.strip(),
            from_area=from_area,
            to_area=to_area,
            from_organisation=from_organisation,
            to_organisation=to_organisation,
            start_date=start_date,
            end_date=end_date,
            is_illustrative=is_illustrative,
        )
        audit_record(actor, "secondment.record", secondment)
    return secondment
