"""Intake benchmark: full-validation imports against a bare baseline measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cp_intake_bench \
        .venv/bin/python bench/intake_bench.py [--rows 1000000] [--xlsx-rows 200000]

1. CSV → PostgreSQL: N person rows imported by ``intake.services.import_file`` (kind ``persons``: a file of
   new rows within ``INTAKE_DIRECT_MAX_BYTES`` takes the direct load, else — or when a row fails — the
   staged bulk path; both check every row, identity numbers encrypted and blind-indexed, set-based checks,
   one write) against two baselines measured in the same run: a raw ``COPY`` of the same CSV into an
   unconstrained table of seven text columns (the issue's baseline), and a raw ``COPY`` of the rows the
   import wrote (already encrypted) into a table ``LIKE people_person INCLUDING ALL`` (same indexes
   and unique constraints, no foreign keys).
2. XLSX: M person rows imported the same way against M other person rows of the same shape imported
   from CSV in the same run, in ``--pairs`` pairs whose order alternates (XLSX first, then CSV first:
   the geometric mean of the two orders' ratios cancels an order effect), each import's own peak RSS
   (the process's peak is reset before it); python-calamine's bare parse of the first file beside.
3. ``--projects``: the projects kind on the general path, against a raw ``COPY`` of its CSV.

Prints a table (time, rows/s, ratio, peak RSS) and appends the figures to bench/results/latest.json.
"""

import argparse
import csv
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from persons_fixture import person_line, villages_and_households_register  # bench/

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_csv(path: Path, slug: str, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["协作项目", "项目编号", "项目名称", "项目类别", "实施地点区划代码", "年度", "预算（元）"])
        for n in range(rows):
            writer.writerow([slug, f"B-{n:07d}", f"饮水工程{n}", "drinking_water", "520422", 2009, f"{n % 100000}.50"])


def write_xlsx(path: Path, slug: str, rows: int) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("projects")
    sheet.write_row(0, 0, ["协作项目", "项目编号", "项目名称", "项目类别", "实施地点区划代码", "年度", "预算（元）"])
    for n in range(rows):
        sheet.write_row(n + 1, 0, [slug, f"X-{n:07d}", f"道路{n}", "village_road", "520422", 2009, n % 100000 + 0.5])
    workbook.close()


PERSON_HEADER = ["户编号", "与户主关系", "姓名", "身份证号码", "性别", "出生日期", "所在地区划代码"]


def write_persons_csv(path: Path, rows: int, households: int, offset: int = 0) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(PERSON_HEADER)
        for n in range(offset, offset + rows):
            writer.writerow(person_line(n, households))


def write_persons_xlsx(path: Path, rows: int, households: int, offset: int) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("persons")
    sheet.write_row(0, 0, PERSON_HEADER)
    for n in range(offset, offset + rows):
        sheet.write_row(n - offset + 1, 0, person_line(n, households))
    workbook.close()


def copy_seconds(connection, path: Path, columns: str) -> float:
    """The baseline: a raw COPY of the same CSV into an unconstrained table of the same columns."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS intake_bench_copy")
        cursor.execute(f"CREATE TABLE intake_bench_copy ({columns})")
        start = time.perf_counter()
        with (
            cursor.copy("COPY intake_bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
            path.open("rb") as source,
        ):
            while block := source.read(1 << 20):
                copy.write(block)
        seconds = time.perf_counter() - start
        cursor.execute("DROP TABLE intake_bench_copy")
    return seconds


def copy_final_seconds(connection, directory: Path) -> tuple[float, int]:
    """The second baseline: a raw COPY of the rows the import wrote (already encrypted and blind-indexed),
    dumped from people_person, into a fresh table shaped like it (``LIKE people_person INCLUDING ALL``: the
    same columns, defaults, indexes and unique and check constraints; no foreign keys)."""
    dump = directory / "people_person.copy"
    with connection.cursor() as cursor:
        with cursor.copy("COPY people_person TO STDOUT") as copy, dump.open("wb") as target:
            for block in copy:
                target.write(block)
        cursor.execute("DROP TABLE IF EXISTS intake_bench_final")
        cursor.execute("CREATE TABLE intake_bench_final (LIKE people_person INCLUDING ALL)")
        start = time.perf_counter()
        with cursor.copy("COPY intake_bench_final FROM STDIN") as copy, dump.open("rb") as source:
            while block := source.read(1 << 20):
                copy.write(block)
        seconds = time.perf_counter() - start
        cursor.execute("SELECT count(*) FROM intake_bench_final")
        rows = cursor.fetchone()[0]
        cursor.execute("DROP TABLE intake_bench_final")
    dump.unlink()
    return seconds, rows


def calamine_seconds(path: Path, sheet: str, rows: int) -> float:
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    workbook = CalamineWorkbook.from_path(str(path))
    parsed = sum(1 for _row in workbook.get_sheet_by_name(sheet).iter_rows()) - 1
    workbook.close()
    assert parsed == rows
    return time.perf_counter() - start


def hwm_reset() -> None:
    """Reset the process's peak RSS (Linux: VmHWM) so the next step's peak is its own, not the CSV's."""
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")


