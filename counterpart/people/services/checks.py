"""Checks that several people services share: a year within the program, a pairing of the program,
the policy asked for every area a write reaches."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from counterpart.access.policy import Target, policy_check
from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.registry.models import Pairing, Program
from counterpart.registry.services import period_lock_check

REVEAL_PERMISSION = "people.reveal_identity"


def program_year_check(program: Program, year: int, field: str = "year") -> None:
    if year < program.start_year or (program.end_year is not None and year > program.end_year):
        raise InvalidInput(field, year, _("年份不在协作项目的期限内"))
    period_lock_check(program, year, field=field)


def program_pairing_check(program: Program, pairing: Pairing | None) -> None:
    if pairing is not None and pairing.program_id != program.id:
        raise InvalidInput("pairing", pairing.pk, _("结对关系不属于该协作项目"))


def areas_check(
    *,
    actor: Actor,
    verb: str,
    areas: Iterable[str | None],
    program: int | None = None,
    pairing: Pairing | None = None,
    field: str = "area",
) -> None:
    """Ask the policy whether ``actor`` may take ``verb`` in each of ``areas`` (once per distinct
    area, in order, so a refusal names the same area every time): a record that reaches several
    places (a household's members, a file's rows) is refused if any one is outside the scope."""
    donor_area = pairing.donor_area_id if pairing is not None else None
    for area in sorted({code or "" for code in areas}):
        policy_check(actor, verb, Target(program=program, area=area or None, donor_area=donor_area), area_field=field)
