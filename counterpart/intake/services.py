"""Importing a file: validate every row first, then write through the domain services (each sheet's
two passes are in passes.py; a workbook of several kinds, a sheet each, in workbooks.py).

Pass 1 streams the file, types each cell, checks each row as the domain would (``Kind.prepare``),
finds which rows are new, unchanged or changed (by natural key, a chunk at a time) and spools the
typed rows to a temporary file; nothing is written. Any error: the batch is ``invalid`` and
nothing loads. Pass 2 reads the spool and writes:

- on SQLite, and for kinds written row by row, in one transaction: all or nothing;
- on PostgreSQL for bulk kinds (``Kind.bulk``: large files, COPY), in chunked transactions, each
  advancing the batch's ``rows_done`` in the same transaction. A worker killed mid-way leaves a
  batch in ``writing`` with whole chunks loaded; running the same file again resumes it: pass 1
  finds the loaded rows unchanged and pass 2 writes only the rest.

Kinds with ``staged = True`` (persons) take the bulk path of staged.py on PostgreSQL instead:
COPY to a per-batch staging table, set-based checks, one transaction to write.

Every run holds a PostgreSQL advisory lock on its batch (``batch_lock``); a batch left in
``validating`` or ``writing`` with its lock free was abandoned by a killed process, and
``batch_claim`` hands it to the worker to resume. Progress for pages: selectors.batch_progress.

Idempotent: a file whose batch is ``done`` is not read again; a row whose natural key exists and
whose values are equal is skipped; a changed row goes to the domain's update service (or is
refused, for immutable records such as ledger transactions).
"""

import datetime
import hashlib
import logging
import time
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput

from .at_rest import SealedSpool, upload_opened
from .kinds import ImportContext, Kind, Row, kind_get, kinds_all
from .limits import import_limits
from .models import BatchStatus, ImportBatch
from .passes import RowFailed, chunk_write, row_of_error, sheet_validate, spool_chunks
from .readers import FileInfo, file_inspect, rows_read, sheet_name_of
from .results import ImportResult, ProgressCallback, batch_audit, batch_finish_invalid
from .validation import FileRejected, RowError, display, header_map
from .workbooks import WORKBOOK, workbook_limits_check, workbook_load, workbook_plan

logger = logging.getLogger(__name__)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def kind_detect(info: FileInfo) -> Kind:
    """The kind whose columns a file's header matches best (its sheet name wins in an XLSX)."""
    candidates = kinds_all()
    for kind in candidates:
        if info.type == "xlsx" and sheet_name_of(info, kind.key) == kind.key:
            return kind
    header = next(rows_read(info, sheet_name_of(info, "")), [])
    best: tuple[int, Kind | None] = (0, None)
    for kind in candidates:
        try:
            matched = sum(1 for column in header_map(kind, header) if column is not None)
        except FileRejected:
            continue
        if matched > best[0]:
            best = (matched, kind)
    if best[1] is None:
        raise FileRejected(
            "无法从表头判断数据类型，请用 --kind 指定", "cannot tell the kind of records from the header: give --kind"
        )
    return best[1]


