"""Village advancement declared to the one policy and to read scoping: whoever may write a project
in the village (its program's office, the recipient office of its area, the donor district office of
its pairing) may take it on and update its components; it is seen as a project there is.

Called by the app's ``AppConfig.ready`` beside ``policy.py`` and ``scope.py``.
"""

from counterpart.access.models import Role
from counterpart.access.policy import Scope, VerbRule, verbs_register
from counterpart.access.scoping import ScopeRule, scope_rule_register

from .models import VillageAdvancement

_AREA_ROLES = {
    Role.PROGRAM_OFFICE: Scope.PROGRAM,
    Role.RECIPIENT_OFFICE: Scope.AREA,
    Role.DONOR_DISTRICT_OFFICE: Scope.PAIRING,
}


def village_policy_register() -> None:
    verbs_register(
        VerbRule("village_advancement_start", _AREA_ROLES),
        VerbRule("village_component_update", _AREA_ROLES),
    )
    scope_rule_register(
        VillageAdvancement, ScopeRule(program="program_id", area="village", donor_area="pairing__donor_area_id")
    )
