"""Read scoping of the funds app's models: which program, area and donor district each record belongs to.

Declared to ``access.scoping`` from the app's ``AppConfig.ready``, so that ``access`` never imports this app.
"""

from counterpart.access.scoping import ScopeRule, scope_rule_register

from .models import LedgerTransaction


def scope_rules_register() -> None:
    scope_rule_register(
        LedgerTransaction,
        ScopeRule(program="program_id", area="recipient_area", donor_area="pairing__donor_area_id"),
    )
