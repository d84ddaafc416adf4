"""Import batches: one row per file the intake was asked to load, for idempotency, progress and resume."""

from django.conf import settings
from django.db import models
from django.utils.translation import pgettext_lazy


class BatchStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("choice", "排队中")
    VALIDATING = "validating", pgettext_lazy("choice", "校验中")
    WRITING = "writing", pgettext_lazy("choice", "写入中")
    DONE = "done", pgettext_lazy("choice", "已完成")
    INVALID = "invalid", pgettext_lazy("choice", "数据有误，未导入")
    FAILED = "failed", pgettext_lazy("choice", "写入中断，可续传")


class ImportBatch(models.Model):
    """A file's import. ``file_sha256`` with ``kind`` is the batch identity: the same file again is a no-op.

    ``rows_done``/``rows_total`` are what the web page and the CLI show as progress. On PostgreSQL
    a bulk kind commits in chunks and advances ``rows_done`` in the same transaction as each chunk,
    so a worker killed mid-way leaves a batch in ``writing`` that the next run of the same file resumes.
    """

    kind = models.CharField(max_length=40)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    file_path = models.CharField(max_length=1000, blank=True, help_text="stored upload, for the worker")
    status = models.CharField(max_length=20, choices=BatchStatus.choices, default=BatchStatus.QUEUED)
    dry_run = models.BooleanField(default=False)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    # Progress of pass 1, committed as it goes so that a page can poll it (intake.selectors.batch_progress).
    rows_validated = models.PositiveIntegerField(default=0)
    bytes_read = models.BigIntegerField(default=0)
    bytes_total = models.BigIntegerField(default=0)
    # Staged kinds (persons on PostgreSQL): the spreadsheet row up to which the staging table is
    # complete, and how many rows a resumed run found already staged.
    last_row = models.PositiveIntegerField(default=0)
    rows_resumed = models.PositiveIntegerField(default=0)
    progress_at = models.DateTimeField(null=True, blank=True)
    # How many times a worker took the batch; past INTAKE_MAX_ATTEMPTS it is failed, not run again.
    attempts = models.PositiveSmallIntegerField(default=0)
    rows_new = models.PositiveIntegerField(default=0)
    rows_changed = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    created_by_label = models.CharField(max_length=150, blank=True)
    # The uploader: a queued batch runs as them, within what they may import (intake/limits.py).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "导入批次 import batch"
        verbose_name_plural = "导入批次 import batches"
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.file_name} {self.status}"
