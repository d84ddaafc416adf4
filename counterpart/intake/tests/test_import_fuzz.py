"""No file stops the importer: reader errors are file errors in the user's language, a batch whose
processing fails ends failed with its reason, and a fuzz of the whole path (upload, queue, worker)
ends every batch done, invalid or failed with 0 crashes (``COUNTERPART_FUZZ_FILES``, default 300)."""

import io
import os

import pytest

from counterpart.intake import services
from counterpart.intake.models import BatchStatus, ImportBatch
from counterpart.intake.services import batch_claim, batch_enqueue, batch_run, import_file
from counterpart.intake.uploads import upload_store
from counterpart.testing.import_fuzz import PERSONS, PROJECTS, fuzz_run

pytestmark = pytest.mark.django_db

FILES = int(os.environ.get("COUNTERPART_FUZZ_FILES", "300"))


def _queued(actor, content: bytes, suffix: str = ".csv") -> ImportBatch:
    batch_enqueue(actor=actor, path=upload_store(io.BytesIO(content), suffix=suffix), kind="persons")
    claimed = batch_claim()
    assert claimed is not None
    return claimed


def test_a_200000_character_field_is_a_row_error_in_both_languages(areas, actor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # given a CSV whose second row holds a 200,000-character name (more than csv's 131,072 limit)
    content = ",".join(PERSONS).encode() + b"\n,," + b"x" * 200_000 + b",520422198005170011,,,520422100201\n"
    # when the worker runs it
    result = batch_run(actor, _queued(actor, content))
    # then the batch is invalid, naming the row, in Chinese and English, and nothing was written
    assert result.batch.status == BatchStatus.INVALID
    error = result.batch.errors[0]
    # (the CSV reader names the row in its message; PostgreSQL's staged reader reads the field and the
    # row's validation refuses it at that row)
    named_zh = error["row"] == 2 or "第 2 行第 3 列" in error["message_zh"]
    named_en = error["row"] == 2 or "row 2, column 3" in error["message_en"]
    assert named_zh and named_en and error["message_zh"] != error["message_en"]


def test_a_quoted_field_running_to_the_end_of_a_big_file_is_refused_not_raised(areas, actor, write_csv):
    path = write_csv("persons.csv", [PERSONS])
    path.write_bytes(path.read_bytes() + b'"' + b"y" * 300_000)
    result = import_file(actor=actor, path=path, kind="persons")
    assert result.batch.status == BatchStatus.INVALID and result.errors


def test_processing_that_raises_fails_the_batch_with_its_reason(areas, actor, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    batch = _queued(actor, ",".join(PERSONS).encode() + b"\n")

    def broken(*args, **kwargs):
        raise RuntimeError("a cell 520422198005170011 quoted by a library")

    monkeypatch.setattr(services, "import_file", broken)
    # when processing raises
    result = batch_run(actor, batch)
    # then the batch is failed with a reason that names the kind of error, never the cell
    assert result.batch.status == BatchStatus.FAILED
    message = result.batch.errors[0]["message_en"]
    assert "RuntimeError" in message and "520422" not in message
    assert "导入失败" in result.batch.errors[0]["message_zh"]


def test_a_batch_reclaimed_too_often_is_failed_instead_of_run_again(areas, actor, settings, tmp_path):
    settings.MEDIA_ROOT, settings.INTAKE_MAX_ATTEMPTS = tmp_path, 3
    batch = _queued(actor, ",".join(PERSONS).encode() + b"\n")  # attempt 1
    # when it is reclaimed after each of two more interruptions, then once more
    assert services._attempt_counted(batch) and services._attempt_counted(batch)
    assert not services._attempt_counted(batch)
    # then it is failed, with why, and no worker will take it again
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED and batch.attempts == 4
    assert "interrupted 3 times" in batch.errors[0]["message_en"]
    assert batch_claim() is None


def test_a_fuzz_of_the_whole_import_path_ends_every_batch_and_never_crashes(areas, program, actor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # when generated files go through upload, queue and worker
    tally = fuzz_run(actor, FILES, seed=16)
    # then every batch ended done, invalid or failed; nothing escaped; no batch failed on a bug
    print(f"import fuzz: {tally.files} files, outcomes {dict(tally.outcomes)}")
    assert tally.files == FILES
    assert tally.crashes == []
    assert tally.internal_errors == []
    assert (
        ImportBatch.objects.exclude(status__in=[BatchStatus.DONE, BatchStatus.INVALID, BatchStatus.FAILED]).count() == 0
    )


def test_a_workbook_with_an_encrypted_member_is_refused_at_upload(areas, actor, settings, tmp_path):
    import zipfile

    from counterpart.testing.import_fuzz import FuzzTally, _xlsx, fuzz_one

    settings.MEDIA_ROOT = tmp_path
    # given a workbook one of whose members is flagged encrypted (the fuzz run's file 28,953, seed 1)
    rows: list[list[object]] = [list(PERSONS), ["", "", "甲", "520422198005170011", "", "", "520422100201"]]
    data = bytearray(_xlsx(rows, "p"))
    name = b"xl/sharedStrings.xml"
    central = data.index(b"PK\x01\x02")  # the central directory's first entry
    while data[central + 46 : central + 46 + len(name)] != name:  # find the member's entry
        central = data.index(b"PK\x01\x02", central + 4)
    data[central + 8] |= 0x1  # its general-purpose flag: encrypted
    local = int.from_bytes(data[central + 42 : central + 46], "little")
    data[local + 6] |= 0x1
    with pytest.raises(RuntimeError):  # zipfile itself raises this for it
        zipfile.ZipFile(io.BytesIO(bytes(data))).read("xl/sharedStrings.xml")
    # when it goes through upload, queue and worker
    tally = FuzzTally()
    fuzz_one(actor, bytes(data), ".xlsx", "persons", tally)
    # then it is refused, by name, and nothing escaped
    assert tally.crashes == [] and tally.internal_errors == []
    assert tally.outcomes == {"refused at upload": 1}


def test_a_budget_with_an_exponent_past_the_decimal_context_is_a_row_error(areas, program, actor, settings, tmp_path):
    # The whole-path fuzz, seed 1609, file 798: decimal.Overflow escaped the reader and failed the batch.
    settings.MEDIA_ROOT = tmp_path
    rows = [",".join(PROJECTS), "qd-gz,P-F2,饮水,drinking_water,520422,2009,9999999999999991e30999999"]
    path = upload_store(io.BytesIO("\n".join(rows).encode("gb18030")), suffix=".csv")
    batch_enqueue(actor=actor, path=path, kind="projects")
    claimed = batch_claim()
    assert claimed is not None
    result = batch_run(actor, claimed)
    assert result.batch.status == BatchStatus.INVALID
    assert [error["column"] for error in result.batch.errors] == ["预算（元）"]


def test_a_year_with_a_huge_exponent_is_refused_at_once(areas, program, actor, settings, tmp_path):
    # The whole-path fuzz, seed 1606: a year of 1e3092009 held the worker in int() for many minutes.
    settings.MEDIA_ROOT = tmp_path
    rows = [",".join(PROJECTS), "qd-gz,P-F1,饮水,drinking_water,520422,1e3092009,12.5"]
    batch_enqueue(actor=actor, path=upload_store(io.BytesIO("\n".join(rows).encode()), suffix=".csv"), kind="projects")
    claimed = batch_claim()
    assert claimed is not None
    result = batch_run(actor, claimed)
    assert result.batch.status == BatchStatus.INVALID
    assert [(error["column"], error["message_en"]) for error in result.batch.errors] == [
        ("年度", "the number is too large")
    ]