def hwm_mb(field: str = "VmHWM") -> float:
    """The process's peak RSS since the last reset (``VmRSS``: its RSS now), in MB."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return 0.0


def timed_import(actor, path: Path, rows: int) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one import of ``rows`` new persons."""
    from counterpart.intake.services import import_file

    hwm_reset()
    start = time.perf_counter()
    result = import_file(actor=actor, path=path, kind="persons", chunk_size=50_000)
    seconds = time.perf_counter() - start
    assert result.ok and result.batch.rows_new == rows, result.errors[:3]
    return seconds, hwm_mb()


def xlsx_pairs(options, directory: Path, actor, households: int, table: list, results: list) -> None:
    """``--pairs`` pairs of an XLSX import and as many other rows from CSV; the order alternates (XLSX
    first in the even pairs, CSV first in the odd ones) so an order effect shows, and cancels in the
    geometric mean of the two orders' ratios."""
    rows = options.xlsx_rows
    offset = options.rows
    by_order: dict[str, list[float]] = {"xlsx first": [], "csv first": []}
    xlsx_rss: list[float] = []
    rss_before = hwm_mb("VmRSS")
    for pair in range(options.pairs):
        xlsx_path, csv_path = directory / f"persons{pair}.xlsx", directory / f"persons{pair}.csv"
        write_persons_xlsx(xlsx_path, rows, households, offset)
        write_persons_csv(csv_path, rows, households, offset + rows)
        offset += 2 * rows
        if pair == 0:
            hwm_reset()
            parse = calamine_seconds(xlsx_path, "persons", rows)
            table.append(("calamine bare parse", rows, parse, rows / parse, 1.0, hwm_mb()))
        order = "xlsx first" if pair % 2 == 0 else "csv first"
        if order == "xlsx first":
            seconds, rss = timed_import(actor, xlsx_path, rows)
            csv_seconds, csv_rss = timed_import(actor, csv_path, rows)
        else:
            csv_seconds, csv_rss = timed_import(actor, csv_path, rows)
            seconds, rss = timed_import(actor, xlsx_path, rows)
        xlsx_path.unlink()
        csv_path.unlink()
        ratio = csv_seconds / seconds
        by_order[order].append(ratio)
        xlsx_rss.append(rss)
        table.append((f"pair {pair} ({order}): CSV (baseline)", rows, csv_seconds, rows / csv_seconds, 1.0, csv_rss))
        table.append((f"pair {pair} ({order}): XLSX vs that CSV", rows, seconds, rows / seconds, ratio, rss))
    means = {order: statistics.geometric_mean(ratios) for order, ratios in by_order.items() if ratios}
    both = statistics.geometric_mean(list(means.values()))
    for order, mean in means.items():
        print(f"XLSX vs CSV, {order}: {mean:.3f} (pairs: {', '.join(f'{r:.3f}' for r in by_order[order])})")
    print(
        f"XLSX vs CSV, both orders (geometric mean): {both:.3f}; XLSX import peak RSS {max(xlsx_rss):.0f} MB "
        f"(the process's RSS before it: {rss_before:.0f} MB)"
    )
    results.append(
        {
            "name": f"intake_xlsx_persons_{rows}_vs_csv_rows_per_s",
            "value": round(both, 3),
            "unit": "ratio",
            "baseline": 1,
            "ratio": round(both, 3),
        }
    )
    results.append(
        {"name": f"intake_xlsx_persons_{rows}_peak_rss", "value": round(max(xlsx_rss)), "unit": "MB", "baseline": 0}
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000, help="persons in the CSV")
    parser.add_argument("--xlsx-rows", type=int, default=200_000, help="persons in the XLSX")
    parser.add_argument(
        "--pairs", type=int, default=2, help="XLSX/CSV pairs, alternating which goes first (2: one of each order)"
    )
    parser.add_argument(
        "--stream-bytes",
        type=int,
        default=None,
        help="INTAKE_XLSX_STREAM_BYTES for this run (0: every XLSX read streaming; default: the setting)",
    )
    parser.add_argument("--projects", action="store_true", help="also time the projects kind (general path)")
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("set DATABASE_URL to a PostgreSQL database (it is migrated and written to)")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    if options.stream_bytes is not None:
        settings.INTAKE_XLSX_STREAM_BYTES = options.stream_bytes
    from django.db import connection

    from counterpart.core.audit import Actor
    from counterpart.intake.services import import_file
    from counterpart.people.models import Person
    from counterpart.registry.models import Area
    from counterpart.registry.services import AreaRow, program_create

    call_command("migrate", verbosity=0)
    actor = Actor.system("bench")
    # Persons refer to households already registered: a household per four persons (setup, not timed).
    households = max(1, (options.rows + 2 * options.pairs * options.xlsx_rows) // 4)
    if Person.objects.exists():
        sys.exit("the database already holds persons: use a fresh database")
    started = time.perf_counter()
    villages_and_households_register(actor, households, [AreaRow("37", "山东省"), AreaRow("3702", "青岛市")])
    print(f"setup: {households} households in {time.perf_counter() - started:.1f} s")
    results = []
    table = []
    with tempfile.TemporaryDirectory() as directory:
        csv_path = Path(directory) / "persons.csv"
        write_persons_csv(csv_path, options.rows, households)
        baseline = copy_seconds(connection, csv_path, ", ".join(f"c{i} text" for i in range(len(PERSON_HEADER))))
        rss_before = peak_rss_mb()
        start = time.perf_counter()
        result = import_file(actor=actor, path=csv_path, kind="persons", chunk_size=50_000)
        seconds = time.perf_counter() - start
        assert result.ok and result.batch.rows_new == options.rows, result.errors[:3]
        copy_rate, rate = options.rows / baseline, options.rows / seconds
        final_seconds, final_rows = copy_final_seconds(connection, Path(directory))
        assert final_rows == options.rows
        final_rate = options.rows / final_seconds
        table.append(("raw COPY of the CSV (baseline)", options.rows, baseline, copy_rate, 1.0, None))
        table.append(("import persons CSV (import_file)", options.rows, seconds, rate, rate / copy_rate, peak_rss_mb()))
        table.append(("COPY of the final rows, indexed (b2)", options.rows, final_seconds, final_rate, 1.0, None))
        table.append(("import persons CSV vs b2", options.rows, seconds, rate, rate / final_rate, None))
        results.append(
            {
                "name": f"intake_csv_persons_{options.rows}_rows_per_s",
                "value": round(rate),
                "unit": "rows/s",
                "baseline": round(copy_rate),
                "ratio": round(rate / copy_rate, 3),
            }
        )
        results.append(
            {
                "name": f"intake_csv_persons_{options.rows}_vs_indexed_copy_rows_per_s",
                "value": round(rate),
                "unit": "rows/s",
                "baseline": round(final_rate),
                "ratio": round(rate / final_rate, 3),
            }
        )
        results.append(
            {
                "name": f"intake_csv_persons_{options.rows}_peak_rss",
                "value": peak_rss_mb(),
                "unit": "MB",
                "baseline": rss_before,
            }
        )
        csv_path.unlink()
        if options.xlsx_rows:
            # Not timed: settle the table the CSV import just wrote, so that autovacuum's pass over it
            # does not land on the first XLSX import and spare the CSV baseline that follows it.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE people_person")
                cursor.execute("VACUUM ANALYZE people_household")
            xlsx_pairs(options, Path(directory), actor, households, table, results)
        if options.projects:
            slug = f"bench-{int(time.time())}"
            program_create(
                actor=actor, slug=slug, name_zh="基准", donor_area=Area.objects.get(code="3702"), start_year=1996
            )
            projects_path = Path(directory) / "projects.csv"
            write_csv(projects_path, slug, options.rows)
            baseline = copy_seconds(
                connection,
                projects_path,
                "program text, code text, title_zh text, category text, recipient_area text, year integer, "
                "budget numeric",
            )
            start = time.perf_counter()
            result = import_file(actor=actor, path=projects_path, kind="projects", chunk_size=20000)
            seconds = time.perf_counter() - start
            assert result.ok and result.batch.rows_new == options.rows, result.errors[:3]
            copy_rate, rate = options.rows / baseline, options.rows / seconds
            table.append(("raw COPY of projects CSV (baseline)", options.rows, baseline, copy_rate, 1.0, None))
            table.append(("import projects CSV", options.rows, seconds, rate, rate / copy_rate, peak_rss_mb()))
            results.append(
                {
                    "name": f"intake_csv_projects_{options.rows}_rows_per_s",
                    "value": round(rate),
                    "unit": "rows/s",
                    "baseline": round(copy_rate),
                    "ratio": round(rate / copy_rate, 3),
                }
            )
    print(f"on {connection.vendor}; machine: {os.cpu_count()} cores")
    print("ratio: to the baseline above the row; b2 = COPY of the imported (encrypted) rows into LIKE people_person")
    print(f"{'step':36} {'rows':>9} {'seconds':>8} {'rows/s':>9} {'ratio':>6} {'peak RSS MB':>12}")
    for name, rows, seconds, rate, ratio, rss in table:
        print(
            f"{name:36} {rows:>9} {seconds:>8.2f} {rate:>9.0f} {ratio:>6.3f} {'' if rss is None else f'{rss:>12.0f}'}"
        )
    from common import record  # bench/common.py: merges into bench/results/latest.json

    for result in results:
        record(result["name"], result["value"], result["unit"], result["baseline"] or 0, result.get("ratio"))


if __name__ == "__main__":
    main()
