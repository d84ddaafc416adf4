"""Checks that several people services share: a year within the program, a pairing of the program."""

from django.utils.translation import gettext as _

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
