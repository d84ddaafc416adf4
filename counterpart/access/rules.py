"""The scope rules of every model holding program data (see scoping.py)."""

from counterpart.enterprise.models import (
    CooperationAgreement,
    Enterprise,
    EnterpriseReport,
    EventParticipation,
    MarketEvent,
    Operation,
    Purchase,
)
from counterpart.funds.models import LedgerTransaction
from counterpart.indicators.models import ReportedValue, Target
from counterpart.people.models import (
    Benefit,
    Household,
    HouseholdStatus,
    JobPlacement,
    Person,
    Secondment,
    StudentAid,
    Training,
    TrainingParticipant,
    VillageAdvancement,
)
from counterpart.projects.models import Project, ProjectOutput, ProjectTransition
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
    _people_rules_register()
    _enterprise_rules_register()


def _people_rules_register() -> None:
    # A person belongs to the area of their registration; a program (or a donor district) sees the
    # persons its benefits reached, never the whole registry.
    scope_rule_register(
        Person,
        ScopeRule(
            program="benefits__program_id",
            area="area",
            donor_area="benefits__pairing__donor_area_id",
            county="county_code",
        ),
    )
    scope_rule_register(
        Household,
        ScopeRule(
            program="members__benefits__program_id",
            area="village",
            donor_area="members__benefits__pairing__donor_area_id",
            county="county_code",
        ),
    )
    # A household's status by year is seen (and changed) by whoever sees the household.
    scope_rule_register(
        HouseholdStatus,
        ScopeRule(
            program="household__members__benefits__program_id",
            area="household__village",
            donor_area="household__members__benefits__pairing__donor_area_id",
            county="county_code",
        ),
    )
    scope_rule_register(
        Benefit, ScopeRule(program="program_id", area="person__area", donor_area="pairing__donor_area_id")
    )
    scope_rule_register(Training, ScopeRule(program="program_id", area="place", donor_area="pairing__donor_area_id"))
    scope_rule_register(
        TrainingParticipant,
        ScopeRule(program="training__program_id", area="person__area", donor_area="training__pairing__donor_area_id"),
    )
    scope_rule_register(
        StudentAid, ScopeRule(program="program_id", area="student__area", donor_area="pairing__donor_area_id")
    )
    scope_rule_register(JobPlacement, ScopeRule(program="program_id", area="person__area"))
    scope_rule_register(
        Secondment, ScopeRule(program="program_id", area="to_area", donor_area="pairing__donor_area_id")
    )
    scope_rule_register(
        VillageAdvancement, ScopeRule(program="program_id", area="village", donor_area="pairing__donor_area_id")
    )


def _enterprise_rules_register() -> None:
    # An enterprise user sees its own enterprise and what it reported or sold; areas see what is
    # located in them; programs what belongs to them.
    scope_rule_register(
        Enterprise, ScopeRule(program="programs", area="organisation__area", organisation="organisation_id")
    )
    scope_rule_register(
        Operation,
        ScopeRule(program="agreements__program_id", area="area", organisation="enterprise__organisation_id"),
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
