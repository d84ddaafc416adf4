"""The verbs of a year's report, declared to the one policy (counterpart.access.policy): the program
office of the program certifies it (which locks the year) and opens it again for corrections."""

from counterpart.access.models import Role
from counterpart.access.policy import Scope, VerbRule, verbs_register


def policy_register() -> None:
    verbs_register(
        VerbRule("report_certify", {Role.PROGRAM_OFFICE: Scope.PROGRAM}),
        VerbRule("report_unlock", {Role.PROGRAM_OFFICE: Scope.PROGRAM}),
    )
