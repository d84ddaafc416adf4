"""``counterpart check-integrity [--check CODE …]``: run the declarative integrity checks."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from counterpart.integrity.checks import Severity, integrity_run, integrity_sweep


class Command(BaseCommand):
    help = "Check that what is stored keeps the domain's rules; exit 1 if an error-level check fails."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="append", default=None, help="run only this check (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        errors = 0
        if not options["check"]:
            # What imports left on disk: killed imports' spools, ended batches' uploads past retention.
            for name, swept in integrity_sweep().items():
                self.stdout.write(f"{'swept':8} {name:38} {sum(swept.values()):>8}  {swept}")
        for finding in integrity_run(options["check"]):
            check = finding.check
            status = "ok" if not finding.count else check.severity.upper()
            self.stdout.write(
                f"{status:8} {check.code:38} {finding.count:>8}  {check.description_zh} / {check.description_en}"
            )
            if finding.count:
                self.stdout.write(f"         e.g. {finding.sample}")
                errors += check.severity == Severity.ERROR
        if errors:
            raise CommandError(f"{errors} 项完整性检查未通过 integrity check(s) failed")
        self.stdout.write("完整性检查通过 All integrity checks passed.")
