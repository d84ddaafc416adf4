"""The verbs of the ledger, declared to the one policy (counterpart.access.policy): money is the
program office's (the web's ledger pages and the API have always offered it to no one else)."""

from counterpart.access.models import Role
from counterpart.access.policy import Scope, VerbRule, verbs_register

LEDGER_VERBS = (
    "ledger_commit",
    "ledger_allocate",
    "ledger_disburse",
    "ledger_spend",
    "ledger_refund",
    "ledger_donate_in_kind",
    "ledger_reverse",
)


def policy_register() -> None:
    verbs_register(*(VerbRule(verb, {Role.PROGRAM_OFFICE: Scope.PROGRAM}) for verb in LEDGER_VERBS))
