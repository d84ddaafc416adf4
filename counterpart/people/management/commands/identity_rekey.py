"""``counterpart identity-rekey``: re-encrypt identity numbers under the current key, in batches."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from counterpart.core.audit import Actor
from counterpart.people.services import persons_identity_rekey


class Command(BaseCommand):
    help = "Re-encrypt every identity number not under COUNTERPART_IDENTITY_KEY_ID (blind index unchanged)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=5_000)

    def handle(self, *args: Any, **options: Any) -> None:
        current = settings.COUNTERPART_IDENTITY_KEY_ID
        if current not in settings.COUNTERPART_IDENTITY_KEYS:
            raise CommandError(f"COUNTERPART_IDENTITY_KEY_ID={current} names no key in COUNTERPART_IDENTITY_KEYS")
        count = persons_identity_rekey(actor=Actor.system("identity-rekey"), batch_size=options["batch_size"])
        self.stdout.write(f"已重新加密 re-encrypted {count} rows under key {current}")
