"""Reads for the intake: what a page polls to draw an import's progress bar.

``batch_progress(batch_id)`` returns a ``BatchProgress``: the status, the phase, rows validated
(pass 1, committed as it goes), rows written, the total (known once the file has been read
through), bytes read of the file (CSV; for a bar before the total is known), the error count and
a ``fraction`` from 0 to 1 for the bar. Pass 1 commits its counts every chunk; pass 2 of a staged
kind (persons on PostgreSQL) writes in one transaction, so ``rows_written`` jumps from 0 to the
total when it commits (the phase says "write" meanwhile).
"""

import datetime
from dataclasses import dataclass

from .models import BatchStatus, ImportBatch

FINISHED = frozenset({BatchStatus.DONE, BatchStatus.INVALID, BatchStatus.FAILED})


@dataclass(frozen=True)
class BatchProgress:
    batch_id: int
    kind: str
    file_name: str
    status: str
    phase: str  # "queued", "validate", "write" or "finished"
    rows_validated: int
    rows_written: int
    rows_total: int | None  # None until the whole file has been read
    bytes_read: int
    bytes_total: int
    error_count: int
    rows_new: int
    rows_changed: int
    rows_unchanged: int
    updated_at: datetime.datetime | None

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def fraction(self) -> float:
        """0–1 for a progress bar: validation is the first half, writing the second."""
        if self.finished:
            return 1.0
        if self.phase == "write":
            total = self.rows_total or 1
            return 0.5 + 0.5 * min(self.rows_written / total, 1.0)
        if self.phase == "validate":
            if self.bytes_total and self.bytes_read:
                return 0.5 * min(self.bytes_read / self.bytes_total, 1.0)
            if self.rows_total:
                return 0.5 * min(self.rows_validated / self.rows_total, 1.0)
        return 0.0


def batch_progress(batch_id: int) -> BatchProgress | None:
    """The progress of one import batch, or None when there is no such batch."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return None
    phase = {
        BatchStatus.QUEUED: "queued",
        BatchStatus.VALIDATING: "validate",
        BatchStatus.WRITING: "write",
    }.get(BatchStatus(batch.status), "finished")
    complete = batch.status in FINISHED or batch.status == BatchStatus.WRITING
    return BatchProgress(
        batch_id=batch.pk,
        kind=batch.kind,
        file_name=batch.file_name,
        status=batch.status,
        phase=phase,
        rows_validated=batch.rows_validated,
        rows_written=batch.rows_done,
        rows_total=batch.rows_total if complete or batch.rows_total else None,
        bytes_read=batch.bytes_read,
        bytes_total=batch.bytes_total,
        error_count=batch.error_count,
        rows_new=batch.rows_new,
        rows_changed=batch.rows_changed,
        rows_unchanged=batch.rows_unchanged,
        updated_at=batch.progress_at or batch.started_at,
    )
