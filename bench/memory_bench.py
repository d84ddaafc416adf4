"""Peak memory of every bulk path, each at two sizes (small and ``--factor`` times larger), one fresh process per run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cp_memory nice -n 10 .venv/bin/python bench/memory_bench.py \
        [--rows 10000] [--factor 10] [--scale 0.001] [--only import_csv_direct,synth] [--keep]

A path's memory is bounded when its peak RSS does not grow with its input: the figure is the ratio of the
large run's peak to the small one's (about 1 = bounded; 10 would be a path holding its input). Each run is
a child process (this script with ``--child``, so Django's own start-up is in both runs alike) that runs one
management command; its peak is the kernel's accounting of it (``os.wait4``'s ``ru_maxrss``: the child and
the tools it waited for, e.g. ``pg_dump``) and its own ``VmHWM``. Rows/s is the path's input rows over the
command's own time (measured in the child: Django's start-up, seconds on a loaded machine, is not in it).

Databases, all named from ``DATABASE_URL``'s (created and dropped here; none is copied from another):
``{name}_synth_small`` / ``_large`` (``counterpart synth`` at ``--scale`` and ``--scale × --factor``: the synth
runs themselves, then the exports, reports, IATI export, integrity checks, backup and restore into
``{name}_restore_…``) and ``{name}_intake_small`` / ``_large`` (households registered, then the imports of
``--rows`` and ``--rows × --factor`` persons, and the rekey of what they loaded); SQLite files for the paths
SQLite takes its own way (the staged import, the online backup and restore). Figures merge into
results/run.json (``memory_<path>_<small>_<large>_peak_rss``: value the large run's peak, baseline the small
one's, ratio large/small), with ``memory_<path>_<large>_rows_per_s`` beside.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from persons_fixture import VILLAGES, person_line, villages_and_households_register  # bench/

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

PERSON_HEADER = ["户编号", "与户主关系", "姓名", "身份证号码", "性别", "出生日期", "所在地区划代码"]
HOUSEHOLD_HEADER = ["户编号", "所在村区划代码", "主要致贫原因", "识别年度", "帮扶责任人"]
# The files of one size, as person numbers [offset, offset + rows): each file's persons are new.
FILES = ("direct.csv", "staged.csv", "calamine.xlsx", "streamed.xlsx", "sqlite.csv")


# ----------------------------------------------------------------------------------------------- child side


def _vm(field_name: str) -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(f"{field_name}:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _prepare_intake(directory: Path, rows: int, *, files: bool) -> None:
    """Areas and the households the files' persons join (not measured); the files of this size."""
    import csv

    import xlsxwriter
    from django.core.management import call_command

    from counterpart.core.audit import Actor

    call_command("migrate", verbosity=0)
    actor = Actor.system("bench")
    households = rows  # four files of persons on them: a household per four persons
    villages_and_households_register(actor, households)
    if not files:
        return
    for index, name in enumerate(FILES):
        offset = index * rows
        path = directory / name
        if name.endswith(".csv"):
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(PERSON_HEADER)
                for n in range(offset, offset + rows):
                    writer.writerow(person_line(n, households))
        else:
            workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
            sheet = workbook.add_worksheet("persons")
            sheet.write_row(0, 0, PERSON_HEADER)
            for n in range(offset, offset + rows):
                sheet.write_row(n - offset + 1, 0, person_line(n, households))
            workbook.close()
    # A workbook of two kinds: its own households (a quarter of its rows) and their persons.
    workbook = xlsxwriter.Workbook(str(directory / "workbook.xlsx"), {"constant_memory": True})
    own = max(1, rows // 4)
    sheet = workbook.add_worksheet("households")
    sheet.write_row(0, 0, HOUSEHOLD_HEADER)
    for n in range(own):
        sheet.write_row(n + 1, 0, [f"W-{n:07d}", VILLAGES[n % len(VILLAGES)], "illness", 2014, ""])
    sheet = workbook.add_worksheet("persons")
    sheet.write_row(0, 0, PERSON_HEADER)
    offset = len(FILES) * rows
    for n in range(offset, offset + rows):
        sheet.write_row(n - offset + 1, 0, person_line(n, own, prefix="W"))
    workbook.close()


def child(spec: dict[str, Any]) -> None:
    """Run one management command (or the intake preparation) and write this process's own peak."""
    from common import django_setup

    django_setup()
    from django.conf import settings
    from django.core.management import call_command

    for name, value in spec.get("settings", {}).items():
        setattr(settings, name, value)
    if spec.get("new_identity_key"):
        # identity_rekey's input: every row is under the old key; a new one becomes current.
        settings.COUNTERPART_IDENTITY_KEYS = {**settings.COUNTERPART_IDENTITY_KEYS, "mem2": os.urandom(32)}
        settings.COUNTERPART_IDENTITY_KEY_ID = "mem2"
    before = _vm("VmRSS")
    started = time.perf_counter()
    if spec.get("prepare"):
        _prepare_intake(Path(spec["prepare"]), spec["rows"], files=spec.get("files", True))
    else:
        call_command(*spec["argv"])
    Path(spec["out"]).write_text(
        json.dumps({"vmhwm": _vm("VmHWM"), "rss_after_setup": before, "seconds": time.perf_counter() - started})
    )


# ---------------------------------------------------------------------------------------------- parent side


@dataclass
class Run:
    path: str
    size: str
    rows: int
    seconds: float
    peak: float  # MiB, wait4's ru_maxrss (the child and the tools it waited for)
    own: float  # MiB, the child's own VmHWM
    bounded_by: str = ""


@dataclass
class Case:
    path: str
    argv: list[str]
    rows: int
    bounded_by: str
    settings: dict[str, Any] = field(default_factory=dict)
    new_identity_key: bool = False


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as connection:
        connection.execute(sql)


def _fresh(url: str, name: str) -> str:
    _admin(url, f'DROP DATABASE IF EXISTS "{name}"')
    _admin(url, f'CREATE DATABASE "{name}"')
    return _with_database(url, name)


class ChildFailed(Exception):
    pass


def _spawn(spec: dict[str, Any], database: str, scratch: Path) -> tuple[float, float, float]:
    """(seconds, wait4 peak MiB, own VmHWM MiB) of one child."""
    out = scratch / "child.json"
    out.unlink(missing_ok=True)
    spec = {**spec, "out": str(out)}
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev", "DATABASE_URL": database}
    child_process = subprocess.Popen(
        [sys.executable, str(HERE / "memory_bench.py"), "--child", json.dumps(spec)],
        cwd=ROOT,
        env=environment,
        stdout=(scratch / "child.log").open("a"),
    )
    _pid, status, usage = os.wait4(child_process.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise ChildFailed(f"child failed ({code}): {spec.get('argv') or 'prepare'} (see {scratch / 'child.log'})")
    written = json.loads(out.read_text())
    own, seconds = written["vmhwm"], written["seconds"]  # the command's own time, not Django's start-up
    return seconds, usage.ru_maxrss / 1024, own


def _measure(case: Case, size: str, database: str, scratch: Path, runs: list[Run]) -> None:
    spec = {"argv": case.argv, "settings": case.settings, "new_identity_key": case.new_identity_key}
    try:
        seconds, peak, own = _spawn(spec, database, scratch)
    except ChildFailed as failure:  # the other paths are still measured; this one is listed as failed
        print(f"{case.path:28} {size:5} FAILED: {failure}", flush=True)
        return
    run = Run(case.path, size, case.rows, seconds, peak, own, case.bounded_by)
    runs.append(run)
    print(
        f"{case.path:28} {size:5} {case.rows:>9,} rows {seconds:8.1f} s {case.rows / seconds:>9,.0f} rows/s "
        f"peak {peak:6.0f} MiB (own {own:.0f})",
        flush=True,
    )


def _synth_cases(scale: float, directory: Path, restore_url: str) -> list[tuple[Case, str | None]]:
    """The paths that read a synthetic program: (case, the database it runs on if not the synth's own)."""
    persons = max(60, round(89_620_000 * scale))
    projects = max(50, round(1_000_000 * scale))
    slug = "synth-s" + f"{scale:g}".replace(".", "_") + "-seed1"
    backup = directory / "backup.dump"
    return [
        (
            Case(
                "export_persons_csv",
                ["intake_export", "persons", "--format", "csv", "--output", str(directory / "p.csv")],
                persons,
                "the exporter's fetch chunk",
            ),
            None,
        ),
        (
            Case(
                "export_persons_xlsx",
                ["intake_export", "persons", "--format", "xlsx", "--output", str(directory / "p.xlsx")],
                persons,
                "xlsxwriter constant_memory",
            ),
            None,
        ),
        (
            Case(
                "export_households_xlsx",
                ["intake_export", "households", "--output", str(directory / "h.xlsx")],
                persons // 3,
                "xlsxwriter constant_memory",
            ),
            None,
        ),
        (
            Case(
                "report_xlsx",
                [
                    "report",
                    "--program",
                    slug,
                    "--year",
                    "2018",
                    "--format",
                    "xlsx",
                    "--output",
                    str(directory / "r.xlsx"),
                ],
                persons,
                "summaries (one row per area and year)",
            ),
            None,
        ),
        (
            Case(
                "report_pdf",
                [
                    "report",
                    "--program",
                    slug,
                    "--year",
                    "2018",
                    "--format",
                    "pdf",
                    "--output",
                    str(directory / "r.pdf"),
                ],
                persons,
                "summaries; the PDF's pages",
            ),
            None,
        ),
        (
            Case(
                "report_html",
                [
                    "report",
                    "--program",
                    slug,
                    "--year",
                    "2016",
                    "--to-year",
                    "2020",
                    "--format",
                    "html",
                    "--output",
                    str(directory / "r.html"),
                ],
                persons,
                "summaries",
            ),
            None,
        ),
        (
            Case(
                "iati_export",
                ["iati", "export", "--program", slug, "--output", str(directory / "a.xml")],
                projects,
                "chunks of activities; validated streaming",
            ),
            None,
        ),
        (
            Case(
                "iati_import",
                ["iati", "import", str(directory / "a.xml"), "--program", slug],
                projects,
                "one activity at a time (stream_import.py)",
            ),
            None,
        ),
        (Case("check_integrity", ["check_integrity"], persons, "set-based SQL; samples"), None),
        (Case("backup_postgresql", ["backup", str(backup)], persons, "pg_dump"), None),
        (Case("restore_postgresql", ["restore", str(backup)], persons, "pg_restore"), restore_url),
    ]


def _intake_cases(rows: int, directory: Path) -> list[Case]:
    big = 1 << 40
    return [
        Case("import_csv_direct", ["intake_import", str(directory / "direct.csv")], rows, "chunk (5,000 rows)"),
        Case(
            "import_csv_staged",
            ["intake_import", str(directory / "staged.csv")],
            rows,
            "chunk (5,000 rows)",
            {"INTAKE_DIRECT_MAX_BYTES": 0},
        ),
        Case(
            "import_xlsx_calamine",
            ["intake_import", str(directory / "calamine.xlsx")],
            rows,
            "INTAKE_XLSX_STREAM_BYTES (32 MiB inflated): calamine holds the sheet",
            {"INTAKE_XLSX_STREAM_BYTES": big},
        ),
        Case(
            "import_xlsx_streamed",
            ["intake_import", str(directory / "streamed.xlsx")],
            rows,
            "sheet_stream (row by row); chunk",
            {"INTAKE_XLSX_STREAM_BYTES": 0},
        ),
        Case(
            "import_workbook",
            ["intake_import", str(directory / "workbook.xlsx")],
            rows + rows // 4,
            "sheet_stream; spool chunks",
            {"INTAKE_XLSX_STREAM_BYTES": 0},
        ),
        Case("identity_rekey", ["identity_rekey"], 5 * rows, "--batch-size (5,000)", new_identity_key=True),
    ]


def _sqlite_cases(rows: int, directory: Path, database: Path) -> list[tuple[Case, str]]:
    backup = directory / "backup.sqlite3"
    restored = directory / "restored.sqlite3"
    here = f"sqlite:///{database}"
    return [
        (Case("import_csv_sqlite", ["intake_import", str(directory / "sqlite.csv")], rows, "chunk (5,000 rows)"), here),
        (Case("backup_sqlite", ["backup", str(backup)], rows, "SQLite's online backup (page by page)"), here),
        (Case("restore_sqlite", ["restore", str(backup)], rows, "SQLite's backup API"), f"sqlite:///{restored}"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, default=10_000, help="persons per import file, small size")
    parser.add_argument("--scale", type=float, default=0.001, help="synth scale, small size")
    parser.add_argument("--factor", type=int, default=10, help="large size = small × factor")
    parser.add_argument("--only", default="", help="comma-separated groups: synth, intake, sqlite")
    parser.add_argument("--keep", action="store_true", help="keep the databases (dropped by default)")
    args = parser.parse_args()
    if args.child:
        child(json.loads(args.child))
        return
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("set DATABASE_URL to a PostgreSQL URL: its database name prefixes the scratch databases")
    base = urlsplit(url).path.lstrip("/")
    groups = {name for name in args.only.split(",") if name} or {"synth", "intake", "sqlite"}
    sizes = {"small": 1, "large": args.factor}
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="memory-bench-") as temporary:
        scratch = Path(temporary)
        # The floor: a child that starts Django and runs nothing of size (``check``).
        _seconds, floor, _own = _spawn({"argv": ["check"]}, url, scratch)
        print(f"floor: a child running `check`: peak {floor:.0f} MiB", flush=True)
        for size, times in sizes.items():
            directory = scratch / size
            directory.mkdir()
            if "synth" in groups:
                scale = round(args.scale * times, 6)
                synth_url = _fresh(url, f"{base}_synth_{size}")
                restore_name = f"{base}_restore_{size}"
                _spawn({"argv": ["migrate", "-v0"]}, synth_url, scratch)
                persons = max(60, round(89_620_000 * scale))
                synth = Case(
                    "synth",
                    ["synth", "--scale", str(scale), "--seed", "1", "--yes"],
                    persons,
                    "chunks of persons; COPY per chunk",
                )
                _measure(synth, size, synth_url, scratch, runs)
                for case, target in _synth_cases(scale, directory, _with_database(url, restore_name)):
                    database = synth_url
                    if target is not None:
                        database = _fresh(url, restore_name)
                    _measure(case, size, database, scratch, runs)
                    if target is not None:
                        _admin(url, f'DROP DATABASE IF EXISTS "{restore_name}"')
                for leftover in directory.iterdir():
                    leftover.unlink()
                if not args.keep:
                    _admin(url, f'DROP DATABASE IF EXISTS "{base}_synth_{size}"')
            if "intake" in groups or "sqlite" in groups:
                rows = args.rows * times
                if "intake" in groups:
                    intake_url = _fresh(url, f"{base}_intake_{size}")
                    _spawn({"prepare": str(directory), "rows": rows}, intake_url, scratch)
                    for case in _intake_cases(rows, directory):
                        _measure(case, size, intake_url, scratch, runs)
                    if not args.keep:
                        _admin(url, f'DROP DATABASE IF EXISTS "{base}_intake_{size}"')
                if "sqlite" in groups:
                    sqlite_file = directory / "intake.sqlite3"
                    files = "intake" not in groups  # else written already, for PostgreSQL's imports
                    _spawn(
                        {"prepare": str(directory), "rows": rows, "files": files}, f"sqlite:///{sqlite_file}", scratch
                    )
                    for case, database in _sqlite_cases(rows, directory, sqlite_file):
                        _measure(case, size, database, scratch, runs)
    _report(runs, floor, args)


def _report(runs: list[Run], floor: float, args: argparse.Namespace) -> None:
    from common import record

    by_path: dict[str, dict[str, Run]] = {}
    for run in runs:
        by_path.setdefault(run.path, {})[run.size] = run
    print(f"\nfloor (a child running `check`): {floor:.0f} MiB; ratio = large peak / small peak (about 1: bounded)")
    print(
        f"{'path':26} {'rows small → large':>22} {'peak small':>11} {'peak large':>11} {'ratio':>6} "
        f"{'rows/s large':>13}  bounded by"
    )
    for path, pair in by_path.items():
        small, large = pair.get("small"), pair.get("large")
        if small is None or large is None:
            continue
        ratio = large.peak / small.peak
        print(
            f"{path:26} {small.rows:>10,} → {large.rows:>9,} {small.peak:>9.0f} M {large.peak:>9.0f} M "
            f"{ratio:>6.2f} {large.rows / large.seconds:>13,.0f}  {large.bounded_by}"
        )
        record(f"memory_{path}_{small.rows}_{large.rows}_peak_rss", large.peak, "MiB", small.peak)
        record(f"memory_{path}_{large.rows}_rows_per_s", large.rows / large.seconds, "rows/s", None)
    record("memory_floor_peak_rss", floor, "MiB", None)


if __name__ == "__main__":
    main()
