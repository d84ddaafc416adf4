"""Every way of naming SQLite gets the same configuration: WAL, IMMEDIATE transactions, a busy timeout."""

import os
import subprocess
import sys
from pathlib import Path

from config.settings.base import SQLITE_OPTIONS, database_configured

_PROBE = """
import django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    mode = cursor.fetchone()[0]
    cursor.execute("PRAGMA busy_timeout")
    timeout = cursor.fetchone()[0]
print(mode, timeout, connection.settings_dict["OPTIONS"].get("transaction_mode"))
"""


def _probe(tmp_path: Path, **environment: str) -> str:
    (tmp_path / "data").mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.dev", COUNTERPART_DATA_DIR=str(tmp_path / "data"), **environment)
    done = subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_a_sqlite_database_url_is_configured_like_the_embedded_default(tmp_path):
    # given the embedded default and the same engine named by DATABASE_URL
    embedded = _probe(tmp_path)
    named = _probe(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'named.sqlite3'}")
    # then both connections run in WAL with IMMEDIATE transactions and a 20 s busy timeout
    assert embedded == named == "wal 20000 IMMEDIATE"


def test_options_given_in_the_url_win_and_postgresql_is_untouched():
    sqlite = database_configured({"ENGINE": "django.db.backends.sqlite3", "NAME": "x", "OPTIONS": {"timeout": 5}})
    assert sqlite["OPTIONS"] == {**SQLITE_OPTIONS, "timeout": 5}
    postgres = database_configured({"ENGINE": "django.db.backends.postgresql", "NAME": "x"})
    assert "transaction_mode" not in postgres["OPTIONS"] and postgres["CONN_HEALTH_CHECKS"] is True
