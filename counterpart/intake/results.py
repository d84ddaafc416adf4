"""What an import returns and how a batch ends: shared by the row-by-row path (services.py) and the
staged bulk path (staged.py), which both sit above this module."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from counterpart.core.audit import Actor, audit_record_bulk

from .kinds import Kind
from .models import BatchStatus, ImportBatch
from .validation import RowError

ProgressCallback = Callable[[str, int, int | None], None]
MAX_ERRORS_KEPT = 1000


@dataclass
class ImportResult:
    batch: ImportBatch
    errors: list[RowError] = field(default_factory=list)
    already_imported: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and self.batch.status == BatchStatus.DONE


def batch_finish_invalid(batch: ImportBatch, errors: list[RowError], status: str = BatchStatus.INVALID) -> ImportResult:
    """End a batch refused: its first errors kept on it, nothing written."""
    batch.status, batch.finished_at = status, timezone.now()
    batch.errors = [error.as_dict() for error in errors[:MAX_ERRORS_KEPT]]
    batch.error_count = len(errors)
    batch.save()
    return ImportResult(batch=batch, errors=errors)


def batch_audit(actor: Actor, kind: Kind, batch: ImportBatch) -> None:
    """The one audit row of a loaded file (its rows are written by the domain services)."""
    audit_record_bulk(
        actor,
        "intake.import",
        f"intake.{kind.key}",
        after={
            "batch": batch.pk,
            "file": batch.file_name,
            "sha256": batch.file_sha256,
            "rows": batch.rows_total,
            "new": batch.rows_new,
            "changed": batch.rows_changed,
            "unchanged": batch.rows_unchanged,
        },
    )
