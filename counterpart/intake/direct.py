"""The direct path for staged kinds (persons) on PostgreSQL: a file of new rows written once, in one transaction.

The staged path (staged.py) COPYs every row into a staging table, checks it there and copies it again
into the domain's table. Most large files are a county's first registration — every row new — and for
those the staging table is pure cost: this path streams the file through the kind's encoder (the same
rules, identity numbers encrypted and blind-indexed in memory) straight into the domain's set-based
load (``Kind.direct_apply``: for persons, ``people.services.persons_load``), which COPYs the final
rows a chunk at a time and checks the file's references and uniqueness as it goes, all in one
transaction with the audit events and the batch marked done.

Anything else declines the whole file with nothing written — a row the encoder refuses, a household
or area not registered, a number given twice or registered already — and the caller runs the staged
path, whose checks name every refused row with its message (a bad file costs the time to its first
problem twice). Dry runs, resumed batches and files larger than ``INTAKE_DIRECT_MAX_BYTES`` take the
staged path from the start: killed midway, a direct import leaves nothing and starts again from the
first row, where the staged path resumes after the last committed chunk.
"""

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from counterpart.core.audit import Actor

from .kinds import DirectDeclined, Kind
from .models import BatchStatus, ImportBatch
from .readers import FileInfo
from .results import ImportResult, ProgressCallback, batch_audit
from .validation import row_is_blank


def _expected_rows(info: FileInfo) -> int:
    """About how many rows a CSV holds, from the lines in its first 64 KiB (0 for a workbook)."""
    if info.type != "csv" or not info.size:
        return 0
    with info.path.open("rb") as handle:
        sample = handle.read(1 << 16)
    return int(info.size * max(sample.count(b"\n"), 1) / max(len(sample), 1))


def import_direct(
    actor: Actor,
    kind: Kind,
    info: FileInfo,
    batch: ImportBatch,
    *,
    progress: ProgressCallback | None,
    chunk_size: int,
) -> ImportResult | None:
    """Import a file of new rows in one transaction; None when it is not one (nothing written)."""
    if info.size > settings.INTAKE_DIRECT_MAX_BYTES:
        return None
    # Published before the load's transaction: the batch is validating (a worker reclaims it if killed).
    batch.errors, batch.error_count, batch.bytes_total = [], 0, info.size
    batch.save()
    from .staged import header_validated, rows_opened

    counter, sheet, rows = rows_opened(kind, info)
    total = 0
    try:
        _validator, encode = header_validated(kind, sheet, rows)

        def chunks() -> Iterator[list[Any]]:
            nonlocal total
            chunk: list[Any] = []
            for number, cells in enumerate(rows, start=2):
                if row_is_blank(cells):
                    continue
                staged = encode(number, cells)
                if isinstance(staged, list):  # the row's errors: the staged path reports them all
                    raise DirectDeclined(f"row {number}")
                chunk.append(staged)
                if len(chunk) >= chunk_size:
                    total += len(chunk)
                    yield chunk
                    chunk = []
                    if progress is not None:
                        progress("validate", total, None)
            total += len(chunk)
            yield chunk

        before = dict(batch.__dict__)
        try:
            with transaction.atomic():
                reason = f"import batch #{batch.pk}: {batch.file_name}"
                new = kind.direct_apply(actor, chunks(), expected_rows=_expected_rows(info), reason=reason)
                batch.rows_total = batch.rows_validated = batch.rows_done = batch.rows_new = new
                batch.rows_changed = batch.rows_unchanged = batch.rows_resumed = 0
                batch.errors, batch.error_count, batch.last_row = [], 0, 0
                batch.bytes_total = info.size
                batch.bytes_read = info.size if counter is not None else 0
                batch.status, batch.finished_at = BatchStatus.DONE, timezone.now()
                batch.progress_at = timezone.now()
                batch.save()
                batch_audit(actor, kind, batch)
        except (DirectDeclined, IntegrityError):
            batch.__dict__.update(before)  # rolled back: the batch as the staged path is to find it
            return None
    finally:
        if counter is not None:
            counter.close()
    if progress is not None:
        progress("write", total, total)
    return ImportResult(batch=batch)