def import_file(
    *,
    actor: Actor,
    path: Path | str,
    kind: str | None = None,
    dry_run: bool = False,
    batch: ImportBatch | None = None,
    progress: ProgressCallback | None = None,
    chunk_size: int = 5000,
    file_name: str = "",
) -> ImportResult:
    """Import a spreadsheet (XLSX or CSV) of one kind of records, all or nothing. See the module docstring.
    A workbook of several kinds, one sheet each (``kind`` = ``workbook``, or detected), loads all its
    sheets or none (workbooks.py).

    Raises FileRejected when the file as a whole is unacceptable (type, size, zip bomb, header).
    """
    path = Path(path)
    info = file_inspect(path)
    sheets = workbook_plan(info, kind)
    if sheets is not None:
        workbook_limits_check(actor, sheets)
        batch_kind, record_kind, limits = WORKBOOK, None, None
    else:
        record_kind = kind_get(kind) if kind else kind_detect(info)
        limits = import_limits(actor, record_kind)
        batch_kind = record_kind.key
    sha = file_sha256(path)
    if not dry_run:
        done = ImportBatch.objects.filter(
            kind=batch_kind, file_sha256=sha, dry_run=False, status=BatchStatus.DONE
        ).first()
        if done is not None:
            if batch is not None and batch.pk != done.pk:
                batch.status, batch.finished_at = BatchStatus.DONE, timezone.now()
                batch.save()
            return ImportResult(batch=done, already_imported=True)
        if batch is None:
            batch = ImportBatch.objects.filter(
                kind=batch_kind,
                file_sha256=sha,
                dry_run=False,
                status__in=[BatchStatus.VALIDATING, BatchStatus.WRITING, BatchStatus.FAILED],
            ).first()
    if batch is None:
        batch = ImportBatch(kind=batch_kind, file_sha256=sha, dry_run=dry_run, created_by_label=actor.label)
        batch.save()
    if not batch_lock(batch, wait_seconds=5.0):
        raise FileRejected("该文件正由另一进程导入", "this file is being imported by another process")
    try:
        batch.kind, batch.file_sha256, batch.dry_run = batch_kind, sha, dry_run
        batch.file_name = (file_name or batch.file_name or path.name)[:255]
        batch.file_path = batch.file_path or str(path.resolve())
        batch.status, batch.started_at, batch.finished_at = BatchStatus.VALIDATING, timezone.now(), None
        if sheets is not None:
            return workbook_load(actor, info, sheets, batch, dry_run=dry_run, progress=progress, chunk_size=chunk_size)
        assert record_kind is not None
        # The staged bulk path checks its rules set-based, without the per-row places of an
        # uploader limited to their areas; such files (a county's) take the checked path. On a Citus
        # cluster too the staged path runs: its rules read the distributed persons and households through
        # subqueries Citus runs on the shards (people/services/staging.py; docs/scale.md).
        if record_kind.staged and connection.vendor == "postgresql" and limits is None:
            from .staged import import_staged

            try:
                # A file of new rows, not resumed (nothing staged of it), first tries the direct path.
                if record_kind.direct and not dry_run and batch.last_row == 0:
                    from .direct import import_direct

                    loaded = import_direct(actor, record_kind, info, batch, progress=progress, chunk_size=chunk_size)
                    if loaded is not None:
                        return loaded
                return import_staged(
                    actor, record_kind, info, batch, dry_run=dry_run, progress=progress, chunk_size=chunk_size
                )
            except FileRejected as rejected:
                from .staged import stage_drop

                stage_drop(batch)
                batch.last_row = 0
                return batch_finish_invalid(
                    batch, [RowError(path.name, 1, "", "", rejected.message_zh, rejected.message_en)]
                )
        batch.errors, batch.error_count = [], 0
        batch.save()
        context = ImportContext(limits=limits)
        with SealedSpool() as spool:
            try:
                errors = sheet_validate(record_kind, info, spool, context, batch, progress, chunk_size)
            except FileRejected as rejected:
                errors = [RowError(path.name, 1, "", "", rejected.message_zh, rejected.message_en)]
            if errors:
                return batch_finish_invalid(batch, errors)
            if dry_run:
                batch.status, batch.finished_at = BatchStatus.DONE, timezone.now()
                batch.save()
                return ImportResult(batch=batch)
            return _write(actor, record_kind, spool, context, batch, progress)
    finally:
        batch_unlock(batch)


def _lock_key(batch: ImportBatch) -> tuple[int, int]:
    return 6_000_006, int(batch.pk)  # (namespace of intake batches, batch id)


def batch_lock(batch: ImportBatch, wait_seconds: float = 0.0) -> bool:
    """Hold a batch for this process (a PostgreSQL session advisory lock, released if the process dies).

    A batch in ``validating`` or ``writing`` whose lock is free was left by a killed process: the
    worker resumes it. Elsewhere (SQLite: one process, one transaction) there is nothing to hold.
    """
    if connection.vendor != "postgresql":
        return True
    # A killed holder's session ends a moment after the process: wait that moment, not longer.
    deadline = time.monotonic() + wait_seconds
    while True:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", _lock_key(batch))
            if cursor.fetchone()[0]:
                return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)


def batch_unlock(batch: ImportBatch) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", _lock_key(batch))


