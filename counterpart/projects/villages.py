"""Village advancement: a village's five components, started and completed. Atomic and audited.

The actions ask the one policy (verbs declared in ``village_policy``) and the period guard, like
every other action; a component is delivered by projects of the advancement's program.
"""

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from counterpart.access.policy import Target, policy_check
from counterpart.core.audit import Actor, audit_record, snapshot
from counterpart.core.errors import InvalidInput
from counterpart.registry.models import Area, AreaLevel, Pairing, Program
from counterpart.registry.services import period_lock_check

from .models import ComponentStatus, Project, VillageAdvancement, VillageComponent, VillageComponentKind


def _village_target(program_id: int, village_code: str, pairing: Pairing | None) -> Target:
    return Target(
        program=program_id, area=village_code, donor_area=pairing.donor_area_id if pairing is not None else None
    )


def village_advancement_start(
    *,
    actor: Actor,
    program: Program,
    village: Area,
    start_year: int,
    pairing: Pairing | None = None,
    is_illustrative: bool = False,
) -> VillageAdvancement:
    """Take on a development-oriented village: its five components start as planned."""
    if village.level != AreaLevel.VILLAGE:
        raise InvalidInput("village", village.code, _("整村推进的对象应为村级区划"))
    if start_year < program.start_year or (program.end_year is not None and start_year > program.end_year):
        raise InvalidInput("start_year", start_year, _("年份不在协作项目的期限内"))
    period_lock_check(program, start_year, field="start_year")
    if pairing is not None and pairing.program_id != program.id:
        raise InvalidInput("pairing", pairing.pk, _("结对关系不属于该协作项目"))
    with transaction.atomic():
        target = _village_target(program.pk, village.code, pairing)
        policy_check(actor, "village_advancement_start", target, area_field="village")
        if VillageAdvancement.objects.filter(program=program, village=village).exists():
            raise InvalidInput("village", village.code, _("该村已列入本协作项目的整村推进"))
        advancement = VillageAdvancement.objects.create(
            program=program,
            village=village,
            county_code=village.code[:6],
            pairing=pairing,
            start_year=start_year,
            is_illustrative=is_illustrative,
        )
        VillageComponent.objects.bulk_create(
            [VillageComponent(advancement=advancement, component=kind) for kind in VillageComponentKind.values]
        )
        audit_record(actor, "village_advancement.start", advancement)
    return advancement


def village_component_update(
    *,
    actor: Actor,
    advancement: VillageAdvancement,
    component: str,
    status: str,
    completed_on: datetime.date | None = None,
    evidence: str | None = None,
    projects: Sequence[Project] = (),
) -> VillageComponent:
    """Set one component's status (complete needs a date), evidence and the projects that delivered it."""
    if component not in VillageComponentKind.values:
        raise InvalidInput("component", component, _("未知的整村推进内容"))
    if status not in ComponentStatus.values:
        raise InvalidInput("status", status, _("未知的完成状态"))
    if status == ComponentStatus.COMPLETE and completed_on is None:
        raise InvalidInput("completed_on", None, _("已完成的内容须填写完成日期"))
    for project in projects:
        if project.program_id != advancement.program_id:
            raise InvalidInput("projects", project.code, _("项目不属于该协作项目"))
        if not advancement.village_id.startswith(project.recipient_area_id):
            raise InvalidInput("projects", project.code, _("项目地点不包含该村"))
    with transaction.atomic():
        years = {completed_on.year} if completed_on is not None else set()
        record = VillageComponent.objects.select_for_update().get(advancement=advancement, component=component)
        target = _village_target(advancement.program_id, advancement.village_id, advancement.pairing)
        policy_check(actor, "village_component_update", target, area_field="village")
        if record.completed_on is not None:
            years.add(record.completed_on.year)  # un-completing a component changes its year too
        period_lock_check(advancement.program_id, *years, field="completed_on")
        before = snapshot(record)
        record.status = status
        record.completed_on = completed_on if status == ComponentStatus.COMPLETE else None
        if evidence is not None:
            record.evidence = evidence
        record.save(update_fields=["status", "completed_on", "evidence"])
        if projects:
            record.projects.add(*projects)
        audit_record(actor, "village_component.update", record, before=before)
    return record
