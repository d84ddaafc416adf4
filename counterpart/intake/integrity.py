"""Integrity checks over what imports wrote (registered with ``counterpart check-integrity``).

The persons bulk path writes with set-based SQL rather than one ``save()`` per row, so these
checks restate the rules a person row must satisfy, and find what an interrupted import left. The
county code of persons and households is also what a county office's scope is matched on
(access.scoping), so a row whose code disagrees with its area is an error.
"""

from typing import Any

from django.db.models import F, Q
from django.db.models.functions import Left

from counterpart.integrity.checks import IntegrityCheck, Severity, integrity_check_register, integrity_sweeper_register
from counterpart.people.models import Household, Person, Relation

from .at_rest import leftovers_sweep, stage_tables_ended


def _persons_county_not_their_area() -> list[Any]:
    return list(
        Person.objects.annotate(prefix=Left("area_id", 6)).exclude(county_code=F("prefix")).values_list("id")[:20]
    )


def _households_county_not_their_village() -> list[Any]:
    return list(
        Household.objects.annotate(prefix=Left("village_id", 6))
        .exclude(county_code=F("prefix"))
        .values_list("number")[:20]
    )


def _persons_identity_incomplete() -> list[Any]:
    """Ciphertext without its blind index or key id, or the other way round."""
    half = Q(identity_ciphertext=None, identity_blind_index__isnull=False) | Q(
        identity_ciphertext__isnull=False, identity_blind_index=None
    )
    return list(
        Person.objects.filter(half | Q(identity_ciphertext__isnull=False, identity_key_id="")).values_list("id")[:20]
    )


def _members_outside_their_household_village() -> list[Any]:
    return list(
        Person.objects.filter(household__isnull=False)
        .exclude(area_id=F("household__village_id"))
        .values_list("id")[:20]
    )


def _household_heads_not_members() -> list[Any]:
    return list(
        Household.objects.filter(head__isnull=False)
        .exclude(head__household_id=F("id"), head__relation=Relation.HEAD)
        .values_list("number")[:20]
    )


for check in (
    IntegrityCheck(
        "person.county_not_area",
        Severity.ERROR,
        "人员的县级代码与其所在地不符",
        "a person whose county code is not their area's",
        _persons_county_not_their_area,
    ),
    IntegrityCheck(
        "household.county_not_village",
        Severity.ERROR,
        "贫困户的县级代码与其所在村不符",
        "a household whose county code is not its village's",
        _households_county_not_their_village,
    ),
    IntegrityCheck(
        "person.identity_incomplete",
        Severity.ERROR,
        "身份证号码的密文、盲索引或密钥编号不全",
        "an identity number without its ciphertext, blind index or key id",
        _persons_identity_incomplete,
    ),
    IntegrityCheck(
        "person.outside_household_village",
        Severity.ERROR,
        "贫困户成员不在该户所在村",
        "a household member not in the household's village",
        _members_outside_their_household_village,
    ),
    IntegrityCheck(
        "household.head_not_member",
        Severity.ERROR,
        "户主不是该户成员",
        "a household whose head is not one of its members with relation head",
        _household_heads_not_members,
    ),
    IntegrityCheck(
        "intake.stage_left_behind",
        Severity.WARNING,
        "导入中断后遗留的暂存表",
        "staging tables of imports that are no longer running",
        stage_tables_ended,
    ),
):
    integrity_check_register(check)

# What imports left on disk: killed imports' spools, ended batches' uploads past retention.
integrity_sweeper_register("intake.leftovers", leftovers_sweep)
