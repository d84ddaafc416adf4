"""The verbs of projects, declared to the one policy (counterpart.access.policy).

A project is proposed (and, by whoever may propose it, described, planned and cancelled) by the
program office, the recipient office of its place or the donor district of its pairing. The program
office approves it and accepts it when it is done: never the county that proposed it. Construction —
starting, completing, the photos and papers that show it — is the county's, or the program office's.
"""

from counterpart.access.models import Role
from counterpart.access.policy import Scope, VerbRule, verbs_register

from .models import ProjectStatus

_AREA_ROLES = {
    Role.PROGRAM_OFFICE: Scope.PROGRAM,
    Role.RECIPIENT_OFFICE: Scope.AREA,
    Role.DONOR_DISTRICT_OFFICE: Scope.PAIRING,
}
_OFFICE = {Role.PROGRAM_OFFICE: Scope.PROGRAM}
_BUILDER = {Role.PROGRAM_OFFICE: Scope.PROGRAM, Role.RECIPIENT_OFFICE: Scope.AREA}

# The verb of each step of the lifecycle (projects.services.project_transition asks it).
STEP_VERBS: dict[str, str] = {
    ProjectStatus.APPROVED: "project_approve",
    ProjectStatus.UNDER_CONSTRUCTION: "project_start",
    ProjectStatus.COMPLETED: "project_complete",
    ProjectStatus.ACCEPTED: "project_accept",
    ProjectStatus.CANCELLED: "project_cancel",
}

PROJECT_VERBS = (
    VerbRule("project_propose", _AREA_ROLES),
    # a spreadsheet of proposals (intake/records/projects.py): the same grants as one proposal
    VerbRule("projects_propose_bulk", _AREA_ROLES),
    VerbRule("project_update", _AREA_ROLES),
    VerbRule("project_output_set", _AREA_ROLES),
    VerbRule("project_cancel", _AREA_ROLES),
    VerbRule("project_approve", _OFFICE),
    VerbRule("project_accept", _OFFICE),
    VerbRule("project_start", _BUILDER),
    VerbRule("project_complete", _BUILDER),
    VerbRule("project_attachment_add", _BUILDER),
)


def policy_register() -> None:
    verbs_register(*PROJECT_VERBS)
