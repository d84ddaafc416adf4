"""Nothing of an import in clear at rest: sealed uploads and spools, leftovers swept (intake/at_rest.py).

The must-show scan: after imports that succeed, fail and are killed, neither the data directory nor
the temporary directory holds one valid identity number in clear.
"""

import csv
import datetime
import io
import os
import re
import tempfile
from pathlib import Path

import pytest

from counterpart.core.errors import InvalidInput
from counterpart.intake.at_rest import SealedSpool, is_sealed, leftovers_sweep, upload_opened, upload_seal
from counterpart.intake.models import BatchStatus
from counterpart.intake.services import batch_claim, batch_enqueue, batch_run, import_file
from counterpart.intake.uploads import upload_store
from counterpart.people.identity import identity_compose, identity_parse

pytestmark = pytest.mark.django_db

VILLAGE = "520422100201"
HEADER = ["户编号", "与户主关系", "姓名", "身份证号码", "性别", "出生日期", "所在地区划代码"]


def _numbers(count: int, first: int = 0) -> list[str]:
    return [identity_compose("520422", datetime.date(1980, 5, 17), first + n) for n in range(count)]


def _csv(numbers: list[str], *, bad_last: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for n, identity in enumerate(numbers):
        writer.writerow(["", "", f"成员{n}", identity, "", "", VILLAGE])
    if bad_last:
        writer.writerow(["", "", "错误", "52042219800517001", "", "", VILLAGE])
    return out.getvalue().encode("utf-8")


def _valid_numbers_under(*directories: Path) -> list[str]:
    found = []
    for directory in directories:
        for path in directory.rglob("*"):
            if not path.is_file():
                continue
            text = path.read_bytes().decode("latin-1")
            for candidate in re.findall(r"(?<![\dA-Za-z])\d{17}[\dX](?![\dA-Za-z])", text):
                try:
                    identity_parse(candidate)
                except InvalidInput:
                    continue
                found.append(f"{path.name}: {candidate[:6]}…")
    return found


@pytest.fixture
def dirs(settings, tmp_path, monkeypatch):
    data, temp = tmp_path / "data", tmp_path / "tmp"
    data.mkdir()
    temp.mkdir()
    settings.DATA_DIR, settings.MEDIA_ROOT = data, data / "media"
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    return data, temp


def test_a_sealed_upload_reads_back_from_memory_and_refuses_tampering(dirs, tmp_path):
    data, _temp = dirs
    content = _csv(_numbers(50))
    path = data / "upload.csv"
    # when sealed
    upload_seal([content[:100], content[100:]], path)
    # then it holds no number, only its owner may read it, and it opens in clear only in memory
    assert _valid_numbers_under(data) == []
    assert path.stat().st_mode & 0o777 == 0o600
    assert is_sealed(path)
    with upload_opened(path) as clear:
        assert clear.read_bytes() == content
        assert not str(clear).startswith(str(data))
    # and a flipped byte or a cut file is refused, never read as something else
    altered = bytearray(path.read_bytes())
    altered[-5] ^= 1
    path.write_bytes(bytes(altered))
    with pytest.raises(ValueError), upload_opened(path):
        pass
    upload_seal([content], path)
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(ValueError), upload_opened(path):
        pass


def test_imports_that_succeed_fail_and_are_killed_leave_no_number_in_clear(dirs, households_village, actor):
    data, temp = dirs
    # given an upload that loads, one that fails on its last row, and one that a killed import left
    good = upload_store(io.BytesIO(_csv(_numbers(40))), suffix=".csv")
    bad = upload_store(io.BytesIO(_csv(_numbers(40, first=100), bad_last=True)), suffix=".csv")
    killed = upload_store(io.BytesIO(_csv(_numbers(40, first=200))), suffix=".csv")
    for path in (good, bad, killed):
        batch_enqueue(actor=actor, path=path, kind="persons")
    # when the worker runs the first two
    claimed = [batch_claim(), batch_claim()]
    results = [batch_run(actor, batch) for batch in claimed if batch is not None]
    assert [r.batch.status for r in results] == [BatchStatus.DONE, BatchStatus.INVALID]
    # and a killed importer left its spool (a child process, killed with the spool written)
    child = os.fork()
    if child == 0:  # pragma: no cover (the child)
        spool = SealedSpool()
        spool.dump([(1, "new", {"identity_number": n}, {}) for n in _numbers(40, first=200)])
        spool.flush()
        os._exit(9)
    os.waitpid(child, 0)
    assert list(temp.glob("intake-*.spool"))
    # then nothing in the data or temporary directory holds a valid number in clear
    assert _valid_numbers_under(data, temp) == []
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in (good, bad, killed))
    # and the sweep removes the dead process's spool, keeps uploads within their retention
    swept = leftovers_sweep()
    assert swept["spools"] == 1 and not list(temp.glob("intake-*.spool"))
    assert good.exists() and bad.exists() and killed.exists()
    # past the retention, the ended batches' uploads go; the queued one stays for its run
    later = leftovers_sweep(now=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=8))
    assert later["uploads"] == 2
    assert not good.exists() and not bad.exists() and killed.exists()
    # and the queued one still runs, from memory
    last = batch_claim()
    assert last is not None and batch_run(actor, last).batch.status == BatchStatus.DONE
    assert _valid_numbers_under(data, temp) == []
    # nor does any table (the database file itself, where it is SQLite's in the data directory)
    assert _valid_numbers_in_database() == []


