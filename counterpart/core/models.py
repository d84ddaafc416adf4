"""The audit trail every domain write leaves behind, in the same transaction."""

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """Who did what to which record, when, with the state before and after.

    Written only by ``counterpart.core.audit.audit_record`` inside the transaction of the change
    it describes, so a rolled-back change leaves no event and a committed one always has one.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # For writes without a logged-in user (CLI, demo loader, importer run by cron).
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=80, db_index=True, help_text="<entity>.<verb>, e.g. project.approve")
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=255, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = "审计记录 audit event"
        verbose_name_plural = "审计记录 audit events"

    def __str__(self) -> str:
        who = self.actor or self.actor_label or "system"
        return f"{self.at:%Y-%m-%d %H:%M} {who} {self.action} {self.object_type}#{self.object_id}"
