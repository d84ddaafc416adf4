"""The verbs of reported figures and of the yearly assessment, declared to the one policy
(counterpart.access.policy).

An area's figure: whoever may write in that area; a program-wide one (no area): the program office.
Indicators of the catalogue and the targets of a program: the program office.

The assessment passes between four hands: the program office opens and submits it, the donor
district of the pairing scores itself (with files as evidence), the recipient office confirms or
disputes the figures, and a reviewer of the program cross-checks it, returns it or finalises it.
"""

from counterpart.access.models import Role
from counterpart.access.policy import Scope, VerbRule, verbs_register

_AREA_ROLES = {
    Role.PROGRAM_OFFICE: Scope.PROGRAM,
    Role.RECIPIENT_OFFICE: Scope.AREA,
    Role.DONOR_DISTRICT_OFFICE: Scope.PAIRING,
}
_OFFICE = {Role.PROGRAM_OFFICE: Scope.PROGRAM}
_REVIEWER = {Role.REVIEWER: Scope.PROGRAM}


def policy_register() -> None:
    verbs_register(
        VerbRule("reported_value_enter", _AREA_ROLES),
        # The catalogue is shared by every program: any program office may add to it.
        VerbRule("indicator_create", {Role.PROGRAM_OFFICE: Scope.ANYWHERE}, program_less=True),
        VerbRule("target_set", {Role.PROGRAM_OFFICE: Scope.PROGRAM}),
        VerbRule("assessment_open", _OFFICE),
        VerbRule("assessment_self_assess", {Role.DONOR_DISTRICT_OFFICE: Scope.PAIRING}),
        VerbRule("assessment_evidence_attach", {Role.DONOR_DISTRICT_OFFICE: Scope.PAIRING}),
        VerbRule("assessment_confirm_figures", {Role.RECIPIENT_OFFICE: Scope.AREA}),
        VerbRule("assessment_submit", _OFFICE),
        VerbRule("assessment_cross_check", _REVIEWER),
        VerbRule("assessment_return", _REVIEWER),
        VerbRule("assessment_finalise", _REVIEWER),
    )
