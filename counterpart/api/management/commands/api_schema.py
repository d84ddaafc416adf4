"""`counterpart api-schema [--output docs/openapi.json]`: print (or write) the API's OpenAPI document."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from counterpart.api.openapi import openapi_text


class Command(BaseCommand):
    help = "Print the OpenAPI document of /api/, or write it to --output (the snapshot is docs/openapi.json)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path)

    def handle(self, *args: Any, output: Path | None, **options: Any) -> None:
        text = openapi_text()
        if output is None:
            self.stdout.write(text, ending="")
        else:
            output.write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {output}")
