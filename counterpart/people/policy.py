"""The verbs of people's records, declared to the one policy (counterpart.access.policy)."""

from counterpart.access.models import Role
from counterpart.access.policy import Scope, VerbRule, verbs_register

_AREA_ROLES = {
    Role.PROGRAM_OFFICE: Scope.PROGRAM,
    Role.RECIPIENT_OFFICE: Scope.AREA,
    Role.DONOR_DISTRICT_OFFICE: Scope.PAIRING,
}


def policy_register() -> None:
    verbs_register(
        VerbRule("training_create", _AREA_ROLES),
        # Naming a person on a course: the recipient office that keeps that person's registry, or
        # the program office of the course's program.
        VerbRule("training_participants_add", {Role.PROGRAM_OFFICE: Scope.PROGRAM, Role.RECIPIENT_OFFICE: Scope.AREA}),
    )
