"""A worker killed mid-import leaves a resumable batch (PostgreSQL: bulk kinds commit in chunks)."""

import csv
import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection, transaction

from counterpart.intake.models import BatchStatus, ImportBatch
from counterpart.intake.services import batch_run, import_file
from counterpart.projects.models import Project, ProjectTransition

from .conftest import PROJECT_HEADER

# 1,000,000 is the figure (INTAKE_KILL_TEST_ROWS=1000000); the default keeps the suite within minutes
# on a shared 2-core machine while still killing the worker between committed chunks.
ROWS = int(os.environ.get("INTAKE_KILL_TEST_ROWS", "200000"))


def _subprocess_env() -> dict[str, str]:
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    return {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}


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
    result = import_file(actor=actor, path=path, kind="projects", chunk_size=10000)
    # then: the same batch completes with every row exactly once
    assert result.ok, result.errors
    assert result.batch.pk == batch.pk
    assert (result.batch.rows_unchanged, result.batch.rows_new) == (loaded, ROWS - loaded)
    assert Project.objects.count() == ROWS
    assert Project.objects.values("code").distinct().count() == ROWS
    assert ProjectTransition.objects.count() == ROWS


# Persons take the staged path. 1,000,000 is the figure (INTAKE_KILL_TEST_PERSONS=1000000; its run
# is recorded in docs/intake.md); the default keeps CI within a minute or two on a shared 2-core machine.
PERSONS = int(os.environ.get("INTAKE_KILL_TEST_PERSONS", "20000"))


def _persons_file(path: Path, rows: int, households: int) -> None:
    from counterpart.people.identity import identity_compose

    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["户编号", "与户主关系", "姓名", "身份证号码"])
        for n in range(rows):
            birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=n // 1000)
            number = identity_compose("520422", birth, n % 1000)
            writer.writerow([f"K-{n % households:06d}", "head" if n < households else "child", f"成员{n}", number])


