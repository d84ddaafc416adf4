"""``counterpart divisions-history-load``: the GB/T 2260 divisions of 2002–2013 (the PyPI package gb2260)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from counterpart.core.audit import Actor
from counterpart.registry.history import divisions_history_load


class Command(BaseCommand):
    help = "Load the divisions abolished or recoded since 2002, with the year and their successors (gb2260)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = divisions_history_load(actor=Actor.system("cli:divisions-history-load"))
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"已载入 {count} 个历史区划 Loaded {count} historical areas."))
