"""``counterpart restore FILE [--force]``: replace the database with a backup (docs/operations.md)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from counterpart.core.backup import BackupError, database_restore


class Command(BaseCommand):
    help = "Restore the database from a FILE written by `counterpart backup`; refuses a non-empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--force", action="store_true", help="overwrite a database that already holds data")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            database_restore(options["file"], force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"恢复完成 Restored from {options['file']}; run `counterpart check-integrity` to confirm.")
