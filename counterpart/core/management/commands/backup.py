"""``counterpart backup FILE``: a consistent backup of the whole database (docs/operations.md)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from counterpart.core.backup import BackupError, database_backup


class Command(BaseCommand):
    help = "Back up the database to FILE (SQLite: online backup; PostgreSQL: pg_dump -Fc)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            target = database_backup(options["file"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"备份完成 Backup written: {target} ({target.stat().st_size} bytes)")