def test_a_clear_upload_left_from_before_is_sealed_or_removed(dirs, actor, households_village, write_csv):
    data, _temp = dirs
    uploads = data / "media" / "uploads"
    uploads.mkdir(parents=True)
    queued = uploads / "old.csv"
    queued.write_bytes(_csv(_numbers(5, first=300)))
    batch = batch_enqueue(actor=actor, path=queued, kind="persons")
    # when swept
    assert leftovers_sweep()["sealed"] == 1
    # then the queued file is sealed in place and still imports
    assert is_sealed(queued) and _valid_numbers_under(data) == []
    assert batch_run(actor, batch).batch.status == BatchStatus.DONE


@pytest.fixture
def households_village(areas):
    return areas[VILLAGE]


def test_a_command_line_file_is_read_as_it_is(dirs, actor, households_village, write_csv):
    path = write_csv("persons.csv", [HEADER, ["", "", "甲", _numbers(1, first=400)[0], "", "", VILLAGE]])
    assert import_file(actor=actor, path=path, kind="persons").ok


def _valid_numbers_in_database() -> list[str]:
    """Every row of every table (staging tables included), as text, searched for valid numbers in clear.

    What is not here was never sent to the database in clear: the server's own files (its data
    directory, WAL, and the temporary files of its sorts) hold only what its tables and queries held.
    """
    from django.db import connection

    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                text = " ".join(
                    bytes(value).decode("latin-1") if isinstance(value, bytes | memoryview) else str(value)
                    for value in row
                )
                for candidate in re.findall(r"(?<![\dA-Za-z])\d{17}[\dX](?![\dA-Za-z])", text):
                    try:
                        identity_parse(candidate)
                    except InvalidInput:
                        continue
                    found.append(f"{table}: {candidate[:6]}…")
    return found


def _stage_tables() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE tablename LIKE 'intake\\_stage\\_%%'")
        names = [row[0] for row in cursor.fetchall()]
        counts = {}
        for name in names:
            cursor.execute(f'SELECT count(*) FROM "{name}"')
            counts[name] = cursor.fetchone()[0]
    return counts


KILLED_ROWS = 40_000


