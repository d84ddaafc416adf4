"""What an uploader may import, asked of the one policy (``access.policy``) before anything is written.

The actions an import calls ask the policy themselves; what is checked here is only what lets a file
be refused early and *by its row* (an action writing a chunk in one call can name no row):

- **The kinds offered.** A kind that names its ``verb`` (the policy verb its new rows take:
  households and persons, courses and their participants, beneficiaries, an enterprise's reports,
  market events, student aid) is offered to whoever the policy grants that verb somewhere, in a scope
  its rows can carry (``Kind.row_scopes``: no file names a pairing, so a donor district is offered
  none) — a county its registry and courses, an enterprise its reports, the program office its
  courses, beneficiaries, events and aid. A kind
  that names none (set-up, ledger, projects, figures) is the program office's. A role that may write
  nothing (an auditor, no role) imports nothing. A role refused the kind gets the whole file refused.
- **Every row,** for a kind that names its verb: the target the row's write will take — its program,
  and each place it names or reaches (``Kind.row_places``: an area column, a household's village, a
  course's place, a project's area, a person's area) or the enterprise it is about
  (``Kind.row_organisations``) — is asked of the policy with ``policy_check``, so the refusal is the
  action's own words, on the row's column. Each distinct target is asked once per file.
- **Records already registered** that a row matches must be ones the uploader may change (the write
  scoping of ``access.scoping``, which reads the same memberships): a file cannot even confirm what
  another county holds.

System processes and administrators load whole files (``None``: no row checks; the actions still
ask the policy, which lets them).
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Model

from counterpart.access.models import Role
from counterpart.access.policy import (
    MEMO,
    Scope,
    Target,
    VerbRule,
    may_somewhere,
    memberships_of,
    policy_check,
    rule_allows_somewhere,
    verb_rule,
    verbs,
)
from counterpart.access.scoping import scoped
from counterpart.core.audit import Actor

from .validation import FileRejected

if TYPE_CHECKING:
    from .kinds import ImportContext, Kind, Row

# The kinds that name no verb: the program office's (their actions ask the policy on each write).
_PROGRAM_OFFICE_KINDS = VerbRule("import", {Role.PROGRAM_OFFICE: Scope.PROGRAM})


@dataclass
class ImportLimits:
    actor: Actor
    # The targets already allowed in this file: (verb, target) asked once, not once a row.
    allowed: set[tuple[str, Target, str]] = field(default_factory=set)

    @property
    def user(self) -> Any:
        return self.actor.user

    def allows(self, kind: "Kind") -> bool:
        if not kind.verb:
            return rule_allows_somewhere(self.actor, _PROGRAM_OFFICE_KINDS)
        rule = verb_rule(kind.verb)
        carried = {role: scope for role, scope in rule.grants.items() if scope.value in kind.row_scopes}
        return rule_allows_somewhere(self.actor, VerbRule(rule.verb, carried, rule.program_less))

    def row_check(self, kind: "Kind", row: "Row", context: "ImportContext") -> None:
        """Ask the policy about every target a prepared row's write takes (InvalidInput on its column)."""
        if not kind.verb:
            return
        program = kind.row_program(row, context)
        targets = [
            (column, Target(program=program, organisation=organisation))
            for column, organisation in kind.row_organisations(row, context)
        ] or [(column, Target(program=program, area=code or None)) for column, code in kind.row_places(row, context)]
        # a row placed nowhere is asked as such: refused unless the role's scope is the program
        for column, target in targets or [(kind.natural_key[-1], Target(program=program))]:
            key = (kind.verb, target, column)
            if key not in self.allowed:
                policy_check(self.actor, kind.verb, target, area_field=column)
                self.allowed.add(key)

    def writable(self, records: Sequence[Model]) -> set[tuple[type[Model], Any]]:
        """(model, pk) of the records the uploader may change: one scoped query per model."""
        by_model: dict[type[Model], list[Any]] = defaultdict(list)
        for record in records:
            by_model[type(record)].append(record.pk)
        allowed: set[tuple[type[Model], Any]] = set()
        for model, pks in by_model.items():
            mine = scoped(model._default_manager.filter(pk__in=pks), self.user, for_write=True)
            allowed.update((model, pk) for pk in mine.values_list("pk", flat=True))
        return allowed


def import_limits_of(user: Any) -> ImportLimits | None:
    """What ``user`` may import: None for whole files (an administrator, no user: a command-line
    or system process); otherwise the limits, whose ``allows`` says which kinds are offered."""
    return _limits_for(Actor.of(user) if user is not None else Actor.system("import"))


def _limits_for(actor: Actor) -> ImportLimits | None:
    user = actor.user
    if actor.is_system or user is None or (user.is_superuser and user.is_active):
        return None
    if getattr(user, MEMO, None) is None:
        setattr(user, MEMO, memberships_of(user))  # read once for every row of the file
    return ImportLimits(actor)


def import_limits(actor: Actor, kind: "Kind") -> ImportLimits | None:
    """The limits of ``actor``'s import of ``kind``: None for whole files or a kind whose rows only
    its actions check; FileRejected when the role imports nothing, or not this kind."""
    limits = _limits_for(actor)
    if limits is None:
        return None
    if not any(may_somewhere(actor, rule.verb) for rule in verbs()):
        raise FileRejected("您的角色不能导入数据", "your role may not import data")
    if not limits.allows(kind):
        raise FileRejected(
            f"“{kind.name_zh}”不在您可以导入的数据类型中（其余类型由协作办导入）",
            f"{kind.name_en} are not among the kinds you may import (the program office imports the others)",
        )
    return limits if kind.verb else None
