"""``counterpart backup`` / ``counterpart restore``: a restored demo is the demo.

Each test runs the documented commands as a user would, in separate processes: load the demo,
back it up, restore into an empty database, then the integrity check passes and the 2009 report
is identical to the original's, figure for figure.
"""

import json
from pathlib import Path

import pytest
from django.db import connection

from counterpart.core.backup import BackupError, database_restore

from .conftest import counterpart_environment, counterpart_run

REPORT = ["report", "--program", "qingdao-guizhou", "--year", "2009", "--format", "json"]


def _checks(output: str) -> list[str]:
    return [line for line in output.splitlines() if not line.startswith("swept")]


def _round_trip(original: dict[str, str], restored: dict[str, str], backup: Path) -> None:
    # given: the demo, and its figures and integrity verdict
    counterpart_run(original, "demo")
    report_before = json.loads(counterpart_run(original, *REPORT).stdout)
    integrity_before = counterpart_run(original, "check-integrity").stdout
    # when: it is backed up and restored into an empty database
    counterpart_run(original, "backup", str(backup))
    assert backup.stat().st_size > 0
    assert not backup.with_name(backup.name + ".partial").exists()
    counterpart_run(restored, "restore", str(backup))
    # then: the integrity check passes and reports exactly as on the original
    integrity_after = counterpart_run(restored, "check-integrity")
    # (the sweep's line counts what other runs left in the temporary directory, not the database)
    assert _checks(integrity_after.stdout) == _checks(integrity_before)
    report_after = json.loads(counterpart_run(restored, *REPORT).stdout)
    assert report_after == report_before
    assert report_after["indicators"]["fiscal_aid"]["value"] > 0
    # and a second restore over the now non-empty database is refused, unless forced
    refused = counterpart_run(restored, "restore", str(backup), check=False)
    assert refused.returncode != 0
    assert "--force" in refused.stderr
    counterpart_run(restored, "restore", str(backup), "--force")
    assert json.loads(counterpart_run(restored, *REPORT).stdout) == report_before


def test_sqlite_backup_restores_the_demo_exactly(tmp_path: Path) -> None:
    _round_trip(
        counterpart_environment(tmp_path / "original"),
        counterpart_environment(tmp_path / "restored"),
        tmp_path / "demo.backup",
    )


@pytest.mark.postgres
def test_postgresql_backup_restores_the_demo_exactly(db, fresh_postgresql_database, tmp_path: Path) -> None:
    original, restored = fresh_postgresql_database(), fresh_postgresql_database()
    _round_trip(
        counterpart_environment(tmp_path / "a", original),
        counterpart_environment(tmp_path / "b", restored),
        tmp_path / "demo.dump",
    )


def test_a_file_that_is_not_a_backup_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "not-a-backup"
    path.write_bytes(b"hello")
    with pytest.raises(BackupError, match="Not a backup"):
        database_restore(path)


def test_a_backup_of_the_other_engine_is_refused(db, tmp_path: Path) -> None:
    path = tmp_path / "other"
    path.write_bytes(b"PGDMP" if connection.vendor == "sqlite" else b"SQLite format 3\x00")
    with pytest.raises(BackupError, match="configured database is"):
        database_restore(path)
