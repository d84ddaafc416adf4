"""What the pages show a user may do: every button, link and menu item asks the one policy
(``access.policy``); the domain action asks it again when the form is sent, so hiding a button is
never the protection, and no page keeps a rule of its own.

``PENDING`` holds the rows of verbs whose action does not ask the policy yet (issue 14 moves the
check into every action). A row there is the rule the owning app is to declare; as soon as the app
declares the verb, its declaration is the one asked and the row here is ignored. ``edge_check``
refuses at the edge, with the policy's own refusal, only while a verb is pending: once it is
declared the action checks and ``edge_check`` does nothing.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from counterpart.access.models import Role
from counterpart.access.policy import (
    Scope,
    Target,
    VerbRule,
    memberships_of,
    rule_allows,
    rule_allows_somewhere,
    verb_declared,
    verb_rule,
)
from counterpart.access.scoping import access_scope
from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.enterprise.models import EnterpriseReport, ReportStatus
from counterpart.enterprise.services import report_target
from counterpart.funds.models import LedgerTransaction
from counterpart.funds.services import Dimensions, ledger_target
from counterpart.indicators.models import Assessment
from counterpart.people.models import Household
from counterpart.people.services import REVEAL_PERMISSION
from counterpart.projects.models import Project, ProjectStatus, VillageAdvancement

_PROGRAM = {Role.PROGRAM_OFFICE: Scope.PROGRAM}
_PROGRAM_OR_AREA = {Role.PROGRAM_OFFICE: Scope.PROGRAM, Role.RECIPIENT_OFFICE: Scope.AREA}
_AREA = {Role.RECIPIENT_OFFICE: Scope.AREA}
_ENTERPRISE = {Role.ENTERPRISE: Scope.ENTERPRISE}

PENDING: dict[str, VerbRule] = {
    rule.verb: rule
    for rule in (
        VerbRule("project_approve", _PROGRAM),
        VerbRule("project_start", _PROGRAM_OR_AREA),
        VerbRule("project_complete", _PROGRAM_OR_AREA),
        VerbRule("project_accept", _PROGRAM),
        VerbRule("project_attachment_add", _PROGRAM_OR_AREA),
    )
}


def rule_of(verb: str) -> VerbRule:
    if verb_declared(verb):
        return verb_rule(verb)
    if verb in PENDING:
        return PENDING[verb]
    return verb_rule(verb)  # raises: a page asking about a verb nobody declared is a bug


def can(user: Any, verb: str, target: Target | None = None) -> bool:
    """Whether ``user`` may take ``verb`` on ``target``; without a target, whether they hold a role
    the verb is granted to at all (a menu item, a "new" button)."""
    actor = Actor.of(user)
    rule = rule_of(verb)
    if target is None:
        return rule_allows_somewhere(actor, rule)
    return rule_allows(actor, rule, target)


def can_any(user: Any, verbs: tuple[str, ...]) -> bool:
    return any(can(user, verb) for verb in verbs)


def edge_check(user: Any, verb: str, target: Target, *, area_field: str = "recipient_area") -> None:
    """While ``verb`` is pending, refuse it here as the policy would (403 for a role that may never
    take it, the area named otherwise); once declared, the action itself checks."""
    if verb_declared(verb):
        return
    rule = PENDING[verb]
    if rule_allows(Actor.of(user), rule, target):
        return
    if not rule_allows_somewhere(Actor.of(user), rule):
        raise PermissionDenied(_("您的角色不能进行此操作"))
    if Scope.ENTERPRISE in rule.grants.values() and len(rule.grants) == 1:
        raise InvalidInput("enterprise", target.organisation or "", _("只能为本企业填报"))
    raise InvalidInput(area_field, target.area or "", _("该地区不在您的权限范围内"))


# The project's buttons: each takes the project to a status, as the verb ``project_<button>``.
PROJECT_ACTIONS: dict[str, str] = {
    "approve": ProjectStatus.APPROVED,
    "start": ProjectStatus.UNDER_CONSTRUCTION,
    "complete": ProjectStatus.COMPLETED,
    "accept": ProjectStatus.ACCEPTED,
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
    pairing = project.pairing
    return Target(
        program=project.program_id,
        area=project.recipient_area_id,
        donor_area=pairing.donor_area_id if pairing is not None else None,
    )


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
