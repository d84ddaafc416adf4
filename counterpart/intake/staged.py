"""The bulk path for staged kinds (persons) on PostgreSQL: stream, COPY to staging, check in SQL, write once.

1. **Stage** (pass 1): the file is streamed; its rows go in batches to the kind's batch encoder
   (``stage_batch_encoder``: the domain's rules, identity numbers checked, encrypted and
   blind-indexed, the rows written as COPY text), in worker processes once the file is large
   (intake/stage_pool.py); any row it does not accept outright goes through the kind's
   ``stage_encoder`` here, which hands what it refuses to the general validator for the exact
   message. Valid rows are COPYed into an UNLOGGED table ``intake_stage_<batch id>``. Each chunk is
   its own transaction that also advances the batch's ``rows_validated``, ``bytes_read`` and
   ``last_row``: a page polls them, and a run killed here resumes after ``last_row``.
2. **Check**: set-based rules in SQL over the staging table (``Kind.stage_problems``: unknown
   households and areas, duplicates within the file, changes an import may not make).
3. **Write**: one transaction runs the domain's set-based write (``Kind.stage_apply``: INSERT …
   SELECT, UPDATE … FROM, one audit event), records the ``intake.import`` event, marks the batch
   done and drops the staging table. Killed here, it rolls back: nothing of the batch is in the
   domain's tables and the next run (the worker, or the same file again) redoes only this step.

Any invalid row: nothing is written, the batch is ``invalid`` and the staging table dropped.
"""

import io
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput

from .kinds import ImportContext, Kind
from .models import BatchStatus, ImportBatch
from .readers import FileInfo, rows_read, sheet_name_of
from .results import MAX_ERRORS_KEPT, ImportResult, ProgressCallback, batch_audit, batch_finish_invalid
from .stage_pool import BATCH_ROWS, Batch, Encoded, StagePipeline
from .validation import FileRejected, RowError, RowValidator, row_is_blank

# A staged row: the values of the kind's stage_columns, in order.
StagedRow = tuple[Any, ...]
Encoder = Callable[[int, Sequence[Any]], "StagedRow | list[RowError]"]


def stage_table_name(batch: ImportBatch) -> str:
    return f"intake_stage_{int(batch.pk)}"


def _table_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        return bool(cursor.fetchone()[0])


def stage_drop(batch: ImportBatch) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {stage_table_name(batch)}")


class _CountingReader(io.RawIOBase):
    """A binary file that counts the bytes read through it, for the byte progress of a CSV."""

    def __init__(self, path: Path) -> None:
        self._handle = path.open("rb", buffering=0)
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        read = self._handle.readinto(buffer)
        self.count += read or 0
        return read or 0

    def close(self) -> None:
        self._handle.close()
        super().close()


def _csv_rows(info: FileInfo, counter: _CountingReader) -> Any:
    import csv

    from .readers import _delimiter, csv_field_limit_set, rows_checked

    with info.path.open("r", encoding=info.encoding, newline="") as head:
        sample = head.read(8192)
    text = io.TextIOWrapper(io.BufferedReader(counter, 1 << 20), encoding=info.encoding, newline="")
    csv_field_limit_set()
    yield from rows_checked(csv.reader(text, delimiter=_delimiter(sample)))


def _errors_of(batch: ImportBatch) -> list[RowError]:
    return [RowError(**error) for error in batch.errors]


def import_staged(
    actor: Actor,
    kind: Kind,
    info: FileInfo,
    batch: ImportBatch,
    *,
    dry_run: bool,
    progress: ProgressCallback | None,
    chunk_size: int,
) -> ImportResult:
    """Import a file of a staged kind on PostgreSQL (see the module docstring)."""
    table = stage_table_name(batch)
    resuming = batch.last_row > 0 and _table_exists(table)
    if not resuming:
        stage_drop(batch)
        columns = ", ".join(f"{name} {sql_type}" for name, sql_type in kind.stage_columns)
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE UNLOGGED TABLE {table} ({columns})")
        batch.rows_validated, batch.last_row, batch.rows_resumed, batch.rows_total = 0, 0, 0, 0
        batch.errors, batch.error_count = [], 0
    else:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table}")
            batch.rows_resumed = cursor.fetchone()[0]
    # rows_total is set only once the whole file is staged: a run killed while writing redoes the write.
    staged_completely = resuming and batch.rows_total > 0
    errors = _errors_of(batch)
    error_count = batch.error_count
    batch.bytes_total = info.size
    batch.save()

    if not staged_completely:
        error_count = _stage(kind, info, batch, table, errors, error_count, progress, chunk_size)
    problems, problem_count = kind.stage_problems(table, batch.file_name, limit=MAX_ERRORS_KEPT)
    errors = sorted([*errors, *problems], key=lambda error: error.row)
    error_count += problem_count
    if error_count:
        stage_drop(batch)
        result = batch_finish_invalid(batch, errors)
        batch.error_count = error_count
        batch.last_row = 0
        batch.save(update_fields=["error_count", "last_row"])
        return result
    if dry_run:
        batch.rows_new, batch.rows_changed, batch.rows_unchanged = kind.stage_classify(table)
        stage_drop(batch)
        batch.status, batch.finished_at, batch.last_row = BatchStatus.DONE, timezone.now(), 0
        batch.save()
        return ImportResult(batch=batch)
    batch.status = BatchStatus.WRITING
    batch.save(update_fields=["status"])
    if progress is not None:
        progress("write", 0, batch.rows_total)
    try:
        with transaction.atomic():
            reason = f"import batch #{batch.pk}: {batch.file_name}"
            batch.rows_new, batch.rows_changed, batch.rows_unchanged = kind.stage_apply(actor, table, reason=reason)
            batch.rows_done = batch.rows_total
            batch.status, batch.finished_at, batch.last_row = BatchStatus.DONE, timezone.now(), 0
            batch.progress_at = timezone.now()
            batch.save()
            batch_audit(actor, kind, batch)
            stage_drop(batch)
    except InvalidInput as error:
        # A rule the checks could not see (a concurrent registration): nothing was written.
        batch.refresh_from_db()
        stage_drop(batch)
        batch.last_row = 0
        row_error = RowError(batch.file_name, 0, error.field, str(error.value), str(error.reason), str(error.reason))
        return batch_finish_invalid(batch, [row_error])
    if progress is not None:
        progress("write", batch.rows_total, batch.rows_total)
    return ImportResult(batch=batch)


