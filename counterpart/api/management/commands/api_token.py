"""`counterpart api-token USER [--name N]`: issue an API token and print it once."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from counterpart.api.services import api_token_create
from counterpart.core.audit import Actor


class Command(BaseCommand):
    help = "Issue a new API token for USER and print it (it is not stored in clear and cannot be shown again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for (shown in the admin)")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no such user: {username}")
        _token, raw = api_token_create(actor=Actor.system("cli api-token"), user=user, name=name)
        self.stdout.write(raw)
