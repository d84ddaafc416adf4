"""Read scoping of the indicators app's models: which program, area and donor district each record belongs to.

Declared to ``access.scoping`` from the app's ``AppConfig.ready``, so that ``access`` never imports this app.
"""

from counterpart.access.scoping import ScopeRule, scope_rule_register

from .models import ReportedValue, Target


def scope_rules_register() -> None:
    scope_rule_register(
        ReportedValue, ScopeRule(program="program_id", area="area", donor_area="pairing__donor_area_id")
    )
    scope_rule_register(Target, ScopeRule(program="program_id", area="area", donor_area="pairing__donor_area_id"))
