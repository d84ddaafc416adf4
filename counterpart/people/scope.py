"""Read scoping of the people app's models: which program, area and donor district each record belongs to.

Declared to ``access.scoping`` from the app's ``AppConfig.ready``, so that ``access`` never imports this app.
"""

from counterpart.access.scoping import ScopeRule, scope_rule_register

from .models import (
    Benefit,
    Household,
    HouseholdStatus,
    JobPlacement,
    Person,
    Secondment,
    StudentAid,
    Training,
    TrainingParticipant,
)


def scope_rules_register() -> None:
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