def _households_and_import_command(actor, areas, tmp_path) -> list[str]:
    """Households registered, a file of their members written; the command that imports it in chunks."""
    from counterpart.people.services import HouseholdRow, households_register_bulk

    households = max(PERSONS // 4, 1)
    with transaction.atomic():
        households_register_bulk(
            actor=actor,
            rows=[HouseholdRow(f"K-{n:06d}", areas["520422100201"], "illness") for n in range(households)],
            year=2014,
            source="t",
        )
    path = tmp_path / "persons.csv"
    _persons_file(path, PERSONS, households)
    return [sys.executable, "-m", "counterpart.cli", "import", str(path), "--kind", "persons", "--chunk-size", "5000"]


@pytest.mark.postgres
@pytest.mark.parametrize("phase", [BatchStatus.VALIDATING, BatchStatus.WRITING])
def test_sigkill_of_a_staged_persons_import_leaves_nothing_and_the_worker_resumes(
    transactional_db, areas, actor, tmp_path: Path, settings, phase
):
    from counterpart.core.models import AuditEvent
    from counterpart.intake.services import batch_claim
    from counterpart.integrity.checks import Severity, integrity_run
    from counterpart.people.models import Household, Person

    # given: households, and a large file of their members
    command = _households_and_import_command(actor, areas, tmp_path)
    # when: the import is killed halfway through the file, or while it writes (on the staged path: a file
    # of new rows this small would otherwise be loaded directly, in one transaction)
    settings.INTAKE_DIRECT_MAX_BYTES = 0
    env = {**_subprocess_env(), "COUNTERPART_INTAKE_DIRECT_MAX_BYTES": "0"}
    worker = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline and worker.poll() is None:
        batch = ImportBatch.objects.filter(status=phase).first()
        if batch is not None and (phase == BatchStatus.WRITING or batch.rows_validated >= PERSONS // 2):
            break
        time.sleep(0.02)
    assert worker.poll() is None, "the import finished before it could be killed"
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    # then: nothing of the batch is in the registry
    batch = ImportBatch.objects.get()
    assert batch.status == phase
    assert Person.objects.count() == 0
    assert not AuditEvent.objects.filter(action="person.import_bulk").exists()
    staged_before = batch.rows_validated
    assert 0 < staged_before <= PERSONS
    # when: a worker picks the abandoned batch up (once the killed session's lock is gone)
    settings.INTAKE_ABANDONED_AFTER_SECONDS = 0
    claimed = None
    for _attempt in range(100):
        claimed = batch_claim()
        if claimed is not None:
            break
        time.sleep(0.1)
    assert claimed is not None and claimed.pk == batch.pk
    result = batch_run(actor, claimed)
    # then: the same batch completes, resuming from what was staged, every person once
    assert result.ok, result.errors
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE and batch.rows_new == PERSONS
    assert batch.rows_resumed > 0
    assert Person.objects.count() == PERSONS
    assert Person.objects.values("identity_blind_index").distinct().count() == PERSONS
    assert Household.objects.filter(head__isnull=False).count() == max(PERSONS // 4, 1)
    assert AuditEvent.objects.filter(action="person.import_bulk").count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE tablename = %s", [f"intake_stage_{batch.pk}"])
        assert cursor.fetchone()[0] == 0
    errors = [f for f in integrity_run() if f.check.severity == Severity.ERROR and f.count]
    assert errors == []


@pytest.mark.postgres
def test_sigkill_of_a_direct_persons_load_leaves_nothing_and_the_worker_loads_it_again(
    transactional_db, areas, actor, tmp_path: Path, settings
):
    from counterpart.core.models import AuditEvent
    from counterpart.intake.services import batch_claim
    from counterpart.people.models import Household, Person

    # given: households, and a file of their members, all new (the direct path)
    command = _households_and_import_command(actor, areas, tmp_path)
    # when: the import is killed while it COPYs the persons into their table
    worker = subprocess.Popen(command, env=_subprocess_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 900
    copying = False
    while time.monotonic() < deadline and worker.poll() is None and not copying:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY people_person %%'")
            copying = cursor.fetchone()[0] > 0
        time.sleep(0.01)
    assert worker.poll() is None and copying, "the import finished before it could be killed"
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    # then: nothing of it is in the registry, and no staging table was made
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.VALIDATING
    assert Person.objects.count() == 0 and not Household.objects.filter(head__isnull=False).exists()
    assert not AuditEvent.objects.filter(action="person.import_bulk").exists()
    # when: a worker picks the abandoned batch up
    settings.INTAKE_ABANDONED_AFTER_SECONDS = 0
    claimed = None
    for _attempt in range(100):
        claimed = batch_claim()
        if claimed is not None:
            break
        time.sleep(0.1)
    assert claimed is not None and claimed.pk == batch.pk
    result = batch_run(actor, claimed)
    # then: loaded from the first row, every person once, each household with its head
    assert result.ok, result.errors
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE and batch.rows_new == PERSONS and batch.rows_resumed == 0
    assert Person.objects.values("identity_blind_index").distinct().count() == Person.objects.count() == PERSONS
    assert Household.objects.filter(head__isnull=False).count() == max(PERSONS // 4, 1)
    assert AuditEvent.objects.filter(action="person.import_bulk").count() == 1


@pytest.mark.postgres
def test_a_file_the_direct_load_declines_is_reported_by_the_staged_path_with_nothing_written(
    transactional_db, areas, actor, tmp_path: Path
):
    from counterpart.people.models import Household, Person
    from counterpart.people.services import HouseholdRow, households_register_bulk

    # given: households, and a file of new members whose last row repeats the first's number
    with transaction.atomic():
        households_register_bulk(
            actor=actor,
            rows=[HouseholdRow(f"K-{n:06d}", areas["520422100201"], "illness") for n in range(5)],
            year=2014,
            source="t",
        )
    path = tmp_path / "persons.csv"
    _persons_file(path, 40, 5)
    first = path.read_text(encoding="utf-8").splitlines()[1].split(",")
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(["K-000001", "child", "重复", first[3]])
    # when
    result = import_file(actor=actor, path=path, kind="persons")
    # then: the duplicate named by row, field and value; nothing written
    assert not result.ok
    assert [(error.row, error.column) for error in result.errors] == [(42, "身份证号码")]
    assert Person.objects.count() == 0 and not Household.objects.filter(head__isnull=False).exists()


@pytest.mark.postgres
def test_a_large_persons_load_rebuilds_indexes_and_keys_and_the_database_still_refuses_dangling_rows(
    transactional_db, areas, actor, tmp_path: Path, monkeypatch
):
    from django.db import IntegrityError

    from counterpart.people.models import Household, Person
    from counterpart.people.services import HouseholdRow, households_register_bulk
    from counterpart.people.services import staging as people_services

    def schema() -> list[tuple[str, str]]:
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
                   WHERE conrelid = 'people_person'::regclass
                   UNION ALL SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'people_person'
                   ORDER BY 1, 2"""
            )
            return cursor.fetchall()

    # given: households, a file of their members, and a load that counts as large
    with transaction.atomic():
        households_register_bulk(
            actor=actor,
            rows=[HouseholdRow(f"K-{n:06d}", areas["520422100201"], "illness") for n in range(5)],
            year=2014,
            source="t",
        )
    path = tmp_path / "persons.csv"
    _persons_file(path, 40, 5)
    before = schema()
    monkeypatch.setattr(people_services, "PERSON_LOAD_REBUILD_MIN_ROWS", 0)
    rebuilt = []
    end = people_services._person_load_end

    def spy(cursor, restore):
        rebuilt.append(restore)
        end(cursor, restore)

    monkeypatch.setattr(people_services, "_person_load_end", spy)
    # when
    result = import_file(actor=actor, path=path, kind="persons")
    # then: written through the rebuild, every index and constraint back as it was
    assert result.ok, result.errors
    # the persons' secondary indexes (household, area, county) and their two foreign keys
    assert rebuilt and len(rebuilt[0][0]) >= 3 and len(rebuilt[0][1]) == 2
    assert Person.objects.count() == 40 and Household.objects.filter(head__isnull=False).count() == 5
    assert schema() == before
    # and the foreign keys hold again: a person of a household that does not exist is refused
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO people_person (household_id, relation, name, sex, area_id, county_code,
                                          identity_key_id, is_illustrative)
               VALUES (987654321, 'child', 'x', 'male', %s, '520422', '', false)""",
            ["520422100201"],
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
