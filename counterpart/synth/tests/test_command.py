"""``counterpart synth`` on a database that was never migrated says what to run, without a traceback."""

import os
import subprocess
import sys
from pathlib import Path


def test_synth_on_an_unmigrated_database_says_to_migrate_first(tmp_path: Path) -> None:
    # given an empty data directory: its SQLite database has no tables yet
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["COUNTERPART_DATA_DIR"] = str(tmp_path)
    # when synth is asked for a dataset
    done = subprocess.run(
        [sys.executable, "-m", "counterpart.cli", "synth", "--scale", "0.001", "--yes"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # then it stops with a sentence naming the command to run, not a traceback
    assert done.returncode == 1
    assert "counterpart migrate" in done.stderr
    assert "Traceback" not in done.stderr
