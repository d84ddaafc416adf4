"""Who may do what, in one table: role × verb × scope, from which every write permission is derived.

Each domain app declares its verbs here (``verbs_register``, from its ``policy.py``, called by its
``AppConfig.ready``): for each role that may take the verb, the scope within which it may.

- ``PROGRAM``: the program office of the target's program;
- ``AREA``: the recipient office of an area containing the target's area, and only in a program
  that pairs that area (a county paired in qingdao-guizhou writes nothing into qingdao-tibet);
- ``PAIRING``: the donor district office of the target's pairing, within its recipient area;
- ``ENTERPRISE``: the enterprise's own users, in a program the enterprise takes part in;
- ``ANYWHERE``: whoever holds the role at all, for a record of no program yet (a program office
  founds a new program; an indicator of the shared catalogue).

The check fails closed: an unknown verb, a user with no membership, an auditor, a target without a
program (unless the verb is declared program-less) — all refused. Only ``Actor.system`` processes
(demo, synth, migrations, restore, the CLI) pass without a membership, and they say so explicitly.
``access`` imports only ``registry`` and ``core``: the domain apps call it, never the reverse.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.registry.models import Pairing, Program

from .models import Membership, Role


class Scope(StrEnum):
    PROGRAM = "program"
    AREA = "area"
    PAIRING = "pairing"
    ENTERPRISE = "enterprise"
    ANYWHERE = "anywhere"


@dataclass(frozen=True)
class Target:
    """Where a write lands: its program (id), its recipient area code, its pairing's donor area
    code and the enterprise organisation it is about, as far as the record has them."""

    program: int | None
    area: str | None = None
    donor_area: str | None = None
    organisation: int | None = None


@dataclass(frozen=True)
class VerbRule:
    """One row of the table: the roles that may take ``verb`` and the scope each may take it in.
    ``program_less``: the record belongs to an area, not a program (a household, a person)."""

    verb: str
    grants: Mapping[Role, Scope]
    program_less: bool = False


@dataclass
class _Table:
    rules: dict[str, VerbRule] = field(default_factory=dict)
    # Whether an organisation takes part in a program: declared by the enterprise app.
    organisation_in_program: Callable[[int, int], bool] | None = None


POLICY = _Table()


def verbs_register(*rules: VerbRule) -> None:
    for rule in rules:
        if rule.verb in POLICY.rules and POLICY.rules[rule.verb] != rule:
            raise RuntimeError(f"verb {rule.verb} declared twice, differently")
        POLICY.rules[rule.verb] = rule


def organisation_in_program_register(check: Callable[[int, int], bool]) -> None:
    POLICY.organisation_in_program = check


def verb_rule(verb: str) -> VerbRule:
    try:
        return POLICY.rules[verb]
    except KeyError:
        raise RuntimeError(f"verb {verb} is not declared in the policy") from None


# --- memberships: read here and nowhere else -------------------------------------------------------

# The attribute that keeps a request's user's memberships (see scoping.access_scope_per_request).
MEMO = "_access_memberships"


def memberships_of(user: Any) -> list[Membership]:
    """The active memberships of ``user`` (none for anonymous or inactive users). The one place the
    application reads them: scoping, the web's grants, import limits and write permission ask here."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    kept = getattr(user, MEMO, None)
    if kept is not None:
        return kept
    return list(Membership.objects.filter(user_id=user.pk, is_active=True))


# --- the check -------------------------------------------------------------------------------------


def _within(code: str | None, prefix: str | None) -> bool:
    return bool(code and prefix and code.startswith(prefix))


def _program_pairs_area(program_id: int, area_code: str) -> bool:
    """Whether the program pairs ``area_code`` (or an area above or below it)."""
    for recipient in Pairing.objects.filter(program_id=program_id).values_list("recipient_area_id", flat=True):
        if recipient.startswith(area_code) or area_code.startswith(recipient):
            return True
    return False


def _grants(membership: Membership, scope: Scope, target: Target, rule: VerbRule) -> bool:
    program = target.program
    if scope is Scope.ANYWHERE:
        return True
    if scope is Scope.PROGRAM:
        return program is not None and membership.program_id == program
    if scope is Scope.AREA:
        if not _within(target.area, membership.area_id):
            return False
        if rule.program_less and program is None:
            return True
        return program is not None and _program_pairs_area(program, membership.area_id or "")
    if scope is Scope.PAIRING:
        if program is None or target.donor_area is None or target.donor_area != membership.area_id:
            return False
        pairings = Pairing.objects.filter(program_id=program, donor_area_id=membership.area_id)
        recipients = list(pairings.values_list("recipient_area_id", flat=True))
        return any(_within(target.area, recipient) for recipient in recipients)
    if scope is Scope.ENTERPRISE:
        check = POLICY.organisation_in_program
        if target.organisation is None or target.organisation != membership.organisation_id:
            return False
        if rule.program_less and program is None:
            return True
        return program is not None and check is not None and check(target.organisation, program)
    return False


