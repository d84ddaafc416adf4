"""Read scoping of the projects app's models: which program, area and donor district each record belongs to.

Declared to ``access.scoping`` from the app's ``AppConfig.ready``, so that ``access`` never imports this app.
"""

from counterpart.access.scoping import ScopeRule, scope_rule_register

from .models import Project, ProjectOutput, ProjectTransition


def scope_rules_register() -> None:
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
