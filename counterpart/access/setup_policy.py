"""The verbs of program set-up, declared to the one policy: the registry's (programs, organisations,
pairings), which cannot declare its own (it sits below ``access``), and the memberships'.

A program office founds programs (it then holds the new program's office: ``program_found``) and sets
up its own: edits it, pairs and un-pairs within it, adds organisations, invites accounts and grants
and revokes the roles of its program (or changes one's area or enterprise in place), locks a year's
data and opens it again for corrections; a recipient office may add an organisation in its own area.
Superusers and system processes pass as everywhere.
"""

from counterpart.core.audit import Actor
from counterpart.registry.gate import registry_gate_register

from .models import Role
from .policy import Scope, Target, VerbRule, policy_check, verbs_register

_PROGRAM = {Role.PROGRAM_OFFICE: Scope.PROGRAM}

SETUP_VERBS = (
    VerbRule("program_create", {Role.PROGRAM_OFFICE: Scope.ANYWHERE}, program_less=True),
    VerbRule("program_update", _PROGRAM),
    VerbRule(
        "organisation_create",
        {Role.PROGRAM_OFFICE: Scope.ANYWHERE, Role.RECIPIENT_OFFICE: Scope.AREA},
        program_less=True,
    ),
    VerbRule("pairing_create", _PROGRAM),
    VerbRule("pairing_end", _PROGRAM),
    VerbRule("account_invite", _PROGRAM),
    VerbRule("membership_grant", _PROGRAM),
    VerbRule("membership_revoke", _PROGRAM),
    VerbRule("membership_update", _PROGRAM),
    # A year's data frozen and opened again (registry.services.period_lock / period_unlock).
    VerbRule("period_lock", _PROGRAM),
    VerbRule("period_unlock", _PROGRAM),
)


def _registry_check(
    actor: Actor,
    verb: str,
    *,
    program: int | None,
    area: str | None,
    donor_area: str | None,
    area_field: str,
) -> None:
    policy_check(actor, verb, Target(program=program, area=area, donor_area=donor_area), area_field=area_field)


def policy_register() -> None:
    verbs_register(*SETUP_VERBS)
    registry_gate_register(_registry_check)
