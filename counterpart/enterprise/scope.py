"""Read scoping of the enterprise app's models: which program, area and donor district each record belongs to.

Declared to ``access.scoping`` from the app's ``AppConfig.ready``, so that ``access`` never imports this app.
"""

from counterpart.access.scoping import ScopeRule, scope_rule_register

from .models import (
    CooperationAgreement,
    Enterprise,
    EnterpriseReport,
    EventParticipation,
    MarketEvent,
    Operation,
    Purchase,
)


def scope_rules_register() -> None:
    # An enterprise user sees its own enterprise and what it reported or sold; areas see what is
    # located in them; programs what belongs to them (an operation: every program its enterprise
    # takes part in, so the office that registers one sees it before any agreement names it).
    scope_rule_register(
        Enterprise, ScopeRule(program="programs", area="organisation__area", organisation="organisation_id")
    )
    scope_rule_register(
        Operation,
        ScopeRule(program="enterprise__programs", area="area", organisation="enterprise__organisation_id"),
    )
    scope_rule_register(
        CooperationAgreement,
        ScopeRule(program="program_id", area="recipient_area", organisation="enterprise__organisation_id"),
    )
    scope_rule_register(
        EnterpriseReport, ScopeRule(program="program_id", area="area", organisation="enterprise__organisation_id")
    )
    scope_rule_register(
        MarketEvent,
        ScopeRule(program="program_id", area="area", organisation="participations__enterprise__organisation_id"),
    )
    scope_rule_register(
        EventParticipation,
        ScopeRule(program="event__program_id", area="event__area", organisation="enterprise__organisation_id"),
    )
    scope_rule_register(
        Purchase,
        ScopeRule(program="program_id", area="seller__organisation__area", organisation="seller__organisation_id"),
    )
