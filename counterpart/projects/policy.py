"""The verbs of projects, declared to the one policy (counterpart.access.policy)."""

from counterpart.access.models import Role
from counterpart.access.policy import Scope, VerbRule, verbs_register

_AREA_ROLES = {
    Role.PROGRAM_OFFICE: Scope.PROGRAM,
    Role.RECIPIENT_OFFICE: Scope.AREA,
    Role.DONOR_DISTRICT_OFFICE: Scope.PAIRING,
}


def policy_register() -> None:
    verbs_register(VerbRule("project_propose", _AREA_ROLES))
