"""``counterpart import FILE [--kind K] [--dry-run] [--queue] [--errors OUT.xlsx]``.

``--kind workbook`` (or no kind, for an XLSX whose sheets are named by two or more kinds): a workbook
of several kinds, one sheet each, loaded in dependency order, all or nothing (intake/workbooks.py)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from counterpart.core.audit import Actor
from counterpart.intake.exporters import errors_workbook_write
from counterpart.intake.kinds import kind_get
from counterpart.intake.readers import file_inspect
from counterpart.intake.services import import_file
from counterpart.intake.tasks import batch_queue
from counterpart.intake.validation import FileRejected, RowError
from counterpart.intake.workbooks import WORKBOOK, workbook_plan


class Command(BaseCommand):
    help = (
        "Import a spreadsheet (XLSX or CSV) of one kind of records, or a workbook of several kinds (one sheet "
        "each, named by the kind), all or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--kind",
            help="record kind, or `workbook` for one sheet per kind (default: from the sheet names or the header)",
        )
        parser.add_argument("--dry-run", action="store_true", help="validate and count changes; write nothing")
        parser.add_argument("--queue", action="store_true", help="queue for `counterpart worker` instead")
        parser.add_argument("--errors", type=Path, help="write the rows with their errors to this XLSX")
        parser.add_argument("--language", default="zh", choices=["zh", "en"])
        parser.add_argument("--chunk-size", type=int, default=5000)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        actor = Actor.system("cli:import")
        try:
            if options["queue"]:
                batch = batch_queue(actor, path.resolve(), kind=options["kind"])
                self.stdout.write(f"queued batch #{batch.pk} ({batch.kind})")
                return
            with Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
            ) as bar:
                tasks: dict[str, Any] = {}

                def progress(phase: str, done: int, total: int | None) -> None:
                    if phase not in tasks:
                        tasks[phase] = bar.add_task(
                            "校验 validate" if phase == "validate" else "写入 write", total=total
                        )
                    bar.update(tasks[phase], completed=done, total=total)

                result = import_file(
                    actor=actor,
                    path=path,
                    kind=options["kind"],
                    dry_run=options["dry_run"],
                    progress=progress,
                    chunk_size=options["chunk_size"],
                )
        except FileRejected as rejected:
            raise CommandError(rejected.message_en if options["language"] == "en" else rejected.message_zh) from None
        batch = result.batch
        if result.already_imported:
            self.stdout.write(f"batch #{batch.pk}: this file was already imported; nothing changed")
            return
        for error in result.errors[:50]:
            self.stderr.write(error.text(options["language"]))
        if result.errors:
            if options["errors"]:
                _errors_write(path, batch.kind, result.errors, options["errors"])
            raise CommandError(f"batch #{batch.pk}: {batch.error_count} errors, nothing loaded ({batch.status})")
        verb = "would load" if batch.dry_run else "loaded"
        if batch.kind == WORKBOOK:
            self.stdout.write(
                f"batch #{batch.pk} workbook: {batch.rows_total} rows; {verb} {batch.rows_new} new, "
                f"{batch.rows_changed} changed; {batch.rows_unchanged} unchanged"
            )
            return
        self.stdout.write(
            f"batch #{batch.pk} {batch.kind}: {batch.rows_total} rows; {verb} {batch.rows_new} new, "
            f"{batch.rows_changed} changed; {batch.rows_unchanged} unchanged"
        )


def _errors_write(path: Path, batch_kind: str, errors: list[RowError], output: Path) -> None:
    """The file's rows with their errors beside them (a workbook's sheet by sheet)."""
    info = file_inspect(path)
    if batch_kind == WORKBOOK:
        sheets = [(sheet.name, sheet.kind) for sheet in workbook_plan(info, WORKBOOK) or []]
        errors_workbook_write(info, sheets[0][1], errors, output, sheets=sheets)
        return
    errors_workbook_write(info, kind_get(batch_kind), errors, output)
