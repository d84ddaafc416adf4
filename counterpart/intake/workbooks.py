"""A workbook of several kinds, one sheet each, loaded in one import, all or nothing.

A sheet is named by its kind (``programs``, 协作项目, Programs …: ``kinds.kind_of_sheet``); the
templates' own sheets (drop-down lists, instructions) are passed over and any other name refuses the
file, naming the sheets it accepts. The sheets load in the order of their kinds' declared
dependencies (``Kind.depends_on``: programs before the pairings that name them, both before the
figures), whatever their order in the file. Each sheet takes the two passes of a file of its kind
(passes.py) — the same rows checks, the uploader's limits of that kind (limits.py), the same domain
actions — but all inside one transaction: a later sheet is checked against what the earlier ones
wrote, and a refused row anywhere (or a dry run) rolls every sheet back. The errors name the sheet,
row, column and value; a sheet whose kind depends on a refused sheet is not checked, and says so.
"""

from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput

from .at_rest import SealedSpool
from .exporters import TEMPLATE_SHEETS
from .kinds import ImportContext, Kind, kind_of_sheet, kinds_all, kinds_in_dependency_order
from .limits import import_limits
from .models import BatchStatus, ImportBatch
from .passes import RowFailed, chunk_write, row_of_error, sheet_validate, spool_chunks
from .readers import FileInfo, rows_read, sheet_names
from .results import ImportResult, ProgressCallback, batch_audit, batch_finish_invalid
from .validation import FileRejected, RowError, display

# The batch kind of a workbook of several kinds (``counterpart import FILE --kind workbook``).
WORKBOOK = "workbook"
_COUNTS = ("rows_total", "rows_new", "rows_changed", "rows_unchanged")


@dataclass(frozen=True)
class Sheet:
    name: str
    kind: Kind


def _kind_sheets(info: FileInfo) -> tuple[list[Sheet], list[str]]:
    """The sheets that name a kind, and the names of those that name none (the templates' own aside)."""
    sheets: list[Sheet] = []
    unknown: list[str] = []
    for name in sheet_names(info):
        if name in TEMPLATE_SHEETS:
            continue
        kind = kind_of_sheet(name)
        if kind is None:
            unknown.append(name)
        else:
            sheets.append(Sheet(name, kind))
    return sheets, unknown


def workbook_plan(info: FileInfo, kind: str | None) -> list[Sheet] | None:
    """The sheets to load in dependency order when the file is a workbook of several kinds: asked
    for (``kind`` = ``workbook``), or, with no kind given, an XLSX with two or more sheets named by
    kinds. None: a file of one kind. FileRejected: a sheet no kind names, or two sheets of one kind."""
    if kind not in (None, "", WORKBOOK):
        return None
    if info.type != "xlsx":
        if kind == WORKBOOK:
            raise FileRejected(
                "多类数据工作簿须为 xlsx 文件，每类数据一个工作表",
                "a workbook of several kinds must be an xlsx file, one sheet per kind",
            )
        return None
    sheets, unknown = _kind_sheets(info)
    if kind != WORKBOOK and len(sheets) < 2:
        return None
    if unknown:
        accepted_zh = "、".join(f"{k.name_zh}（{k.key}）" for k in kinds_all())
        accepted_en = ", ".join(f"{k.key} ({k.name_en})" for k in kinds_all())
        raise FileRejected(
            f"工作表“{'”“'.join(unknown)}”不是任何数据类型的名称；工作表应以数据类型命名：{accepted_zh}",
            f"sheet “{'”, “'.join(unknown)}” names no kind of records; name each sheet by its kind: {accepted_en}",
        )
    seen: dict[str, str] = {}
    for sheet in sheets:
        if sheet.kind.key in seen:
            raise FileRejected(
                f"工作表“{seen[sheet.kind.key]}”和“{sheet.name}”是同一类数据（{sheet.kind.name_zh}），请合并为一个工作表",
                f"sheets “{seen[sheet.kind.key]}” and “{sheet.name}” hold the same kind ({sheet.kind.name_en}): "
                "merge them into one",
            )
        seen[sheet.kind.key] = sheet.name
    if not sheets:
        raise FileRejected("工作簿中没有数据工作表", "the workbook has no sheet of records")
    by_kind = {sheet.kind.key: sheet for sheet in sheets}
    return [by_kind[k.key] for k in kinds_in_dependency_order([sheet.kind for sheet in sheets])]