def _write(
    actor: Actor,
    kind: Kind,
    spool: SealedSpool,
    context: ImportContext,
    batch: ImportBatch,
    progress: ProgressCallback | None,
) -> ImportResult:
    """Pass 2. Chunked commits for bulk kinds on PostgreSQL (resumable), one transaction otherwise."""
    chunked = connection.vendor == "postgresql" and kind.bulk
    reason = f"import batch #{batch.pk}: {batch.file_name}"
    to_write = batch.rows_new + batch.rows_changed
    batch.status, batch.rows_done = BatchStatus.WRITING, batch.rows_total - to_write
    batch.save()
    done = batch.rows_done
    chunk: list[tuple[int, str, Row, Row]] = []
    try:
        if chunked:
            for chunk in spool_chunks(spool):
                with transaction.atomic():
                    chunk_write(actor, kind, chunk, context, reason)
                    done += len(chunk)
                    ImportBatch.objects.filter(pk=batch.pk).update(rows_done=done)
                if progress is not None:
                    progress("write", done, batch.rows_total)
            with transaction.atomic():
                batch_audit(actor, kind, batch)
        else:
            with transaction.atomic():
                for chunk in spool_chunks(spool):
                    chunk_write(actor, kind, chunk, context, reason)
                    done += len(chunk)
                    if progress is not None:
                        progress("write", done, batch.rows_total)
                batch_audit(actor, kind, batch)
    except (InvalidInput, RowFailed) as failure:
        # A rule pass 1 could not see (a balance drawn down meanwhile, a code taken concurrently).
        if isinstance(failure, RowFailed):
            number, error = failure.row_number, failure.error
        else:
            number, error = (row_of_error(kind, chunk, failure) if chunk else 0), failure
        validator_sheet = batch.file_name
        column = kind.column_of_field(error.field)
        row_error = RowError(
            validator_sheet,
            number,
            kind.column(column).header_zh,
            display(error.value),
            str(error.reason),
            str(error.reason),
        )
        batch.refresh_from_db(fields=["rows_done"])
        status = (
            BatchStatus.FAILED if chunked and batch.rows_done > batch.rows_total - to_write else BatchStatus.INVALID
        )
        return batch_finish_invalid(batch, [row_error], status)
    batch.rows_done = batch.rows_total
    batch.status, batch.finished_at = BatchStatus.DONE, timezone.now()
    batch.save()
    return ImportResult(batch=batch)


def batch_enqueue(
    *, actor: Actor, path: Path, kind: str | None = None, file_name: str = "", dry_run: bool = False
) -> ImportBatch:
    """Queue a stored upload for ``counterpart worker`` (``dry_run``: validate only, write nothing)."""
    with upload_opened(path) as clear:
        info = file_inspect(clear)
        sheets = workbook_plan(info, kind)
        # a role that may not import a kind of the file is told now, not by the worker
        if sheets is not None:
            workbook_limits_check(actor, sheets)
            batch_kind = WORKBOOK
        else:
            record_kind = kind_get(kind) if kind else kind_detect(info)
            import_limits(actor, record_kind)
            batch_kind = record_kind.key
        sha = file_sha256(clear)
    return ImportBatch.objects.create(
        kind=batch_kind,
        file_name=(file_name or path.name)[:255],
        file_sha256=sha,
        file_path=str(path),
        status=BatchStatus.QUEUED,
        dry_run=dry_run,
        created_by_label=actor.label,
        created_by=actor.db_user,
    )


def batch_claim() -> ImportBatch | None:
    """Take the oldest queued batch, skipping batches another worker holds (SKIP LOCKED on PostgreSQL)."""
    with transaction.atomic():
        queued = ImportBatch.objects.filter(status=BatchStatus.QUEUED).order_by("created_at", "id")
        if connection.vendor == "postgresql":
            queued = queued.select_for_update(skip_locked=True)
        batch = queued.first()
        if batch is not None:
            batch.status, batch.started_at = BatchStatus.VALIDATING, timezone.now()
            batch.attempts += 1
            batch.save(update_fields=["status", "started_at", "attempts"])
            return batch
    return batch_claim_abandoned()


