"""Helpers for tests that run the ``counterpart`` command in other processes, as an operator would."""

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from django.db import connection


def counterpart_run(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "counterpart.cli", *args], env=env, capture_output=True, text=True, timeout=900
    )
    if check and result.returncode != 0:
        raise AssertionError(f"counterpart {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def counterpart_environment(data_dir: Path, database_url: str | None = None, **extra: str) -> dict[str, str]:
    """The environment of a separate installation: its own data directory and database."""
    # The suite's own settings do not belong to the installation; DJANGO_ALLOW_ASYNC_UNSAFE is set by the
    # browser tests for their process and would (rightly) fail the deployment checks.
    private = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in private}
    env["COUNTERPART_DATA_DIR"] = str(data_dir)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(extra)
    return env


@pytest.fixture
def fresh_postgresql_database() -> Iterator[Callable[[], str]]:
    """Makes empty databases on the test's PostgreSQL server (named after the test database), dropped after."""
    settings = connection.settings_dict
    made: list[str] = []
    admin = psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    )
    user = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")

    def make() -> str:
        name = f"{settings['NAME']}_{uuid.uuid4().hex[:8]}"
        admin.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return f"postgres://{user}@{settings['HOST']}:{settings['PORT'] or 5432}/{name}"

    try:
        yield make
    finally:
        for name in made:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
