"""``counterpart template KIND [--output F] [--language zh|en]``: a blank XLSX to fill in.

``counterpart template workbook``: one workbook with a sheet for each kind of a program office's
published record (programs, pairings, reported values), to import in one go."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from counterpart.core.errors import InvalidInput
from counterpart.intake.exporters import template_workbook_write, template_write
from counterpart.intake.kinds import kind_get, kinds_all, kinds_in_dependency_order
from counterpart.intake.workbooks import WORKBOOK


class Command(BaseCommand):
    help = "Write the XLSX template of a kind of records: headers, drop-down lists and an instructions sheet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="record kind, or `workbook` for the published record's sheets in one file")
        parser.add_argument("--output", type=Path)
        parser.add_argument("--language", default="zh", choices=["zh", "en"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["kind"] == WORKBOOK:
            output = options["output"] or Path("workbook-template.xlsx")
            kinds = kinds_in_dependency_order([kind for kind in kinds_all() if kind.record_workbook])
            template_workbook_write(kinds, output, language=options["language"])
            self.stdout.write(str(output))
            return
        try:
            kind = kind_get(options["kind"])
        except InvalidInput as error:
            raise CommandError(str(error.reason)) from None
        output = options["output"] or Path(f"{kind.key}-template.xlsx")
        template_write(kind, output, language=options["language"])
        self.stdout.write(str(output))
