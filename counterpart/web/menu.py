"""The signed-in menu, by role: an item is shown only where it leads somewhere the user may be.

A list appears when the user's read scope (``access.scoping``: the same memberships every list and
the API filter by) reaches that kind of record at all, or when the one policy grants them the
verb that creates one; imports when they may load a kind or read every batch; the audit trail
when they read everything. No item leads to a refusal (web/tests/test_menu.py walks them).
"""

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from counterpart.access.scoping import RULES, AccessScope, access_scope
from counterpart.intake.kinds import kinds_all
from counterpart.intake.limits import import_limits_of
from counterpart.registry.models import Pairing

from . import can
from .duplicate_views import may_read_duplicate_notices
from .specs import SPECS

# The verbs of program set-up (web/setup_views.py): its menu item is for whom the policy grants one.
SETUP_VERBS = ("program_create", "program_update", "pairing_create")


@dataclass(frozen=True)
class MenuItem:
    label: str | Promise
    url: str


# The lists, in menu order, with their short names.
LIST_ITEMS: tuple[tuple[str, str | Promise], ...] = (
    ("projects", _("项目")),
    ("funds", _("资金")),
    ("people", _("人员")),
    ("households", _("贫困户")),
    ("trainings", _("培训")),
    ("enterprises", _("企业")),
    ("enterprise-reports", _("企业报告")),
    ("events", _("产销活动")),
    ("indicators", _("上报指标")),
)


def scope_reaches(model: type[models.Model], scope: AccessScope) -> bool:
    """Whether a scope can see any row of ``model`` at all: one of its memberships' dimensions is a
    path the model's scoping rule has (an enterprise's organisation reaches no project)."""
    if scope.everything:
        return True
    rule = RULES.get(model)
    if rule is None:
        return False
    return bool(
        (rule.program and scope.programs)
        or (rule.area and scope.recipient_areas)
        or (rule.donor_area and scope.donor_areas)
        or (rule.organisation and scope.organisations)
    )


def may_import(user: Any) -> bool:
    limits = import_limits_of(user)
    return any(limits is None or limits.allows(kind) for kind in kinds_all())


def menu_for(user: Any) -> list[MenuItem]:
    if user is None or not user.is_authenticated:
        return []
    scope = access_scope(user)
    items = [MenuItem(_("工作台"), reverse("web:workbench"))]
    for slug, label in LIST_ITEMS:
        spec = SPECS[slug]
        if scope_reaches(spec.model, scope) or (spec.create_url and can.can_any(user, spec.create_verbs)):
            items.append(MenuItem(label, reverse(f"web:{slug}_list")))
    if may_read_duplicate_notices(user):
        items.append(MenuItem(_("重复登记"), reverse("web:duplicate_notices")))
    # The assessments of the pairings the user sees (every side of a pairing takes part in them).
    if scope_reaches(Pairing, scope):
        items.append(MenuItem(_("考核"), reverse("web:assessment_list")))
    if can.can_any(user, SETUP_VERBS):
        items.append(MenuItem(_("项目设置"), reverse("web:setup")))
    if may_import(user) or can.reads_audit_trail(user):
        items.append(MenuItem(_("导入"), reverse("web:imports")))
    if can.reads_audit_trail(user):
        items.append(MenuItem(_("审计"), reverse("web:audit_trail")))
    if user.is_active and user.is_superuser:
        items.append(MenuItem(_("管理"), reverse("admin:index")))
    return items