@pytest.mark.postgres
def test_on_postgresql_staged_rows_of_killed_and_failed_imports_hold_no_number_in_clear_and_are_dropped(
    transactional_db, dirs, areas, actor, settings, monkeypatch
):
    import signal
    import subprocess
    import sys
    import time

    from django.db import connection

    from counterpart.intake.models import ImportBatch
    from counterpart.intake.records.people import PersonsKind
    from counterpart.intake.services import batch_claim_abandoned
    from counterpart.integrity.checks import integrity_run

    data, temp = dirs
    # given uploads that load, fail on their last row, and one large enough to be killed while staged
    good = upload_store(io.BytesIO(_csv(_numbers(40, first=500))), suffix=".csv")
    bad = upload_store(io.BytesIO(_csv(_numbers(40, first=600), bad_last=True)), suffix=".csv")
    big_numbers = [
        identity_compose("520422", datetime.date(1950, 1, 1) + datetime.timedelta(days=n // 900), n % 900)
        for n in range(KILLED_ROWS)
    ]
    big = upload_store(io.BytesIO(_csv(big_numbers)), suffix=".csv")
    batches = [batch_enqueue(actor=actor, path=path, kind="persons") for path in (good, bad, big)]
    # when the worker (its data and temporary directories the scanned ones) runs them and is killed
    # while the large one is staged (the staged path: files of new rows this small would otherwise be
    # loaded directly, in one transaction, and leave no staging table to find)
    settings.INTAKE_DIRECT_MAX_BYTES = 0
    db = connection.settings_dict
    env = {
        **os.environ,
        "COUNTERPART_INTAKE_DIRECT_MAX_BYTES": "0",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "COUNTERPART_DATA_DIR": str(data),
        "TMPDIR": str(temp),
    }
    command = [sys.executable, "-m", "counterpart.cli", "worker", "--poll", "0.1"]
    worker = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            killed = ImportBatch.objects.get(pk=batches[2].pk)
            if (killed.status == BatchStatus.VALIDATING and killed.last_row > 0) or killed.status == BatchStatus.DONE:
                break
            time.sleep(0.02)
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    statuses = [ImportBatch.objects.get(pk=b.pk).status for b in batches]
    assert statuses == [BatchStatus.DONE, BatchStatus.INVALID, BatchStatus.VALIDATING], "not killed while staged"
    staged = _stage_tables()
    assert list(staged) == [f"intake_stage_{batches[2].pk}"] and staged[f"intake_stage_{batches[2].pk}"] > 0
    # then neither the directories nor any table (the staging table included) holds a valid number in clear
    assert _valid_numbers_under(data, temp) == []
    assert _valid_numbers_in_database() == []
    # and the sweep keeps the killed batch's staging table: it resumes from it, then drops it
    assert leftovers_sweep()["stages"] == 0 and list(_stage_tables()) == list(staged)
    settings.INTAKE_ABANDONED_AFTER_SECONDS = 0
    resumed = None
    for _attempt in range(100):
        resumed = batch_claim_abandoned()
        if resumed is not None:
            break
        time.sleep(0.1)
    assert resumed is not None and resumed.pk == batches[2].pk
    result = batch_run(actor, resumed)
    assert result.batch.status == BatchStatus.DONE and result.batch.rows_resumed > 0
    assert _stage_tables() == {}
    # when an import's processing fails after its rows are staged
    failing = batch_enqueue(
        actor=actor, path=upload_store(io.BytesIO(_csv(_numbers(30, first=700))), suffix=".csv"), kind="persons"
    )

    def broken_write(self, actor, table, *, reason):
        raise RuntimeError("a bug in the write")

    monkeypatch.setattr(PersonsKind, "stage_apply", broken_write)
    claimed = batch_claim()
    assert claimed is not None and claimed.pk == failing.pk
    # then it is failed and its staging table is gone with it
    assert batch_run(actor, claimed).batch.status == BatchStatus.FAILED
    assert _stage_tables() == {}
    # and a staging table an ended batch left (a drop the failure could not make) goes with the sweep,
    # which check-integrity runs before its checks
    with connection.cursor() as cursor:
        # (a clear number in it, as an older version's staging could have held: the scan's positive control)
        cursor.execute(f"CREATE UNLOGGED TABLE intake_stage_{failing.pk} (identity_number text)")
        cursor.execute(f"INSERT INTO intake_stage_{failing.pk} VALUES (%s)", _numbers(1, first=800))
    assert _valid_numbers_in_database() == [f"intake_stage_{failing.pk}: 520422…"]
    assert [f.count for f in integrity_run(["intake.stage_left_behind"])] == [1]
    assert leftovers_sweep()["stages"] == 1 and _stage_tables() == {}
    assert [f.count for f in integrity_run(["intake.stage_left_behind"])] == [0]
    assert _valid_numbers_under(data, temp) == []
    assert _valid_numbers_in_database() == []


def test_a_number_in_another_column_is_masked_in_the_errors_kept_on_the_batch(dirs, households_village, actor):
    # given rows whose cells shifted: the number under 性别 (sex) and under 与户主关系 (relation), and a quoted
    # name that swallowed the next line (found by the whole-path fuzz: the errors kept them in clear)
    numbers = _numbers(3, first=900)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerow(["", "", "甲", "", numbers[0], "", VILLAGE])
    writer.writerow(["", numbers[1], "乙", "", "", "", VILLAGE])
    writer.writerow(["", "", f"丙\n,,丁,{numbers[2]},x,,{VILLAGE}", "", "", "", VILLAGE])
    batch = batch_enqueue(
        actor=actor, path=upload_store(io.BytesIO(out.getvalue().encode()), suffix=".csv"), kind="persons"
    )
    claimed = batch_claim()
    assert claimed is not None and claimed.pk == batch.pk
    # when the worker refuses it
    result = batch_run(actor, claimed)
    # then the errors name the cells, masked, and neither the batch nor any table keeps a number in clear
    assert result.batch.status == BatchStatus.INVALID
    texts = " ".join(str(error) for error in result.batch.errors)
    assert all(number not in texts for number in numbers)
    assert f"{numbers[0][:6]}***********{numbers[0][-1]}" in texts
    assert _valid_numbers_in_database() == []


@pytest.mark.django_db
def test_the_migration_masks_numbers_already_saved_in_batches_errors() -> None:
    import importlib

    from django.apps import apps

    from counterpart.intake.models import ImportBatch
    from counterpart.people.identity import identity_check_character

    body = "52040219850101123"
    number = body + identity_check_character(body)
    saved = ImportBatch.objects.create(
        kind="persons",
        file_name="old.csv",
        file_sha256="0" * 64,
        errors=[{"row": 3, "field": "name", "value": f"{number},张三", "message": "姓名过长"}],
    )
    untouched = ImportBatch.objects.create(kind="persons", file_name="ok.csv", file_sha256="1" * 64, errors=[])

    migration = importlib.import_module("counterpart.intake.migrations.0006_batch_errors_masked")
    migration.batch_errors_mask(apps, None)

    kept = ImportBatch.objects.get(pk=saved.pk).errors
    assert number not in str(kept)
    assert kept[0]["row"] == 3 and kept[0]["value"].endswith(",张三")
    assert ImportBatch.objects.get(pk=untouched.pk).errors == []