def workbook_limits_check(actor: Actor, sheets: Sequence[Sheet]) -> None:
    """Refuse the whole file now when the uploader may not import one of its sheets' kinds."""
    for sheet in sheets:
        import_limits(actor, sheet.kind)


def _sheet_empty(info: FileInfo, sheet: Sheet) -> bool:
    with closing(rows_read(info, sheet.name)) as rows:
        return next(rows, None) is None


def workbook_load(
    actor: Actor,
    info: FileInfo,
    sheets: Sequence[Sheet],
    batch: ImportBatch,
    *,
    dry_run: bool,
    progress: ProgressCallback | None,
    chunk_size: int,
) -> ImportResult:
    """Check and write every sheet in order inside one transaction; roll it all back on any error or a
    dry run. The batch counts the rows of all sheets; each loaded sheet gets its kind's audit event."""
    batch.errors, batch.error_count = [], 0
    batch.save()
    reason = f"import batch #{batch.pk}: {batch.file_name}"
    errors: list[RowError] = []
    refused: dict[str, str] = {}  # kind key -> the sheet that was refused (or not checked)
    totals = dict.fromkeys(_COUNTS, 0)
    with transaction.atomic():
        for sheet in sheets:
            kind = sheet.kind
            if _sheet_empty(info, sheet):
                continue
            blocked = [refused[d] for d in kind.depends_on if d in refused]
            if blocked:
                errors.append(_not_checked(sheet, blocked))
                refused[kind.key] = sheet.name
                continue
            for name in _COUNTS:
                setattr(batch, name, 0)  # the sheet's own counts (a sheet refused whole has none)
            sheet_errors = _sheet_load(actor, info, sheet, batch, reason, progress, chunk_size)
            for name in _COUNTS:
                totals[name] += getattr(batch, name)
            if sheet_errors:
                errors += sheet_errors
                refused[kind.key] = sheet.name
        if errors or dry_run:
            transaction.set_rollback(True)
    for name, value in totals.items():
        setattr(batch, name, value)
    batch.rows_validated = batch.rows_total
    if errors:
        return batch_finish_invalid(batch, errors)
    batch.rows_done = 0 if dry_run else batch.rows_total
    batch.status, batch.finished_at = BatchStatus.DONE, timezone.now()
    batch.save()
    return ImportResult(batch=batch)


def _sheet_load(
    actor: Actor,
    info: FileInfo,
    sheet: Sheet,
    batch: ImportBatch,
    reason: str,
    progress: ProgressCallback | None,
    chunk_size: int,
) -> list[RowError]:
    """One sheet's pass 1 and, when it is clean, its pass 2 (in a savepoint of the workbook's transaction)."""
    kind = sheet.kind
    context = ImportContext(limits=import_limits(actor, kind))
    with SealedSpool() as spool:
        try:
            errors = sheet_validate(kind, info, spool, context, batch, progress, chunk_size, sheet=sheet.name)
        except FileRejected as rejected:
            errors = [RowError(sheet.name, 1, "", "", rejected.message_zh, rejected.message_en)]
        if errors or not batch.rows_total:
            return errors
        chunk: list = []
        done = 0
        try:
            with transaction.atomic():
                for chunk in spool_chunks(spool):
                    chunk_write(actor, kind, chunk, context, reason)
                    done += len(chunk)
                    if progress is not None:
                        progress("write", done, batch.rows_new + batch.rows_changed)
                batch_audit(actor, kind, batch)
        except (InvalidInput, RowFailed) as failure:
            # A rule pass 1 could not see (a code taken meanwhile): the row, as far as it can be told.
            if isinstance(failure, RowFailed):
                number, error = failure.row_number, failure.error
            else:
                number, error = (row_of_error(kind, chunk, failure) if chunk else 0), failure
            column = kind.column(kind.column_of_field(error.field))
            reason_text = str(error.reason)
            return [
                RowError(
                    sheet.name,
                    number,
                    column.header_zh,
                    display(error.value),
                    reason_text,
                    reason_text,
                    column.header_en,
                )
            ]
    return []


def _not_checked(sheet: Sheet, blocked: list[str]) -> RowError:
    names = "”“".join(dict.fromkeys(blocked))
    return RowError(
        sheet.name,
        1,
        "",
        "",
        f"本工作表未校验：它引用的工作表“{names}”有误，请先改正",
        f"this sheet was not checked: the sheet “{names}” it refers to has errors; correct that first",
    )
