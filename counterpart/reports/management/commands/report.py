"""``counterpart report --program P --year Y [--to-year Y2] --format json|text|xlsx|pdf|html [--language zh|en]
[--output F]``.

The text, HTML and PDF reports are in one language: Chinese by default (as the web is), English with
``--language en``. JSON keeps its keys and both narratives (a contract other systems read).
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from counterpart.registry.models import Program
from counterpart.reports.book import report_book
from counterpart.reports.page import report_page_context
from counterpart.reports.pdf import report_pdf
from counterpart.reports.text import report_text
from counterpart.reports.xlsx import report_xlsx

BINARY_FORMATS = {"xlsx", "pdf"}
LANGUAGES = {"zh": "zh-hans", "en": "en"}


class Command(BaseCommand):
    help = "Write a program's annual (or multi-year) report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program", required=True, help="program slug, e.g. qingdao-guizhou")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--to-year", type=int, default=None, help="last year of a cumulative report")
        parser.add_argument("--format", choices=["json", "text", "xlsx", "pdf", "html"], default="text")
        parser.add_argument("--output", type=Path, default=None, help="file to write (xlsx/pdf: default ./report-…)")
        parser.add_argument(
            "--language",
            choices=sorted(LANGUAGES),
            default="zh",
            help="language of the text, html and pdf reports (default zh)",
        )
        parser.add_argument("--summary", action="store_true", help="program-wide figures only (no areas, pairings)")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(LANGUAGES[options["language"]]):
            self._write(options)

    def _write(self, options: dict[str, Any]) -> None:
        program = Program.objects.filter(slug=options["program"]).first()
        if program is None:
            raise CommandError(_("没有这个协作项目：%(slug)s") % {"slug": options["program"]})
        year, year_to, kind = options["year"], options["to_year"], options["format"]
        if year_to is not None and year_to < year:
            raise CommandError(_("--to-year %(to)s 早于 --year %(year)s") % {"to": year_to, "year": year})
        book = report_book(program, year, year_to, detail=not options["summary"])
        if kind == "json":
            # The stable contract (program, year, indicators) plus areas, pairings, warnings, narrative.
            data: bytes | str = json.dumps(book.as_json(), ensure_ascii=False, indent=2) + "\n"
        elif kind == "text":
            data = report_text(book)
        elif kind == "html":
            data = render_to_string("reports/report.html", report_page_context(book, signed_in=False, standalone=True))
        elif kind == "xlsx":
            data = report_xlsx(book)
        else:
            data = report_pdf(book)
        output = options["output"]
        if output is None and kind in BINARY_FORMATS:
            output = Path(f"report-{program.slug}-{book.years_label}.{kind}")
        if output is None:
            assert isinstance(data, str)
            self.stdout.write(data, ending="")
            return
        output.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        self.stdout.write(_("已写入：%(path)s") % {"path": output})
