"""The verbs of people's records, declared to the one policy (counterpart.access.policy).

- The poverty registry (households, persons) is the recipient office's, within its area: it keeps
  the spreadsheets of its villages. A household or a person belongs to an area, not to a program.
- Benefits, courses and job placements: the recipient office of the place they reach, or the
  program office of their program.
- Student aid draws on the ledger (a disbursement): the program office's, like all money.
- Secondments: the program office, or the donor district office of the pairing that sends them.
- Village advancement is the projects app's (counterpart/projects/village_policy.py).
- Revealing an identity number is not a role's verb but a Django permission (``REVEAL_PERMISSION``),
  asked by the actions themselves; re-keying the numbers is a system process's.
"""

from counterpart.access.models import Role
from counterpart.access.policy import Scope, VerbRule, verbs_register

_AREA_ROLES = {
    Role.PROGRAM_OFFICE: Scope.PROGRAM,
    Role.RECIPIENT_OFFICE: Scope.AREA,
    Role.DONOR_DISTRICT_OFFICE: Scope.PAIRING,
}
_PROGRAM_OR_AREA = {Role.PROGRAM_OFFICE: Scope.PROGRAM, Role.RECIPIENT_OFFICE: Scope.AREA}
_REGISTRY = {Role.RECIPIENT_OFFICE: Scope.AREA}
_PROGRAM = {Role.PROGRAM_OFFICE: Scope.PROGRAM}
_PROGRAM_OR_PAIRING = {Role.PROGRAM_OFFICE: Scope.PROGRAM, Role.DONOR_DISTRICT_OFFICE: Scope.PAIRING}

REGISTRY_VERBS = (
    "household_register",
    "households_register_bulk",
    "household_update",
    "household_status_set",
    "person_register",
    "persons_register_bulk",
    "person_update",
    "persons_stage_apply",
    "persons_load",
)


def policy_register() -> None:
    verbs_register(
        *(VerbRule(verb, _REGISTRY, program_less=True) for verb in REGISTRY_VERBS),
        VerbRule("benefit_record", _PROGRAM_OR_AREA),
        VerbRule("benefits_record_bulk", _PROGRAM_OR_AREA),
        VerbRule("training_create", _AREA_ROLES),
        VerbRule("training_update", _AREA_ROLES),
        # Naming a person on a course: the recipient office that keeps that person's registry, or
        # the program office of the course's program.
        VerbRule("training_participants_add", _PROGRAM_OR_AREA),
        VerbRule("job_placement_record", _PROGRAM_OR_AREA),
        VerbRule("student_aid_grant", _PROGRAM),
        VerbRule("student_aid_grant_batch", _PROGRAM),
        VerbRule("secondment_record", _PROGRAM_OR_PAIRING),
    )
