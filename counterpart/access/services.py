"""Granting and revoking memberships: audited actions, like every other write."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from counterpart.core.audit import Actor, audit_record, snapshot
from counterpart.core.errors import InvalidInput

from .models import Membership, Role

# The subject each role is about (the model's check constraint says the same in the database).
_SUBJECT = {
    Role.PROGRAM_OFFICE: "program",
    Role.DONOR_DISTRICT_OFFICE: "area",
    Role.RECIPIENT_OFFICE: "area",
    Role.ENTERPRISE: "organisation",
    Role.REVIEWER: "program",
}


def membership_grant(
    actor: Actor, *, user: Any, role: str, program: Any = None, area: Any = None, organisation: Any = None
) -> Membership:
    """Give ``user`` a role over its subject. Only an administrator (or the system) grants."""
    _administrator_check(actor)
    if role not in Role.values:
        raise InvalidInput("role", role, _("未知的角色"))
    subject = _SUBJECT.get(Role(role))
    given = {"program": program, "area": area, "organisation": organisation}
    if subject is not None and given[subject] is None:
        raise InvalidInput(subject, "", _("该角色须指定其范围"))
    with transaction.atomic():
        membership = Membership.objects.create(
            user=user,
            role=role,
            program=program if subject == "program" else None,
            area=area if subject == "area" else None,
            organisation=organisation if subject == "organisation" else None,
            granted_by_label=actor.label[:150],
        )
        audit_record(actor, "membership.grant", membership)
    return membership


def membership_revoke(actor: Actor, membership: Membership, *, reason: str = "") -> Membership:
    """End a membership; the row stays, inactive, with its history in the audit trail."""
    _administrator_check(actor)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if not membership.is_active:
            return membership
        before = snapshot(membership)
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        audit_record(actor, "membership.revoke", membership, before=before, reason=reason)
    return membership


def membership_update(actor: Actor, membership: Membership, *, reason: str = "", **changes: object) -> Membership:
    """The admin's edit of a membership: only revoking it (is_active → False)."""
    for name, value in changes.items():
        if name != "is_active" or value is not False:
            raise InvalidInput(name, value, _("角色只能撤销，不能修改；请另行授予新的角色"))
    return membership_revoke(actor, membership, reason=reason)


def _administrator_check(actor: Actor) -> None:
    user = actor.user
    if not (actor.is_system or (user is not None and user.is_active and user.is_superuser)):
        raise PermissionDenied(_("您的角色不能进行此操作"))
