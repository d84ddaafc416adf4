"""What IATI publication and import need to remember beyond the domain records.

IatiPublisher is how a program appears as an IATI reporting organisation. The link models make
import idempotent: an activity identifier maps to one project per program, a transaction (by its
``ref`` or, lacking one, a hash of its content) to the ledger entries it produced, so importing
the same file twice changes nothing.
"""

from django.db import models

from counterpart.funds.models import LedgerTransaction
from counterpart.projects.models import Project
from counterpart.registry.models import Program


class IatiPublisher(models.Model):
    """A program's identity as an IATI reporting organisation.

    ``organisation_ref`` is the IATI organisation identifier: "CN-USCC-" + the unified social
    credit code for a Chinese government body when it is known. Without one, the placeholder
    derived by ``iati.selectors.iati_publisher_for`` is used and flagged ``is_placeholder``.
    """

    program = models.OneToOneField(Program, on_delete=models.PROTECT, related_name="iati_publisher")
    organisation_ref = models.CharField(max_length=100, help_text="IATI organisation identifier, e.g. CN-USCC-…")
    name_zh = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    organisation_type = models.CharField(max_length=3, default="10", help_text="IATI OrganisationType (10 政府)")
    is_placeholder = models.BooleanField(default=False, help_text="标识符为占位符 identifier is not registered")

    class Meta:
        verbose_name = "IATI 发布者 IATI publisher"
        verbose_name_plural = "IATI 发布者 IATI publishers"

    def __str__(self) -> str:
        return f"{self.organisation_ref} {self.name_zh}"


class IatiActivityLink(models.Model):
    """An imported IATI activity and the project it became (one per program and identifier)."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="iati_activity_links")
    iati_identifier = models.CharField(max_length=255)
    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="iati_link")
    reporting_org_ref = models.CharField(max_length=255, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program_id", "iati_identifier"]
        verbose_name = "IATI 活动映射 IATI activity link"
        verbose_name_plural = "IATI 活动映射 IATI activity links"
        constraints = [
            models.UniqueConstraint(fields=["program", "iati_identifier"], name="iati_activity_link_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.iati_identifier} → {self.project.code}"


class IatiTransactionLink(models.Model):
    """An imported IATI transaction and the ledger transaction that records it."""

    activity = models.ForeignKey(IatiActivityLink, on_delete=models.PROTECT, related_name="transactions")
    key = models.CharField(max_length=100, help_text="the transaction's ref, or a hash of its content")
    ledger_transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["activity_id", "id"]
        verbose_name = "IATI 交易映射 IATI transaction link"
        verbose_name_plural = "IATI 交易映射 IATI transaction links"
        constraints = [models.UniqueConstraint(fields=["activity", "key"], name="iati_transaction_link_unique")]

    def __str__(self) -> str:
        return f"{self.activity.iati_identifier} {self.key}"
