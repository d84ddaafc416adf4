"""Intake benchmark: full-validation imports against a bare baseline measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cp_intake_bench \
        .venv/bin/python bench/intake_bench.py [--rows 1000000] [--xlsx-rows 200000]

1. CSV → PostgreSQL: N project rows imported by ``intake.services.import_file`` (kind ``projects``:
   every cell typed, every row checked by ``project_check``, natural keys matched, rows written by
   ``projects_propose_bulk`` with their lifecycle step and audit) against a raw ``COPY`` of the
   same CSV into an unconstrained table of the same columns.
2. XLSX: M project rows imported the same way against python-calamine's bare parse of the file.

Prints a table (time, rows/s, ratio, peak RSS) and appends the figures to bench/results/latest.json.
The persons kind (the real million-row case) arrives with the people app; projects is the stand-in.
"""

import argparse
import csv
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=200_000)
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("set DATABASE_URL to a PostgreSQL database (it is migrated and written to)")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from python_calamine import CalamineWorkbook

    from counterpart.core.audit import Actor
    from counterpart.intake.services import import_file
    from counterpart.registry.models import Area
    from counterpart.registry.services import AreaRow, areas_upsert, program_create

    call_command("migrate", verbosity=0)
    actor = Actor.system("bench")
    areas_upsert(
        actor,
        [
            AreaRow("37", "山东省"),
            AreaRow("3702", "青岛市"),
            AreaRow("52", "贵州省"),
            AreaRow("5204", "安顺市"),
            AreaRow("520422", "普定县"),
        ],
        source="bench",
    )
    slug = f"bench-{int(time.time())}"
    program_create(actor, slug=slug, name_zh="基准", donor_area=Area.objects.get(code="3702"), start_year=1996)
    results = []
    table = []
    with tempfile.TemporaryDirectory() as directory:
        csv_path = Path(directory) / "projects.csv"
        write_csv(csv_path, slug, options.rows)
        # Baseline: raw COPY of the same CSV into an unconstrained table of the same columns.
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS intake_bench_copy")
            cursor.execute(
                "CREATE TABLE intake_bench_copy (program text, code text, title_zh text, category text, "
                "recipient_area text, year integer, budget numeric)"
            )
            start = time.perf_counter()
            with (
                cursor.copy("COPY intake_bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
                csv_path.open("rb") as source,
            ):
                while block := source.read(1 << 20):
                    copy.write(block)
            copy_seconds = time.perf_counter() - start
            cursor.execute("DROP TABLE intake_bench_copy")
        start = time.perf_counter()
        result = import_file(actor, csv_path, kind="projects", chunk_size=20000)
        import_seconds = time.perf_counter() - start
        assert result.ok and result.batch.rows_new == options.rows, result.errors[:3]
        rss_csv = peak_rss_mb()
        copy_rate, import_rate = options.rows / copy_seconds, options.rows / import_seconds
        table.append(("raw COPY (baseline)", options.rows, copy_seconds, copy_rate, 1.0, None))
        table.append(
            ("import projects CSV", options.rows, import_seconds, import_rate, import_rate / copy_rate, rss_csv)
        )
        results.append(
            {
                "name": f"intake_csv_projects_{options.rows}_rows_per_s",
                "value": round(import_rate),
                "unit": "rows/s",
                "baseline": round(copy_rate),
                "ratio": round(import_rate / copy_rate, 3),
            }
        )

        xlsx_path = Path(directory) / "projects.xlsx"
        write_xlsx(xlsx_path, slug, options.xlsx_rows)
        start = time.perf_counter()
        workbook = CalamineWorkbook.from_path(str(xlsx_path))
        parsed = sum(1 for _row in workbook.get_sheet_by_name("projects").iter_rows()) - 1
        workbook.close()
        parse_seconds = time.perf_counter() - start
        assert parsed == options.xlsx_rows
        start = time.perf_counter()
        result = import_file(actor, xlsx_path, kind="projects", chunk_size=20000)
        xlsx_seconds = time.perf_counter() - start
        assert result.ok and result.batch.rows_new == options.xlsx_rows, result.errors[:3]
        parse_rate, xlsx_rate = options.xlsx_rows / parse_seconds, options.xlsx_rows / xlsx_seconds
        table.append(("calamine bare parse (baseline)", options.xlsx_rows, parse_seconds, parse_rate, 1.0, None))
        table.append(
            ("import projects XLSX", options.xlsx_rows, xlsx_seconds, xlsx_rate, xlsx_rate / parse_rate, peak_rss_mb())
        )
        results.append(
            {
                "name": f"intake_xlsx_projects_{options.xlsx_rows}_rows_per_s",
                "value": round(xlsx_rate),
                "unit": "rows/s",
                "baseline": round(parse_rate),
                "ratio": round(xlsx_rate / parse_rate, 3),
            }
        )
    results.append(
        {"name": "intake_peak_rss", "value": round(peak_rss_mb()), "unit": "MB", "baseline": None, "ratio": None}
    )
    print(f"kind used: projects (full validation) on {connection.vendor}; machine: {os.cpu_count()} cores")
    print(f"{'step':34} {'rows':>9} {'seconds':>8} {'rows/s':>9} {'ratio':>6} {'peak RSS MB':>12}")
    for name, rows, seconds, rate, ratio, rss in table:
        print(
            f"{name:34} {rows:>9} {seconds:>8.2f} {rate:>9.0f} {ratio:>6.3f} {'' if rss is None else f'{rss:>12.0f}'}"
        )
    latest = ROOT / "bench" / "results" / "latest.json"
    existing = json.loads(latest.read_text()) if latest.exists() else []
    latest.write_text(json.dumps([*existing, *results], ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
