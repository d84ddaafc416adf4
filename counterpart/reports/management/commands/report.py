"""``counterpart report --program P --year Y [--to-year Y2] --format json|text``."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from counterpart.registry.models import Program
from counterpart.reports.annual import report_annual
from counterpart.reports.text import report_text


class Command(BaseCommand):
    help = "Print a program's annual (or multi-year) report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program", required=True, help="program slug, e.g. qingdao-guizhou")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--to-year", type=int, default=None)
        parser.add_argument("--format", choices=["json", "text"], default="text")
        parser.add_argument("--output", type=Path, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        program = Program.objects.filter(slug=options["program"]).first()
        if program is None:
            raise CommandError(f"协作项目不存在 No program with slug “{options['program']}”.")
        if options["to_year"] is not None and options["to_year"] < options["year"]:
            raise CommandError(f"--to-year {options['to_year']} 早于 precedes --year {options['year']}")
        report = report_annual(program, options["year"], options["to_year"])
        if options["format"] == "json":
            text = json.dumps(report.as_json(), ensure_ascii=False, indent=2) + "\n"
        else:
            text = report_text(report)
        if options["output"]:
            options["output"].write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
