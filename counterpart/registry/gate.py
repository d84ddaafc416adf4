"""The one policy, as the registry's actions ask it.

``access`` holds the policy and sits above ``registry`` (it imports the registry's models), so the
registry cannot import it: ``access`` registers its check here when the apps are ready
(``AccessConfig.ready``), the way ``reports`` registers the report's computation with ``indicators``.
Until it has, the gate fails closed: only system processes (migrations, the demo) pass.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from counterpart.core.audit import Actor

# check(actor, verb, *, program, area, donor_area, area_field): raises PermissionDenied or InvalidInput.
GateCheck = Callable[..., None]
_CHECKS: list[GateCheck] = []


def registry_gate_register(check: GateCheck) -> None:
    _CHECKS[:] = [check]


def registry_gate(
    actor: Actor,
    verb: str,
    *,
    program: int | None = None,
    area: str | None = None,
    donor_area: str | None = None,
    area_field: str = "recipient_area",
) -> None:
    """Refuse ``verb`` unless the one policy allows ``actor`` to take it on this target."""
    if not _CHECKS:
        if actor.is_system:
            return
        raise PermissionDenied(_("您的角色不能进行此操作"))
    _CHECKS[0](actor, verb, program=program, area=area, donor_area=donor_area, area_field=area_field)
