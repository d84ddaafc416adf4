"""``counterpart export KIND --format xlsx|csv [--program P] [--output F]``."""

from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from counterpart.core.audit import Actor
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
        parser.add_argument("--user", help="act as this user (for --reveal-reason)")
        parser.add_argument(
            "--reveal-reason",
            default="",
            help="export identity numbers in clear (needs people.reveal_identity; audited)",
        )

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
        actor = Actor.system("cli:export")
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no user {options['user']}")
            actor = Actor.of(user)
        try:
            count = export_kind(
                kind,
                output,
                file_format=options["file_format"],
                program=program,
                language=options["language"],
                actor=actor,
                reveal_reason=options["reveal_reason"],
            )
        except PermissionDenied as denied:
            raise CommandError(str(denied)) from None
        self.stdout.write(f"{count} rows → {output}")
