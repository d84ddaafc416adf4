"""Memberships and accounts: granting and revoking roles, inviting a county office's staff, founding a
program — audited actions that ask the one policy, like every other write.

A program office manages the roles of its own program: the program office of it, the recipient and
donor offices of areas the program pairs, the enterprises that take part in it. Auditors and the
assessment's reviewers are appointed by an administrator only.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from counterpart.core.audit import Actor, audit_record, snapshot
from counterpart.core.errors import InvalidInput
from counterpart.registry.models import Area, Organisation, Pairing, Program
from counterpart.registry.services import program_create

from .models import Membership, Role
from .policy import POLICY, Target, policy_check

# The subject each role is about (the model's check constraint says the same in the database).
_SUBJECT = {
    Role.PROGRAM_OFFICE: "program",
    Role.DONOR_DISTRICT_OFFICE: "area",
    Role.RECIPIENT_OFFICE: "area",
    Role.ENTERPRISE: "organisation",
    Role.REVIEWER: "program",
}


# Roles that check the program office's work (auditors, the assessment's reviewers): an administrator
# appoints and removes them, never the office they check.
_APPOINTED = frozenset({Role.AUDITOR, Role.REVIEWER})


def _privileged(actor: Actor) -> bool:
    user = actor.user
    return actor.is_system or (user is not None and user.is_active and user.is_superuser)


def _subject_in_program(role: str, program: Program | None, area: Area | None, organisation: Any, within: Program):
    """Refuse a role whose subject lies outside ``within``, the program on whose behalf it is granted."""
    if role == Role.PROGRAM_OFFICE:
        if program is None or program.pk != within.pk:
            raise InvalidInput("program", program.slug if program else "", _("只能授予本协作项目的角色"))
        return
    if role == Role.RECIPIENT_OFFICE:
        assert area is not None
        recipients = Pairing.objects.filter(program=within).values_list("recipient_area_id", flat=True)
        if not any(area.code.startswith(code) or code.startswith(area.code) for code in recipients):
            raise InvalidInput("area", area.code, _("该地区不是本协作项目的结对受援地区"))
        return
    if role == Role.DONOR_DISTRICT_OFFICE:
        assert area is not None
        if not Pairing.objects.filter(program=within, donor_area=area).exists():
            raise InvalidInput("area", area.code, _("该地区不是本协作项目的结对帮扶地区"))
        return
    if role == Role.ENTERPRISE:
        check = POLICY.organisation_in_program
        if check is None or not check(organisation.pk, within.pk):
            raise InvalidInput("organisation", organisation.pk, _("该企业未参与本协作项目"))


def membership_grant(
    *,
    actor: Actor,
    user: Any,
    role: str,
    program: Program | None = None,
    area: Area | None = None,
    organisation: Organisation | None = None,
    within: Program | None = None,
) -> Membership:
    """Give ``user`` a role over its subject. ``within``: the program the grant is made for (a program
    office grants only in its own program, and only over what that program pairs); an administrator
    or the system may grant anything, and only they appoint auditors and reviewers."""
    if role not in Role.values:
        raise InvalidInput("role", role, _("未知的角色"))
    subject = _SUBJECT.get(Role(role))
    given = {"program": program, "area": area, "organisation": organisation}
    if subject is not None and given[subject] is None:
        raise InvalidInput(subject, "", _("该角色须指定其范围"))
    if role == Role.PROGRAM_OFFICE and within is None:
        within = program
    with transaction.atomic():
        if not _privileged(actor):
            if role in _APPOINTED:
                raise PermissionDenied(_("审计监督和审核人角色只能由系统管理员授予"))
            policy_check(actor, "membership_grant", Target(program=within.pk if within else None))
            assert within is not None
            _subject_in_program(role, program, area, organisation, within)
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


def membership_revoke(
    *, actor: Actor, membership: Membership, within: Program | None = None, reason: str = ""
) -> Membership:
    """End a membership; the row stays, inactive, with its history in the audit trail. A program office
    revokes only roles of its own program (``within``)."""
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if not _privileged(actor):
            if membership.role in _APPOINTED:
                raise PermissionDenied(_("审计监督和审核人角色只能由系统管理员撤销"))
            if within is None and membership.role == Role.PROGRAM_OFFICE:
                within = membership.program
            policy_check(actor, "membership_revoke", Target(program=within.pk if within else None))
            assert within is not None
            _subject_in_program(membership.role, membership.program, membership.area, membership.organisation, within)
        if not membership.is_active:
            return membership
        before = snapshot(membership)
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        audit_record(actor, "membership.revoke", membership, before=before, reason=reason)
    return membership


def membership_update(
    *,
    actor: Actor,
    membership: Membership,
    within: Program | None = None,
    reason: str = "",
    **changes: object,
) -> Membership:
    """Change a membership in place: the area of a recipient or donor district office's role, or the
    enterprise of an enterprise's role (a county's staff member moves to another county), within the
    program the role was granted for (``within``); or end it (``is_active`` False: a revoke). The role
    itself never changes: a different role is revoked and granted anew. Audited with the before."""
    unknown = sorted(set(changes) - {"area", "organisation", "is_active"})
    if unknown:
        raise InvalidInput(unknown[0], changes[unknown[0]], _("角色本身不能修改；请撤销后另行授予新的角色"))
    if "is_active" in changes:
        if changes.pop("is_active") is not False:
            raise InvalidInput("is_active", True, _("已撤销的角色不能恢复；请另行授予新的角色"))
        if changes:
            raise InvalidInput("is_active", False, _("撤销角色时不能同时修改其范围"))
        return membership_revoke(actor=actor, membership=membership, within=within, reason=reason)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        subject = _SUBJECT.get(Role(membership.role))
        if subject not in ("area", "organisation") or set(changes) - {subject}:
            field = next(iter(changes), subject or "role")
            raise InvalidInput(field, "", _("该角色的范围不能这样修改"))
        value = changes.get(subject)
        if value is None:
            raise InvalidInput(subject, "", _("该角色须指定其范围"))
        if not membership.is_active:
            raise InvalidInput("membership", membership.pk, _("该角色已撤销，不能修改"))
        area = value if isinstance(value, Area) else None
        organisation = value if isinstance(value, Organisation) else None
        if (area if subject == "area" else organisation) is None:
            raise InvalidInput(subject, str(value), _("该角色的范围不能这样修改"))
        if not _privileged(actor):
            policy_check(actor, "membership_update", Target(program=within.pk if within else None))
            assert within is not None
            # The office's authority reaches both the role as it was and as it becomes.
            _subject_in_program(membership.role, None, membership.area, membership.organisation, within)
            _subject_in_program(membership.role, None, area, organisation, within)
        before = snapshot(membership)
        setattr(membership, subject, value)
        membership.save(update_fields=[subject])
        audit_record(actor, "membership.update", membership, before=before, reason=reason)
    return membership


@dataclass(frozen=True)
class Invitation:
    """An account made for someone, with the one-time link where they choose their password."""

    user: Any
    membership: Membership
    set_password_link: str


def account_invite(
    *,
    actor: Actor,
    username: str,
    email: str = "",
    role: str,
    within: Program,
    program: Program | None = None,
    area: Area | None = None,
    organisation: Organisation | None = None,
    link_for: Callable[[str, str], str],
) -> Invitation:
    """Make an account for a county office's (or a district's, an enterprise's) staff with one role of
    ``within``, and a one-time link to set its password (``link_for(uidb64, token)`` builds it: the link
    stops working once the password is set). With an e-mail address the link is sent there too; without
    one the program office passes it on. The account has no usable password until then."""
    username = username.strip()
    email = email.strip()
    if not username:
        raise InvalidInput("username", username, _("请填写用户名"))
    if email and ("@" not in email or " " in email):
        raise InvalidInput("email", email, _("电子邮件地址无效"))
    user_model = get_user_model()
    with transaction.atomic():
        policy_check(actor, "account_invite", Target(program=within.pk))
        if user_model.objects.filter(username=username).exists():
            raise InvalidInput("username", username, _("该用户名已被使用"))
        if email and user_model.objects.filter(email__iexact=email).exists():
            raise InvalidInput("email", email, _("已有账户使用该电子邮件地址，请直接为其授予角色"))
        user = user_model.objects.create_user(username=username, email=email, password=None)
        audit_record(actor, "account.invite", user, after={"username": username, "email": email})
        membership = membership_grant(
            actor=actor, user=user, role=role, program=program, area=area, organisation=organisation, within=within
        )
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        link = link_for(uid, default_token_generator.make_token(user))
        if email:
            subject = _("Counterpart 东西部协作平台：请设置您的密码")
            body = _("%(program)s 为您开设了账户 %(username)s。请在以下一次性链接中设置密码：\n%(link)s") % {
                "program": within.name_zh,
                "username": username,
                "link": link,
            }
            transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return Invitation(user=user, membership=membership, set_password_link=link)


def program_found(*, actor: Actor, **fields: Any) -> Program:
    """A program office founds a program (registry's ``program_create``, which asks the policy) and,
    in the same transaction, holds the new program's office (an audited grant), so it can set it up."""
    with transaction.atomic():
        program = program_create(actor=actor, **fields)
        user = actor.user
        if user is not None and not actor.is_system:
            membership = Membership.objects.create(
                user=user, role=Role.PROGRAM_OFFICE, program=program, granted_by_label=actor.label[:150]
            )
            audit_record(actor, "membership.grant", membership)
    return program