def max_attempts() -> int:
    return int(getattr(settings, "INTAKE_MAX_ATTEMPTS", 3))


def _attempt_counted(batch: ImportBatch) -> bool:
    """Count one more run of a reclaimed batch; False (and the batch failed) once it ran too often.

    A batch whose processing kills the process (memory, a crash in a library) is reclaimed after each
    restart; this bounds that loop."""
    batch.attempts += 1
    if batch.attempts > max_attempts():
        _batch_fail(batch, "导入处理多次中断，已停止重试", f"processing was interrupted {batch.attempts - 1} times")
        return False
    ImportBatch.objects.filter(pk=batch.pk).update(attempts=batch.attempts)
    return True


def _batch_fail(batch: ImportBatch, reason_zh: str, reason_en: str) -> ImportResult:
    """Mark a batch failed with its reason (shown on its page); nothing of it was written."""
    failure = RowError(batch.file_name, 1, "", "", f"导入失败：{reason_zh}", f"the import failed: {reason_en}")
    result = batch_finish_invalid(batch, [failure], status=BatchStatus.FAILED)
    if connection.vendor == "postgresql":
        # Its staged rows (names, birth dates, sealed numbers) are not kept for a batch that is not
        # resumed: a re-run stages the file again. Dropped after the batch is marked, so a broken
        # connection leaves the table to the sweep (at_rest.leftovers_sweep) rather than the batch open.
        from .staged import stage_drop

        try:
            stage_drop(batch)
        except DatabaseError:
            logger.warning("import batch #%s: staging table left for the sweep", batch.pk)
    return result


def batch_claim_abandoned(grace_seconds: float | None = None) -> ImportBatch | None:
    """A batch a killed process left in ``validating`` or ``writing`` (PostgreSQL only), to resume.

    Its advisory lock is free once the process that held it is gone; the grace period keeps the
    worker off a batch whose process has saved it but not yet taken the lock.
    """
    if connection.vendor != "postgresql":
        return None
    if grace_seconds is None:
        grace_seconds = float(getattr(settings, "INTAKE_ABANDONED_AFTER_SECONDS", 10))
    cutoff = timezone.now() - datetime.timedelta(seconds=grace_seconds)
    candidates = ImportBatch.objects.filter(
        status__in=[BatchStatus.VALIDATING, BatchStatus.WRITING], dry_run=False, started_at__lt=cutoff
    ).exclude(file_path="")
    for batch in candidates.order_by("started_at", "id"):
        if batch_lock(batch):
            batch_unlock(batch)  # import_file takes it again; a lost race there is refused, not doubled
            if _attempt_counted(batch):
                return batch
    return None


def batch_run(actor: Actor, batch: ImportBatch, progress: ProgressCallback | None = None) -> ImportResult:
    """Run a claimed batch from its stored file, as its uploader (``actor`` runs batches nobody uploaded)."""
    if batch.created_by is not None:
        actor = Actor.of(batch.created_by)
    try:
        with upload_opened(Path(batch.file_path)) as clear:  # a sealed upload, read from memory
            return import_file(
                actor=actor,
                path=clear,
                kind=batch.kind,
                batch=batch,
                progress=progress,
                file_name=batch.file_name,
                dry_run=batch.dry_run,
            )
    except FileRejected as rejected:
        return batch_finish_invalid(
            batch, [RowError(batch.file_name, 1, "", "", rejected.message_zh, rejected.message_en)]
        )
    except OSError:
        # The stored upload is gone: the batch cannot run (or resume) and must not be retried forever.
        missing = RowError(batch.file_name, 1, "", "", "找不到上传的文件", "the uploaded file is missing")
        return batch_finish_invalid(batch, [missing])
    except ValueError:  # a sealed upload cut short or altered (at_rest.upload_opened)
        return _batch_fail(batch, "上传的文件已损坏", "the stored upload is damaged")
    except Exception as error:
        # The reason and the log name the kind of error only: its text could quote a cell (an identity number).
        kind = type(error).__name__
        logger.error("import batch #%s failed: %s", batch.pk, kind)
        return _batch_fail(batch, f"处理时出错（{kind}），请联系管理员", f"an error occurred while processing ({kind})")
