"""The state machines of the domain in one form: a table of the steps allowed from each state.

The project's lifecycle, the enterprise report's review and the yearly assessment each declare a
``Workflow`` (in their app's ``models.py``) and ask ``transition_check`` before a step (``state_check``
before one that changes no state but must wait its turn): a step the table does not allow is refused
with the same error everywhere — an ``InvalidInput`` on ``status`` naming the
current state and the state asked for — which the API answers 422, a form shows and an import reports.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .errors import InvalidInput


@dataclass(frozen=True)
class Workflow:
    """``steps``: for each state, the states one step may lead to. ``label``: a state's name as users read
    it (the model's choice label)."""

    steps: Mapping[str, frozenset[str]]
    label: Callable[[str], str]

    def allows(self, current: str, to: str) -> bool:
        return to in self.steps.get(current, frozenset())

    def sources(self, to: str) -> tuple[str, ...]:
        """The states a step to ``to`` may start from, in the table's order."""
        return tuple(state for state, targets in self.steps.items() if to in targets)

    def state_check(self, current: str, *expected: str) -> None:
        """Refuse a step that is not a transition (adding evidence) unless the record waits in ``expected``."""
        if current not in expected:
            raise InvalidInput(
                "status",
                current,
                _("当前状态为“%(current)s”，此步骤要求状态为“%(expected)s”")
                % {"current": self.label(current), "expected": self.label(expected[0])},
            )

    def transition_check(self, current: str, to: str) -> None:
        """Refuse the step ``current`` → ``to`` unless the table allows it."""
        if to not in self.steps:
            raise InvalidInput("status", to, _("未知的状态"))
        if not self.allows(current, to):
            raise InvalidInput(
                "status",
                to,
                _("当前状态为“%(current)s”，不能变更为“%(target)s”")
                % {"current": self.label(current), "target": self.label(to)},
            )
