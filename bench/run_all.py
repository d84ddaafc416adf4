"""Run every benchmark present and print one table of their figures, with time and peak memory.

    .venv/bin/python bench/run_all.py --database-url postgres://postgres@127.0.0.1:5432/scale_s01 \
        [--scratch-prefix postgres://postgres@127.0.0.1:5432/scale_bench] [--quick] [--only report,iati]

``--database-url`` names a database holding a synthetic program (``counterpart synth --scale 0.1``):
the report, IATI, dashboard and API benchmarks read it. The intake and unique-beneficiary benchmarks
load data of their own, each into a fresh database ``{scratch-prefix}_{name}`` that is created,
migrated, used and dropped. Each benchmark runs as its own process; its figures are the entries it
merges into results/run.json, untracked (``--record``: into results/latest.json, the tracked figures
of record) (a list of {"name", "value", "unit", "baseline", "ratio"}), and this
runner adds each benchmark's wall time and peak RSS (from the kernel's accounting of that child).
A benchmark script that is not there is listed as skipped, saying so.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))


@dataclass(frozen=True)
class Bench:
    name: str
    script: str
    args: list[str] = field(default_factory=list)
    quick_args: list[str] = field(default_factory=list)
    own_database: bool = False  # loads its own data into a scratch database


BENCHES = [
    Bench("intake", "intake_bench.py", [], ["--rows", "100000", "--xlsx-rows", "20000"], own_database=True),
    Bench("report", "report_bench.py", ["--explain"], ["--explain"]),
    Bench("unique_beneficiaries", "people_unique_beneficiaries.py", [], ["--persons", "100000"], own_database=True),
    Bench("dashboard", "dashboard_bench.py"),
    Bench("web_lists", "web_lists_bench.py"),
    Bench("api", "api_bench.py"),
    Bench("partitioning", "partitioning_probe.py"),
    Bench("iati_export", "iati_export_bench.py", ["--limit", "100000"], ["--limit", "10000"]),
    # Loads its own programs at two sizes into databases named after the scratch one (memory_bench.py).
    Bench("memory", "memory_bench.py", [], ["--rows", "2000", "--scale", "0.0001"], own_database=True),
]


def _results() -> dict[str, dict]:
    from common import results_path

    results = results_path()
    if not results.exists():
        return {}
    return {entry["name"]: entry for entry in json.loads(results.read_text())}


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _psql(url: str, sql: str) -> None:
    """CREATE/DROP DATABASE through the maintenance database, with psycopg (installed with the project)."""
    import psycopg

    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as connection:
        connection.execute(sql)


def dataset_suffix(url: str) -> str:
    """The scale of the largest synthetic program the database holds, as a name suffix ("_s1_0"); "" if none.

    Every figure of record says the scale it was measured at; the program's slug says it
    (``synth-s0_1-seed1``, written by ``counterpart synth``).
    """
    import psycopg

    with psycopg.connect(url) as connection:
        rows = connection.execute("SELECT slug FROM registry_program WHERE slug LIKE 'synth-s%-seed%'").fetchall()
    scales = [slug.removeprefix("synth-s").rsplit("-seed", 1)[0] for (slug,) in rows]
    if not scales:
        return ""
    return "_s" + max(scales, key=lambda scale: float(scale.replace("_", ".")))


def run(bench: Bench, environment: dict[str, str], quick: bool) -> tuple[int, float, float]:
    """Run one benchmark; returns (exit code, wall seconds, peak RSS in MiB of that process)."""
    command = [sys.executable, str(HERE / bench.script), *(bench.quick_args if quick else bench.args)]
    print(f"\n=== {bench.name}: {' '.join(command[1:])}", flush=True)
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, env=environment)
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, time.perf_counter() - started, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--scratch-prefix", default=None, help="URL whose database name prefixes scratch databases")
    parser.add_argument("--quick", action="store_true", help="smaller loads for the benchmarks that load their own")
    parser.add_argument("--only", default="", help="comma-separated benchmark names")
    parser.add_argument("--record", action="store_true", help="write the figures of record, results/latest.json")
    parser.add_argument(
        "--suffix",
        default="",
        help="appended to every figure's name (default: the database's synthetic scale, e.g. _s0_1)",
    )
    parser.add_argument(
        "--repeat", type=int, default=0, help="at most this many timed runs per figure (after a warm-up)"
    )
    args = parser.parse_args()
    if args.repeat:
        os.environ["BENCH_REPEAT"] = str(args.repeat)  # read by common.median_seconds in each benchmark
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("give --database-url (or DATABASE_URL) of a PostgreSQL database with a synthetic program")
    scratch_prefix = args.scratch_prefix or args.database_url
    if args.record:
        os.environ["BENCH_RECORD"] = "1"  # read by common.results_path, here and in each benchmark
    suffix = args.suffix or dataset_suffix(args.database_url)
    if args.record and not suffix:
        raise SystemExit(
            "the figures of record carry their scale: give --suffix (the database has no synthetic program)"
        )
    os.environ["BENCH_NAME_SUFFIX"] = suffix  # read by common.record, here and in each benchmark
    print(f"figures named …{suffix or ' (no scale suffix)'}", flush=True)
    chosen = {name for name in args.only.split(",") if name}

    from common import record

    summary: list[tuple[str, str]] = []
    table: list[dict] = []
    for bench in BENCHES:
        if chosen and bench.name not in chosen:
            continue
        if not (HERE / bench.script).exists():
            summary.append((bench.name, f"skipped: bench/{bench.script} is not present"))
            continue
        environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
        scratch = ""
        if bench.own_database:
            scratch = urlsplit(scratch_prefix).path.lstrip("/") + f"_{bench.name}"
            _psql(scratch_prefix, f'DROP DATABASE IF EXISTS "{scratch}"')
            _psql(scratch_prefix, f'CREATE DATABASE "{scratch}"')
            environment["DATABASE_URL"] = _with_database(scratch_prefix, scratch)
        else:
            environment["DATABASE_URL"] = args.database_url
        before = _results()
        try:
            code, seconds, rss = run(bench, environment, args.quick)
        finally:
            if scratch:
                _psql(scratch_prefix, f'DROP DATABASE IF EXISTS "{scratch}"')
        after = _results()
        produced = [entry for name, entry in sorted(after.items()) if before.get(name) != entry]
        table += produced
        table.append(record(f"{bench.name}_wall_time", seconds, "s", None))
        table.append(record(f"{bench.name}_peak_rss", rss, "MiB", None))
        summary.append((bench.name, f"exit {code}, {seconds:.1f} s, peak RSS {rss:.0f} MiB, {len(produced)} figures"))

    print(f"\n{'name':56} {'value':>14} {'unit':>9} {'baseline':>14} {'ratio':>8}")
    for entry in table:
        baseline = entry.get("baseline")
        ratio = entry.get("ratio")
        baseline_text = "" if baseline is None else f"{baseline:,.4g}"
        ratio_text = "" if ratio is None else f"{ratio:.3f}"
        print(f"{entry['name']:56} {entry['value']:>14,.4g} {entry['unit']:>9} {baseline_text:>14} {ratio_text:>8}")
    print()
    for name, outcome in summary:
        print(f"{name:24} {outcome}")


if __name__ == "__main__":
    main()
