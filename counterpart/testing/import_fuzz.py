"""Fuzzing the whole import path: upload, queue, worker (reader, validation, writing) — not only the readers.

Each generated file is a persons or projects import (CSV or XLSX) mutated the way hostile or broken
files are: bytes overwritten, cut or spliced with tokens (quotes, NUL, BOMs, a 200,000-character field,
formulas, GB18030 text), identity numbers with a wrong digit, rows of random width, or random bytes. It is
stored sealed (``upload_store``), queued (``batch_enqueue``; a refusal there is the clean outcome for a
file the upload refuses) and run by the worker's own call (``batch_claim`` + ``batch_run``).

A *crash* is an exception escaping ``batch_run`` or a batch left in any state but done, invalid or failed.
An *internal error* is a batch failed because processing raised (a bug the worker survived): counted
apart, and expected to be 0 as well. Used by the CI test (a few hundred files) and ``scripts/fuzz-import``
(the long run recorded in docs/reliability.md).
"""

import csv
import datetime
import io
import random
from collections import Counter
from dataclasses import dataclass, field

import xlsxwriter

from counterpart.core.audit import Actor
from counterpart.intake.models import BatchStatus
from counterpart.intake.services import batch_claim, batch_enqueue, batch_run
from counterpart.intake.uploads import upload_store
from counterpart.intake.validation import FileRejected
from counterpart.people.identity import identity_compose

VILLAGE = "520422100201"
PERSONS = ["户编号", "与户主关系", "姓名", "身份证号码", "性别", "出生日期", "所在地区划代码"]
PROJECTS = ["协作项目", "项目编号", "项目名称", "项目类别", "实施地点区划代码", "年度", "预算（元）"]
TOKENS = [
    b'"',
    b'""',
    b"\r\n",
    b"\n",
    b",",
    b";",
    b"\t",
    b"=1+1",
    b"\xef\xbb\xbf",
    b"\x00",
    b"\xff\xfe",
    b"\xc3\x28",
    "项目".encode(),
    "张三".encode("gb18030"),
    b"520422",
    b"1e309",
    b"NaN",
    b"-1",
    b"X" * 200_000,
    b'"' + b"y" * 200_000 + b'"',
]
ENDED = {BatchStatus.DONE, BatchStatus.INVALID, BatchStatus.FAILED}


def _persons_rows(rng: random.Random) -> list[list[object]]:
    rows: list[list[object]] = [list(PERSONS)]
    for n in range(rng.randint(0, 12)):
        number = identity_compose(
            "520422", datetime.date(1970, 1, 1) + datetime.timedelta(days=rng.randint(0, 9000)), n
        )
        if rng.random() < 0.2:
            position = rng.randrange(18)
            number = number[:position] + rng.choice("0123456789X*") + number[position + 1 :]
        rows.append(["", "", f"成员{n}", number, rng.choice(["", "男", "女", "x"]), "", VILLAGE])
    return rows


def _projects_rows(rng: random.Random) -> list[list[object]]:
    rows: list[list[object]] = [list(PROJECTS)]
    for n in range(rng.randint(0, 6)):
        budget = rng.choice(["12.5", "-1", "1e309", "abc", "99999999999999999999", ""])
        rows.append(["qingdao-guizhou", f"P-F{n}", "饮水", "drinking_water", "520422", rng.choice([2009, "x"]), budget])
    return rows


def _csv(rows: list[list[object]], encoding: str) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding, errors="replace")


def _xlsx(rows: list[list[object]], sheet: str) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    worksheet = book.add_worksheet(sheet)
    for number, row in enumerate(rows):
        worksheet.write_row(number, 0, row)
    book.close()
    return buffer.getvalue()


def _mutate(data: bytes, rng: random.Random) -> bytes:
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        choice = rng.random()
        position = rng.randint(0, len(buffer))
        if choice < 0.35:
            token = rng.choice(TOKENS)
            buffer[position:position] = token
        elif choice < 0.6 and buffer:
            for _ in range(rng.randint(1, 8)):
                buffer[rng.randrange(len(buffer))] = rng.randrange(256)
        elif choice < 0.8:
            del buffer[position:]
        else:
            width = rng.randint(0, 40)
            buffer[position:position] = b"\n" + b",".join(b"a" * rng.randint(0, 3) for _ in range(width)) + b"\n"
    return bytes(buffer)


def fuzz_file(rng: random.Random) -> tuple[bytes, str, str]:
    """(content, suffix, kind) of one generated import file."""
    kind = rng.choice(["persons", "persons", "projects"])
    rows = _persons_rows(rng) if kind == "persons" else _projects_rows(rng)
    roll = rng.random()
    if roll < 0.05:
        return rng.randbytes(rng.randint(0, 4096)), rng.choice([".csv", ".xlsx"]), kind
    if roll < 0.55:
        data = _csv(rows, rng.choice(["utf-8", "utf-8-sig", "gb18030"]))
        suffix = ".csv"
    else:
        data = _xlsx(rows, kind)
        suffix = ".xlsx"
    if rng.random() < 0.85:
        data = _mutate(data, rng)
    return data, suffix, kind


@dataclass
class FuzzTally:
    files: int = 0
    crashes: list[str] = field(default_factory=list)
    internal_errors: list[str] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)


def fuzz_one(actor: Actor, data: bytes, suffix: str, kind: str, tally: FuzzTally) -> None:
    """Run one file through upload, queue and worker; record how it ended."""
    tally.files += 1
    try:
        path = upload_store(io.BytesIO(data), suffix=suffix)
        try:
            batch = batch_enqueue(actor=actor, path=path, kind=kind)
        except FileRejected:
            path.unlink(missing_ok=True)
            tally.outcomes["refused at upload"] += 1
            return
        claimed = batch_claim()
        if claimed is None or claimed.pk != batch.pk:
            tally.crashes.append(f"file {tally.files}: batch #{batch.pk} not claimed")
            return
        result = batch_run(actor, claimed)
        status = result.batch.status
        if status not in ENDED:
            tally.crashes.append(f"file {tally.files}: batch left {status}")
        elif status == BatchStatus.FAILED and any(
            "error occurred while processing" in str(e.get("message_en", "")) for e in result.batch.errors
        ):
            tally.internal_errors.append(f"file {tally.files}: {result.batch.errors[0].get('message_en')}")
        tally.outcomes[status] += 1
        path.unlink(missing_ok=True)
    except Exception as error:
        tally.crashes.append(f"file {tally.files}: {type(error).__name__}: {str(error)[:200]}")


def fuzz_run(actor: Actor, count: int, seed: int = 0) -> FuzzTally:
    rng, tally = random.Random(seed), FuzzTally()
    for _ in range(count):
        data, suffix, kind = fuzz_file(rng)
        fuzz_one(actor, data, suffix, kind, tally)
    return tally
