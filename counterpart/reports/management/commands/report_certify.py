"""``counterpart report-certify --program P --year Y [--note N]`` and ``--unlock --reason R``."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from counterpart.core.audit import Actor
from counterpart.registry.models import Program
from counterpart.reports.services import report_certify, report_unlock


class Command(BaseCommand):
    help = "Certify a year's report (locking the year), or unlock it with a reason."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program", required=True)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--note", default="")
        parser.add_argument("--unlock", action="store_true")
        parser.add_argument("--reason", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        program = Program.objects.filter(slug=options["program"]).first()
        if program is None:
            raise CommandError(f"协作项目不存在 No program with slug “{options['program']}”.")
        actor = Actor.system("cli:report-certify")
        try:
            if options["unlock"]:
                report_unlock(actor=actor, program=program, year=options["year"], reason=options["reason"])
                self.stdout.write(f"已解锁 Unlocked {options['year']}.")
            else:
                report_certify(actor=actor, program=program, year=options["year"], note=options["note"])
                self.stdout.write(f"已核定并锁定 Certified and locked {options['year']}.")
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