def rows_opened(kind: Kind, info: FileInfo) -> tuple["_CountingReader | None", str, Iterator[Sequence[Any]]]:
    """The file's rows, its sheet's name (a CSV's file name) and, for a CSV, the reader counting its bytes."""
    if info.type == "csv":
        counter = _CountingReader(info.path)
        return counter, info.path.name, _csv_rows(info, counter)
    sheet = sheet_name_of(info, kind.key)
    return None, sheet, rows_read(info, sheet)


def header_read(kind: Kind, sheet: str, rows: Iterator[Sequence[Any]]) -> RowValidator:
    """The header row read and checked: the row validator."""
    try:
        header = next(rows)
    except StopIteration:
        raise FileRejected("文件没有表头行", "the file has no header row") from None
    return RowValidator(kind, sheet, header)


def header_validated(kind: Kind, sheet: str, rows: Iterator[Sequence[Any]]) -> tuple[RowValidator, Encoder]:
    """The header row read and checked; the row validator and the kind's encoder of staged rows."""
    validator = header_read(kind, sheet, rows)
    return validator, kind.stage_encoder(validator, ImportContext())


def _stage(
    kind: Kind,
    info: FileInfo,
    batch: ImportBatch,
    table: str,
    errors: list[RowError],
    error_count: int,
    progress: ProgressCallback | None,
    chunk_size: int,
) -> int:
    """Pass 1: encode every row after ``batch.last_row`` into the staging table, a committed chunk at a time."""
    counter, sheet, rows = rows_opened(kind, info)
    try:
        validator, encode = header_validated(kind, sheet, rows)
        batch_encoder = kind.stage_batch_encoder(validator)
        pipeline = StagePipeline(batch_encoder) if batch_encoder is not None else None
        columns = ", ".join(name for name, _type in kind.stage_columns)
        start_after = batch.last_row
        total = batch.rows_validated
        pending: list[StagedRow] = []  # rows encoded here: tuples for the COPY
        blocks: list[bytes] = []  # rows the batch encoder accepted: lines of COPY text
        rows_out: Batch = []  # rows not yet handed to the batch encoder
        last = start_after

        def encode_here(number: int, cells: Sequence[Any]) -> None:
            nonlocal error_count
            staged = encode(number, cells)
            if isinstance(staged, list):
                error_count += len(staged)
                if len(errors) < MAX_ERRORS_KEPT:
                    errors.extend(staged)
            else:
                pending.append(staged)

        def take(done: list[Encoded]) -> None:
            for sent, block, declined in done:
                if block:
                    blocks.append(block)
                for position in declined:
                    encode_here(*sent[position])

        def flush() -> None:
            if pipeline is not None:
                if rows_out:
                    take(pipeline.put(rows_out[:]))
                    rows_out.clear()
                take(pipeline.drain())
            with transaction.atomic():
                if pending or blocks:
                    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        for block in blocks:
                            copy.write(block)
                        for staged in pending:
                            copy.write_row(staged)
                ImportBatch.objects.filter(pk=batch.pk).update(
                    rows_validated=total,
                    last_row=last,
                    bytes_read=counter.count if counter is not None else 0,
                    errors=[error.as_dict() for error in errors[:MAX_ERRORS_KEPT]],
                    error_count=error_count,
                    progress_at=timezone.now(),
                )
            pending.clear()
            blocks.clear()
            if progress is not None:
                progress("validate", total, None)

        since_flush = 0
        try:
            for number, cells in enumerate(rows, start=2):
                if number <= start_after:
                    continue
                last = number
                if row_is_blank(cells):
                    continue
                total += 1
                since_flush += 1
                if pipeline is None:
                    encode_here(number, cells)
                else:
                    rows_out.append((number, cells))
                    if len(rows_out) >= BATCH_ROWS:
                        take(pipeline.put(rows_out[:]))
                        rows_out.clear()
                if since_flush >= chunk_size:
                    flush()
                    since_flush = 0
            flush()
        finally:
            if pipeline is not None:
                pipeline.close()
    finally:
        if counter is not None:
            counter.close()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")  # the set-based checks join it with large tables: plan by its real size
    batch.rows_total = batch.rows_validated = total
    batch.last_row = last
    batch.bytes_read = batch.bytes_total if counter is not None else 0
    batch.error_count = error_count
    batch.save(update_fields=["rows_total", "rows_validated", "last_row", "bytes_read", "error_count"])
    if progress is not None:
        progress("validate", total, total)
    return error_count
