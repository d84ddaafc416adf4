"""The verbs of enterprise cooperation, declared to the one policy (counterpart.access.policy).

- Registering enterprises, their operations and their cooperation agreements: the program office.
- An annual report is drafted, corrected and submitted by the enterprise's own users, in a program
  it takes part in; the program office confirms it or returns it.
- Market events (fairs, promotions) and their participants: the program office.
- Purchases (consumption assistance): the program office, or the donor district office whose
  district the buyer is in, of a seller in its paired recipient area.

The enterprise app also tells the policy whether an organisation takes part in a program (what
the ``ENTERPRISE`` scope asks).
"""

from counterpart.access.models import Role
from counterpart.access.policy import Scope, VerbRule, organisation_in_program_register, verbs_register

_PROGRAM = {Role.PROGRAM_OFFICE: Scope.PROGRAM}
_ENTERPRISE = {Role.ENTERPRISE: Scope.ENTERPRISE}

PROGRAM_VERBS = (
    "enterprise_register",
    "operation_record",
    "agreement_sign",
    "enterprise_report_confirm",
    "enterprise_report_return",
    "market_event_record",
    "market_event_update",
    "event_participation_record",
)
ENTERPRISE_VERBS = ("enterprise_report_draft", "enterprise_report_update", "enterprise_report_submit")


def _organisation_in_program(organisation: int, program: int) -> bool:
    from .models import Enterprise

    return Enterprise.objects.filter(organisation_id=organisation, programs=program).exists()


def policy_register() -> None:
    verbs_register(
        *(VerbRule(verb, _PROGRAM) for verb in PROGRAM_VERBS),
        *(VerbRule(verb, _ENTERPRISE) for verb in ENTERPRISE_VERBS),
        VerbRule("purchase_record", {Role.PROGRAM_OFFICE: Scope.PROGRAM, Role.DONOR_DISTRICT_OFFICE: Scope.PAIRING}),
    )
    organisation_in_program_register(_organisation_in_program)
