"""The scope rules of the registry's models (see scoping.py).

Every other app declares the rules of its own models from its ``AppConfig.ready`` (``<app>/scope.py``), as it
declares its verbs to the policy: ``access`` imports only ``registry`` and ``core``.
"""

from counterpart.registry.models import Pairing, Program

from .scoping import ScopeRule, scope_rule_register


def rules_register() -> None:
    # An area's office, or a donor district's, sees the programs it is paired within (their
    # dashboards show only its own share).
    scope_rule_register(
        Program,
        ScopeRule(program="id", area="pairings__recipient_area", donor_area="pairings__donor_area_id"),
    )
    scope_rule_register(Pairing, ScopeRule(program="program_id", area="recipient_area", donor_area="donor_area_id"))
