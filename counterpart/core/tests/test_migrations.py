"""The migrations match the models and form one line per app (branches merged in parallel can fork them)."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_models_need_no_new_migration_and_no_app_has_two_leaves() -> None:
    out = io.StringIO()
    # --check exits non-zero when a migration is missing; conflicting leaves raise CommandError.
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
