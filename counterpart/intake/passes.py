"""One sheet's two passes, shared by a file of one kind (services.import_file) and a workbook of
several (workbooks.py): pass 1 types, checks and classifies every row of a sheet and spools the good
ones, writing nothing; pass 2 writes a chunk of spooled rows through the kind's domain calls.
"""

from collections.abc import Callable, Iterator
from typing import Any

from django.utils import timezone, translation

from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput

from .at_rest import SealedSpool
from .kinds import ImportContext, Kind, Row
from .models import ImportBatch
from .readers import FileInfo, rows_read, sheet_name_of
from .results import ProgressCallback
from .validation import FileRejected, RowError, RowValidator, display, row_is_blank

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"


def invalid_to_error(
    kind: Kind, validator: RowValidator, row_number: int, row: Row, error: InvalidInput, retry: Callable[..., None]
) -> RowError:
    """A domain error as a RowError on the right column, in Chinese and in English.

    The error was raised in whatever language is active (an English web page runs imports in
    English), so each language the batch keeps is asked for by checking the row again in it.
    """
    messages = {}
    for language in ("zh-hans", "en"):
        if translation.get_language() == language:
            messages[language] = str(error.reason)
            continue
        messages[language] = str(error.reason)
        with translation.override(language):
            try:
                retry()
            except InvalidInput as again:
                messages[language] = str(again.reason)
    column = kind.column_of_field(error.field)
    value = row.get(column) if row.get(column) not in (None, "") else error.value
    if kind.column(column).sensitive:
        value = error.value  # the domain names identity numbers masked; never echo the cell
    return validator.error(row_number, column, value, messages["zh-hans"], messages["en"])


def spool_chunks(spool: SealedSpool) -> Iterator[list[tuple[int, str, Row, Row]]]:
    yield from spool.chunks()


def sheet_validate(
    kind: Kind,
    info: FileInfo,
    spool: Any,
    context: ImportContext,
    batch: ImportBatch,
    progress: ProgressCallback | None,
    chunk_size: int,
    sheet: str | None = None,
) -> list[RowError]:
    """Pass 1: type, check and classify every row of the sheet (default: the kind's, see
    readers.sheet_name_of); spool the good ones. Writes nothing."""
    sheet = sheet if sheet is not None else sheet_name_of(info, kind.key)
    rows = rows_read(info, sheet)
    try:
        header = next(rows)
    except StopIteration:
        raise FileRejected("文件没有表头行", "the file has no header row") from None
    validator = RowValidator(kind, sheet, header)
    errors: list[RowError] = []
    seen: set[int] = set()
    counts = {NEW: 0, CHANGED: 0, UNCHANGED: 0}
    total = 0
    pending: list[tuple[int, Row]] = []

    def flush() -> None:
        existing = kind.lookup([kind.key_of(row) for _n, row in pending], context) if pending else {}
        limits = context.limits
        writable = limits.writable([record for record, _row in existing.values()]) if limits is not None else set()
        out: list[tuple[int, str, Row, Row]] = []
        for number, row in pending:
            found = existing.get(kind.key_of(row))
            if found is None:
                out.append((number, NEW, row, {}))
                counts[NEW] += 1
                continue
            record, current = found
            if limits is not None and (type(record), record.pk) not in writable:
                # The row names a record another area registered: refused, changed or not, so that
                # a file cannot even confirm what another county holds.
                column = kind.natural_key[-1]
                errors.append(
                    validator.error(
                        number,
                        column,
                        row.get(column),
                        "该记录已由其他地区登记，不在您的权限范围内",
                        "this record is registered by another area, outside your scope",
                    )
                )
                continue
            changes = kind.changes(row, current)
            if not changes:
                counts[UNCHANGED] += 1
                continue
            try:
                kind.check_change(record, changes)
            except InvalidInput as error:
                errors.append(
                    invalid_to_error(
                        kind, validator, number, row, error, lambda r=record, c=changes: kind.check_change(r, c)
                    )
                )
                continue
            out.append((number, CHANGED, row, changes))
            counts[CHANGED] += 1
        spool.dump(out)
        pending.clear()

    for number, cells in enumerate(rows, start=2):
        if row_is_blank(cells):
            continue
        total += 1
        row, row_errors = validator.validate(number, cells)
        if row is None:
            errors.extend(row_errors)
        else:
            try:
                row_prepare(kind, row, context)
            except InvalidInput as error:
                checked = row
                errors.append(
                    invalid_to_error(
                        kind, validator, number, row, error, lambda r=checked: row_prepare(kind, r, context)
                    )
                )
                row = None
        if row is not None:
            key_hash = hash(kind.key_of(row))
            if key_hash in seen:
                key_text = " / ".join(display(value) for value in kind.key_of(row))
                errors.append(
                    validator.error(
                        number,
                        kind.natural_key[-1],
                        key_text,
                        "与文件中前面的某一行重复（相同的唯一标识）",
                        "duplicates an earlier row of the file (same natural key)",
                    )
                )
            else:
                seen.add(key_hash)
                pending.append((number, row))
        if len(pending) >= chunk_size:
            flush()
        if total % chunk_size == 0:
            progress_save(batch, total)
            if progress is not None:
                progress("validate", total, None)
    flush()
    spool.flush()
    batch.rows_total = batch.rows_validated = total
    batch.rows_new, batch.rows_changed, batch.rows_unchanged = counts[NEW], counts[CHANGED], counts[UNCHANGED]
    if progress is not None:
        progress("validate", total, total)
    return errors


def row_prepare(kind: Kind, row: Row, context: ImportContext) -> None:
    """Check a typed row as the domain would, then, for an uploader limited to their areas or their
    enterprise, what the row reaches (intake/limits.py)."""
    kind.prepare(row, context)
    if context.limits is not None:
        context.limits.row_check(kind, row, context)


def progress_save(batch: ImportBatch, rows_validated: int) -> None:
    """Publish pass 1's progress for a polling page (outside any transaction of the import)."""
    ImportBatch.objects.filter(pk=batch.pk).update(rows_validated=rows_validated, progress_at=timezone.now())


class RowFailed(Exception):
    """A domain error in pass 2, with the spreadsheet row it came from."""

    def __init__(self, row_number: int, error: InvalidInput) -> None:
        super().__init__(str(error))
        self.row_number = row_number
        self.error = error


def chunk_write(
    actor: Actor, kind: Kind, chunk: list[tuple[int, str, Row, Row]], context: ImportContext, reason: str
) -> None:
    if kind.bulk or kind.create_in_groups:
        new_rows = [row for _n, action, row, _c in chunk if action == NEW]
        if new_rows:
            kind.create_many(actor, new_rows, context, reason=reason)
    else:
        for number, action, row, _c in chunk:
            if action == NEW:
                try:
                    kind.create(actor, row, context, reason=reason)
                except InvalidInput as error:
                    raise RowFailed(number, error) from error
    changed = [(number, row, changes) for number, action, row, changes in chunk if action == CHANGED]
    if changed:
        existing = kind.lookup([kind.key_of(row) for _n, row, _c in changed], context)
        for number, row, changes in changed:
            try:
                kind.update(actor, existing[kind.key_of(row)][0], changes, context, reason=reason)
            except InvalidInput as error:
                raise RowFailed(number, error) from error


def row_of_error(kind: Kind, chunk: list[tuple[int, str, Row, Row]], error: InvalidInput) -> int:
    """The row a domain error of pass 2 is about: the first whose cell holds the offending value."""
    column = kind.column_of_field(error.field)
    for number, _action, row, _changes in chunk:
        if display(row.get(column)) == display(error.value):
            return number
    return chunk[0][0]
