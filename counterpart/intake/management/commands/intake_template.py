"""``counterpart template KIND [--output F] [--language zh|en]``: a blank XLSX to fill in."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from counterpart.core.errors import InvalidInput
from counterpart.intake.exporters import template_write
from counterpart.intake.kinds import kind_get


class Command(BaseCommand):
    help = "Write the XLSX template of a kind of records: headers, drop-down lists and an instructions sheet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind")
        parser.add_argument("--output", type=Path)
        parser.add_argument("--language", default="zh", choices=["zh", "en"])

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            kind = kind_get(options["kind"])
        except InvalidInput as error:
            raise CommandError(str(error.reason)) from None
        output = options["output"] or Path(f"{kind.key}-template.xlsx")
        template_write(kind, output, language=options["language"])
        self.stdout.write(str(output))
