"""The verbs of reported figures, declared to the one policy (counterpart.access.policy).

An area's figure: whoever may write in that area; a program-wide one (no area): the program office.
Indicators of the catalogue and the targets of a program: the program office."""

from counterpart.access.models import Role
from counterpart.access.policy import Scope, VerbRule, verbs_register

_AREA_ROLES = {
    Role.PROGRAM_OFFICE: Scope.PROGRAM,
    Role.RECIPIENT_OFFICE: Scope.AREA,
    Role.DONOR_DISTRICT_OFFICE: Scope.PAIRING,
}


def policy_register() -> None:
    verbs_register(
        VerbRule("reported_value_enter", _AREA_ROLES),
        # The catalogue is shared by every program: any program office may add to it.
        VerbRule("indicator_create", {Role.PROGRAM_OFFICE: Scope.ANYWHERE}, program_less=True),
        VerbRule("target_set", {Role.PROGRAM_OFFICE: Scope.PROGRAM}),
    )
