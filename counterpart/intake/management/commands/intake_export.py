"""``counterpart export KIND --format xlsx|csv [--program P] [--output F]``."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from counterpart.core.errors import InvalidInput
from counterpart.intake.exporters import export_kind
from counterpart.intake.kinds import kind_get
from counterpart.registry.models import Program


class Command(BaseCommand):
    help = "Export every record of a kind; the file is itself a valid import file. Sensitive columns are masked."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind")
        parser.add_argument("--format", dest="file_format", default="xlsx", choices=["xlsx", "csv"])
        parser.add_argument("--program", help="program slug (default: all programs)")
        parser.add_argument("--output", type=Path)
        parser.add_argument("--language", default="zh", choices=["zh", "en"])

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            kind = kind_get(options["kind"])
        except InvalidInput as error:
            raise CommandError(str(error.reason)) from None
        program = None
        if options["program"]:
            program = Program.objects.filter(slug=options["program"]).first()
            if program is None:
                raise CommandError(f"no program {options['program']}")
        output = options["output"] or Path(f"{kind.key}.{options['file_format']}")
        count = export_kind(
            kind, output, file_format=options["file_format"], program=program, language=options["language"]
        )
        self.stdout.write(f"{count} rows → {output}")
