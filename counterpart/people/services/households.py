"""Households: registration (one and in bulk), yearly status, corrections."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from counterpart.core.audit import Actor, audit_record, audit_record_bulk, snapshot
from counterpart.core.errors import InvalidInput
from counterpart.registry.models import Area, AreaLevel, Organisation
from counterpart.registry.services import period_lock_check_area

from ..models import (
    Household,
    HouseholdStatus,
    PovertyCause,
    PovertyStatus,
)
from .checks import areas_check


def household_check(number: str, village: Area, poverty_cause: str) -> None:
    """The rules a new household must meet (``household_register`` applies them; importers call them)."""
    if not (number or "").strip():
        raise InvalidInput("number", number, _("户编号不能为空"))
    if village.level != AreaLevel.VILLAGE:
        raise InvalidInput("village", village.code, _("贫困户所在地应为村级区划"))
    if poverty_cause not in PovertyCause.values:
        raise InvalidInput("poverty_cause", poverty_cause, _("未知的致贫原因"))


def household_register(
    *,
    actor: Actor,
    number: str,
    village: Area,
    poverty_cause: str,
    year: int,
    helper_name: str = "",
    helper_organisation: Organisation | None = None,
    is_illustrative: bool = False,
) -> Household:
    """Register a poor household in a village, with status "registered" from ``year``."""
    number = (number or "").strip()
    household_check(number, village, poverty_cause)
    with transaction.atomic():
        areas_check(actor=actor, verb="household_register", areas=[village.code], field="village")
        if Household.objects.filter(number=number).exists():
            raise InvalidInput("number", number, _("该户编号已存在"))
        household = Household.objects.create(
            number=number,
            village=village,
            county_code=village.code[:6],
            poverty_cause=poverty_cause,
            helper_name=helper_name.strip(),
            helper_organisation=helper_organisation,
            is_illustrative=is_illustrative,
        )
        HouseholdStatus.objects.create(
            household=household, year=year, status=PovertyStatus.REGISTERED, county_code=household.county_code
        )
        audit_record(actor, "household.register", household)
    return household


@dataclass(frozen=True)
class HouseholdRow:
    number: str
    village: Area
    poverty_cause: str
    helper_name: str = ""
    is_illustrative: bool = False


def households_register_bulk(*, actor: Actor, rows: Sequence[HouseholdRow], year: int, source: str) -> int:
    """Register many households (status "registered" from ``year``), all or nothing, one audit event."""
    numbers = set()
    for line, row in enumerate(rows, start=1):
        if not row.number.strip() or row.number in numbers:
            raise InvalidInput(f"row {line}", row.number, _("户编号为空或重复"))
        numbers.add(row.number)
        if row.village.level != AreaLevel.VILLAGE:
            raise InvalidInput(f"row {line}", row.village.code, _("贫困户所在地应为村级区划"))
        if row.poverty_cause not in PovertyCause.values:
            raise InvalidInput(f"row {line}", row.poverty_cause, _("未知的致贫原因"))
    with transaction.atomic():
        areas_check(
            actor=actor, verb="households_register_bulk", areas=(row.village.code for row in rows), field="village"
        )
        existing = Household.objects.filter(number__in=sorted(numbers)).values_list("number", flat=True)[:1]
        for number in existing:
            raise InvalidInput("number", number, _("该户编号已存在"))
        Household.objects.bulk_create(
            [
                Household(
                    number=row.number.strip(),
                    village=row.village,
                    county_code=row.village.code[:6],
                    poverty_cause=row.poverty_cause,
                    helper_name=row.helper_name.strip(),
                    is_illustrative=row.is_illustrative,
                )
                for row in rows
            ],
            batch_size=2_000,
        )
        created = Household.objects.filter(number__in=sorted(numbers)).values_list("pk", "county_code")
        HouseholdStatus.objects.bulk_create(
            [
                HouseholdStatus(household_id=pk, year=year, status=PovertyStatus.REGISTERED, county_code=county)
                for pk, county in created
            ],
            batch_size=2_000,
        )
        audit_record_bulk(
            actor, "household.register_bulk", "people.household", after={"source": source, "rows": len(rows)}
        )
    return len(rows)


def household_status_set(
    *, actor: Actor, household: Household, year: int, status: str, reason: str = ""
) -> HouseholdStatus:
    """Record a household's status for a year (lifted out, returned, registered) and why; a return to
    poverty must say its cause."""
    if status not in PovertyStatus.values:
        raise InvalidInput("status", status, _("未知的贫困状态"))
    reason = (reason or "").strip()
    if status == PovertyStatus.RETURNED and not reason:
        raise InvalidInput("reason", reason, _("返贫须说明原因"))
    if len(reason) > 255:
        raise InvalidInput("reason", reason[:20], _("原因不能超过255个字"))
    with transaction.atomic():
        areas_check(actor=actor, verb="household_status_set", areas=[household.village_id], field="household")
        period_lock_check_area(household.village_id, year)
        record, created = HouseholdStatus.objects.get_or_create(
            household=household,
            year=year,
            defaults={"status": status, "reason": reason, "county_code": household.county_code},
        )
        before = None if created else snapshot(record)
        if not created:
            record.status = status
            record.reason = reason
            record.save(update_fields=["status", "reason"])
        audit_record(actor, "household.status_set", record, before=before)
    return record


HOUSEHOLD_EDITABLE_FIELDS = ("poverty_cause", "helper_name")


def household_update(*, actor: Actor, household: Household, reason: str = "", **changes: object) -> Household:
    """Correct a household's cause of poverty or helper. Its number and village identify it."""
    unknown = set(changes) - set(HOUSEHOLD_EDITABLE_FIELDS)
    if unknown:
        name = sorted(unknown)[0]
        raise InvalidInput(name, changes[name], _("该项不能修改"))
    if "poverty_cause" in changes and changes["poverty_cause"] not in PovertyCause.values:
        raise InvalidInput("poverty_cause", changes["poverty_cause"], _("未知的致贫原因"))
    with transaction.atomic():
        household = Household.objects.select_for_update().get(pk=household.pk)
        areas_check(actor=actor, verb="household_update", areas=[household.village_id], field="household")
        before = snapshot(household)
        for name, value in changes.items():
            setattr(household, name, str(value or "").strip() if name == "helper_name" else value)
        household.save(update_fields=list(changes))
        audit_record(actor, "household.update", household, before=before, reason=reason)
    return household
