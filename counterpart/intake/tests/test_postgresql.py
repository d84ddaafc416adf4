"""A worker killed mid-import leaves a resumable batch (PostgreSQL: bulk kinds commit in chunks)."""

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from counterpart.intake.models import BatchStatus, ImportBatch
from counterpart.intake.services import import_file
from counterpart.projects.models import Project, ProjectTransition

from .conftest import PROJECT_HEADER

# 1,000,000 is the figure (INTAKE_KILL_TEST_ROWS=1000000); the default keeps the suite within minutes
# on a shared 2-core machine while still killing the worker between committed chunks.
ROWS = int(os.environ.get("INTAKE_KILL_TEST_ROWS", "200000"))


@pytest.mark.postgres
def test_sigkill_halfway_leaves_a_batch_that_resumes(transactional_db, program, actor, tmp_path: Path):
    # given: a large file of projects
    path = tmp_path / "projects.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(PROJECT_HEADER)
        for n in range(ROWS):
            writer.writerow(["qd-gz", f"K-{n:07d}", f"项目{n}", "planting", "520422", 2009, f"{n}.25"])
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    command = [
        sys.executable,
        "-m",
        "counterpart.cli",
        "import",
        str(path),
        "--kind",
        "projects",
        "--chunk-size",
        "10000",
    ]
    # when: the import is killed once some chunks are in
    worker = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 900
    batch = None
    while time.monotonic() < deadline and worker.poll() is None:
        batch = ImportBatch.objects.filter(status=BatchStatus.WRITING).first()
        if batch is not None and batch.rows_done >= ROWS // 4:
            break
        time.sleep(0.2)
    assert worker.poll() is None, "the import finished before it could be killed"
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    # then: whole chunks are in, and the batch says exactly how many
    batch = ImportBatch.objects.get()
    loaded = Project.objects.count()
    assert batch.status == BatchStatus.WRITING
    assert 0 < loaded < ROWS
    assert loaded == batch.rows_done
    assert loaded % 10000 == 0
    assert ProjectTransition.objects.count() == loaded
    # when: the same file is imported again
    result = import_file(actor, path, kind="projects", chunk_size=10000)
    # then: the same batch completes with every row exactly once
    assert result.ok, result.errors
    assert result.batch.pk == batch.pk
    assert (result.batch.rows_unchanged, result.batch.rows_new) == (loaded, ROWS - loaded)
    assert Project.objects.count() == ROWS
    assert Project.objects.values("code").distinct().count() == ROWS
    assert ProjectTransition.objects.count() == ROWS