def may(actor: Actor, verb: str, target: Target) -> bool:
    """Whether ``actor`` may take ``verb`` on ``target`` (see the module's docstring)."""
    return rule_allows(actor, verb_rule(verb), target)


def rule_allows(actor: Actor, rule: VerbRule, target: Target) -> bool:
    """``may`` for one row of the table, given as the row itself."""
    if target.program is None and not rule.program_less:
        return False
    settled = _settled_by_who(actor)
    if settled is not None:
        return settled
    for membership in memberships_of(actor.user):
        scope = rule.grants.get(Role(membership.role))
        if scope is not None and _grants(membership, scope, target, rule):
            return True
    return False


def roles_for(verb: str) -> Mapping[Role, Scope]:
    return verb_rule(verb).grants


def rule_allows_somewhere(actor: Actor, rule: VerbRule) -> bool:
    """Whether ``actor`` holds a role the row grants at all (a program office for a program-scoped
    verb, any recipient office for an area-scoped one): what a menu or a "new" button asks before
    there is a target. Never a substitute for ``may`` on the record itself."""
    settled = _settled_by_who(actor)
    if settled is not None:
        return settled
    return any(Role(m.role) in rule.grants for m in memberships_of(actor.user))


def _settled_by_who(actor: Actor) -> bool | None:
    """The answer that does not depend on memberships: yes for a system process or a superuser, no for
    no user or an inactive one; None when the memberships decide."""
    if actor.is_system:
        return True
    user = actor.user
    if user is None or not user.is_active:
        return False
    return True if user.is_superuser else None


def may_somewhere(actor: Actor, verb: str) -> bool:
    return rule_allows_somewhere(actor, verb_rule(verb))


def verb_declared(verb: str) -> bool:
    return verb in POLICY.rules


def policy_check(actor: Actor, verb: str, target: Target, *, area_field: str = "recipient_area") -> None:
    """Refuse ``verb`` on ``target`` unless the table allows it: 403 (PermissionDenied) for a role
    that may never take the verb; otherwise an InvalidInput naming what lies outside the actor's
    scope — the program, or the area (``area_field``) — which the API answers 422, a form shows on
    its field and an import reports on its row."""
    if may(actor, verb, target):
        return
    rule = verb_rule(verb)
    user = actor.user
    if target.program is None and not rule.program_less:
        raise InvalidInput("program", "", _("未指定协作项目"))
    privileged = actor.is_system or (user is not None and user.is_superuser)
    roles = {Role(m.role) for m in memberships_of(user)}
    if not privileged and not any(_may_apply(rule.grants[role], target) for role in roles & set(rule.grants)):
        raise PermissionDenied(_("您的角色不能进行此操作"))
    if user is not None and target.program is not None and not _program_readable(user, target.program):
        slug = Program.objects.filter(pk=target.program).values_list("slug", flat=True).first()
        raise InvalidInput("program", slug or target.program, _("该协作项目不在您的权限范围内"))
    held = roles & set(rule.grants)
    if held and all(rule.grants[role] is Scope.ENTERPRISE for role in held):
        raise InvalidInput(area_field, target.organisation or "", _("只能为本企业填报"))
    raise InvalidInput(area_field, target.area or "", _("该地区不在您的权限范围内"))


def _may_apply(scope: Scope, target: Target) -> bool:
    """Whether a grant of ``scope`` could cover ``target`` at all: an area's grant nothing that has
    no area (a program-wide figure), an enterprise's nothing that is not an enterprise's."""
    if scope in (Scope.AREA, Scope.PAIRING):
        return target.area is not None
    if scope is Scope.ENTERPRISE:
        return target.organisation is not None
    return True


def _program_readable(user: Any, program_id: int) -> bool:
    for membership in memberships_of(user):
        if membership.role in (Role.PROGRAM_OFFICE, Role.REVIEWER) and membership.program_id == program_id:
            return True
        if membership.role == Role.RECIPIENT_OFFICE and _program_pairs_area(program_id, membership.area_id or ""):
            return True
        if (
            membership.role == Role.DONOR_DISTRICT_OFFICE
            and Pairing.objects.filter(program_id=program_id, donor_area_id=membership.area_id).exists()
        ):
            return True
        check = POLICY.organisation_in_program
        organisation = membership.organisation_id
        if (
            membership.role == Role.ENTERPRISE
            and check is not None
            and organisation
            and check(organisation, program_id)
        ):
            return True
    return False


def verbs() -> Iterable[VerbRule]:
    return POLICY.rules.values()
