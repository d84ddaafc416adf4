"""The scope rules of every model holding program data (see scoping.py)."""

from counterpart.funds.models import LedgerTransaction
from counterpart.indicators.models import ReportedValue, Target
from counterpart.projects.models import Project, ProjectOutput, ProjectTransition
from counterpart.registry.models import Pairing, Program

from .scoping import ScopeRule, scope_rule_register


def rules_register() -> None:
    scope_rule_register(Program, ScopeRule(program="id"))
    scope_rule_register(Pairing, ScopeRule(program="program_id", area="recipient_area", donor_area="donor_area_id"))
    scope_rule_register(
        Project, ScopeRule(program="program_id", area="recipient_area", donor_area="pairing__donor_area_id")
    )
    for model in (ProjectOutput, ProjectTransition):
        scope_rule_register(
            model,
            ScopeRule(
                program="project__program_id",
                area="project__recipient_area",
                donor_area="project__pairing__donor_area_id",
            ),
        )
    scope_rule_register(
        LedgerTransaction,
        ScopeRule(program="program_id", area="recipient_area", donor_area="pairing__donor_area_id"),
    )
    scope_rule_register(
        ReportedValue, ScopeRule(program="program_id", area="area", donor_area="pairing__donor_area_id")
    )
    scope_rule_register(Target, ScopeRule(program="program_id", area="area", donor_area="pairing__donor_area_id"))
