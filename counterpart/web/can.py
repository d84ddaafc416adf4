"""What the pages show a user may do: every button, link and menu item asks the one policy
(``access.policy.may``); the domain action asks it again when the form is sent, so hiding a button is
never the protection, and no page keeps a rule of its own.
"""

from typing import Any

from counterpart.access.models import Role
from counterpart.access.policy import Target, may, may_somewhere, memberships_of
from counterpart.access.scoping import access_scope
from counterpart.core.audit import Actor
from counterpart.enterprise.models import EnterpriseReport, ReportStatus
from counterpart.enterprise.services import report_target
from counterpart.funds.models import LedgerTransaction
from counterpart.funds.services import Dimensions, ledger_target
from counterpart.indicators.models import Assessment
from counterpart.people.models import Household
from counterpart.people.services import REVEAL_PERMISSION
from counterpart.projects.models import Project, ProjectStatus, VillageAdvancement
from counterpart.projects.policy import STEP_VERBS
from counterpart.projects.services import project_target as _project_target


def can(user: Any, verb: str, target: Target | None = None) -> bool:
    """Whether ``user`` may take ``verb`` on ``target``; without a target, whether they hold a role
    the verb is granted to at all (a menu item, a "new" button)."""
    actor = Actor.of(user)
    if target is None:
        return may_somewhere(actor, verb)
    return may(actor, verb, target)


def can_any(user: Any, verbs: tuple[str, ...]) -> bool:
    return any(can(user, verb) for verb in verbs)


# The project's buttons: each takes the project to a status, as the policy's verb ``project_<button>``
# (projects.policy.STEP_VERBS); cancelling needs a reason, which the page does not ask for.
PROJECT_ACTIONS: dict[str, str] = {
    verb.removeprefix("project_"): status for status, verb in STEP_VERBS.items() if status != ProjectStatus.CANCELLED
}


def may_reveal_identity(user: Any) -> bool:
    """Revealing an identity number is a Django permission (audited by the action), not a role."""
    return bool(user.is_authenticated and getattr(user, "has_perm", lambda _p: False)(REVEAL_PERMISSION))


def report_correctable(user: Any, report: EnterpriseReport) -> bool:
    """Whether the report's correction form is for ``user``: a draft or a returned report (confirmed
    figures are corrected by a new report), which the policy lets them update."""
    return report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED) and can(
        user, "enterprise_report_update", enterprise_report_target(report)
    )


def reads_everything(user: Any) -> bool:
    """Superusers and auditors read every record (access.scoping): the audit trail is theirs."""
    return access_scope(user).everything


def reads_audit_trail(user: Any) -> bool:
    if not reads_everything(user):
        return False
    return bool(getattr(user, "is_superuser", False)) or any(m.role == Role.AUDITOR for m in memberships_of(user))


# --- where a record lands, for the policy ---------------------------------------------------------------


def project_target(project: Project) -> Target:
    return _project_target(project)


def enterprise_report_target(report: EnterpriseReport) -> Target:
    return report_target(report)


def household_target(household: Household) -> Target:
    return Target(program=None, area=household.village_id)


def village_target(advancement: VillageAdvancement) -> Target:
    pairing = advancement.pairing
    return Target(
        program=advancement.program_id,
        area=advancement.village_id,
        donor_area=pairing.donor_area_id if pairing is not None else None,
    )


def ledger_entry_target(record: LedgerTransaction) -> Target:
    return ledger_target(record.program, Dimensions.of(record))


def assessment_target(assessment: Assessment) -> Target:
    pairing = assessment.pairing
    return Target(program=assessment.program_id, area=pairing.recipient_area_id, donor_area=pairing.donor_area_id)
