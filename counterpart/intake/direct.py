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

from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from counterpart.core.audit import Actor

from .kinds import DirectDeclined, ImportContext, Kind
from .models import BatchStatus, ImportBatch
from .readers import FileInfo
from .results import ImportResult, ProgressCallback, batch_audit
from .validation import row_is_blank

# Rows a chunk of the direct path holds at most: the load's COPYs are this long, so the server starts on
# the first rows early and writes each chunk while the importer encodes the next (persons_load); and
# memory holds two chunks (the one streaming, the one being encoded), whatever the caller's chunk size.
DIRECT_CHUNK_ROWS = 10_000


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
    from .staged import header_read, rows_opened

    counter, sheet, rows = rows_opened(kind, info)
    chunk_size = max(1, min(chunk_size, DIRECT_CHUNK_ROWS))
    total = 0
    try:
        fast, full = kind.direct_encoders(header_read(kind, sheet, rows), ImportContext())

        def completed(chunk: list[Any], deferred: list[tuple[int, int, Any]], done: int) -> Callable[[], list[Any]]:
            """The chunk with its deferred rows encoded by the full encoder, which may ask the database: called
            by the load between two COPYs, never while one holds the connection."""

            def complete() -> list[Any]:
                for position, number, cells in deferred:
                    staged = full(number, cells)
                    if isinstance(staged, list):  # the row's errors: the staged path reports them all
                        raise DirectDeclined(f"row {number}")
                    chunk[position] = staged
                if progress is not None:
                    progress("validate", done, None)
                return chunk

            return complete

        def chunks() -> Iterator[Callable[[], list[Any]]]:
            # Advanced while the previous chunk's COPY streams: reads and the fast path only, no database.
            nonlocal total
            chunk: list[Any] = []
            deferred: list[tuple[int, int, Any]] = []
            for number, cells in enumerate(rows, start=2):
                if row_is_blank(cells):
                    continue
                staged = fast(number, cells)
                if staged is None:
                    deferred.append((len(chunk), number, cells))
                chunk.append(staged)
                if len(chunk) >= chunk_size:
                    total += len(chunk)
                    yield completed(chunk, deferred, total)
                    chunk, deferred = [], []
            total += len(chunk)
            yield completed(chunk, deferred, total)

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
