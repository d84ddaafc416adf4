"""Who may see what: a user's memberships give roles over a program, an area or an enterprise."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import pgettext_lazy

from counterpart.registry.models import Area, Program


class Role(models.TextChoices):
    PROGRAM_OFFICE = "program_office", "协作办（全项目）program office"
    DONOR_DISTRICT_OFFICE = "donor_district_office", "帮扶方区县 donor district office"
    RECIPIENT_OFFICE = "recipient_office", "受援地区 recipient prefecture/county office"
    ENTERPRISE = "enterprise", "企业 enterprise"
    AUDITOR = "auditor", "审计监督 auditor"
    # Cross-checks a program's yearly assessments, returns them or finalises them; reads the program.
    REVIEWER = "reviewer", pgettext_lazy("choice", "审核人")


class Membership(models.Model):
    """One role a user holds, over the thing the role is about.

    program office → ``program``; donor district office → ``area`` (the donor district: it sees
    the pairings of that district and their records); recipient office → ``area`` (that area and
    everything below it); enterprise → ``organisation`` (its own enterprise); auditor → everything,
    read-only. A user may hold several memberships; what they see is the union.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    program = models.ForeignKey(Program, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "registry.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(default=True)
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["user_id", "role"]
        verbose_name = "角色 membership"
        verbose_name_plural = "角色 memberships"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role__in=["program_office", "reviewer"], program__isnull=False)
                    | Q(role__in=["donor_district_office", "recipient_office"], area__isnull=False)
                    | Q(role="enterprise", organisation__isnull=False)
                    | Q(role="auditor")
                ),
                name="membership_role_has_its_subject",
            )
        ]

    def __str__(self) -> str:
        subject = self.program or self.area or self.organisation or "—"
        return f"{self.user} · {self.get_role_display()} · {subject}"
