"""IATI export of a synthetic program's activities vs serialising the same rows with lxml directly.

    DATABASE_URL=postgres://… counterpart synth --scale 0.1 --yes      # 100,000 projects
    DATABASE_URL=postgres://… python bench/iati_export_bench.py [--program SLUG] [--limit 100000]

The engine is ``iati_export_activities_write`` (every element built by its own builder from ORM
objects, the projects read in chunks with the prefetches of ``iati_projects_for_export``) streaming
to a sink that only counts the bytes. The baseline reads the same projects with their ledger
transactions in one hand-written SQL query (tuples, no model objects) through a server-side
cursor, and writes the same kinds of element with ``lxml.etree.SubElement``, one activity at a
time through ``lxml.etree.xmlfile`` to the same kind of sink: the floor for streaming an activity
file of that size from this database. One timed run each (a run takes minutes at 100,000
activities); the ratio engine / baseline is the figure to watch, with the bytes written and the
peak RSS beside it (both bounded: it should not grow with --limit).
"""

import argparse
import itertools
import time
from collections.abc import Iterator
from typing import Any

from common import django_setup, peak_rss_mib, print_table, record

# Each project with its ledger transactions (none: one row of NULLs), in export order.
ROWS_SQL = """
WITH p AS (
    SELECT p.id, p.code, p.title_zh, p.title_en, p.status, p.year, p.budget_fen, p.purpose_code,
           a.code AS area, a.name_zh, a.name_en
    FROM projects_project p JOIN registry_area a ON a.code = p.recipient_area_id
    WHERE p.program_id = %s ORDER BY p.year, p.code LIMIT %s
)
SELECT p.*, t.id, t.kind, t.date, t.source,
       (SELECT SUM(po.amount_fen) FROM funds_posting po WHERE po.transaction_id = t.id AND po.amount_fen > 0)
FROM p LEFT JOIN funds_ledgertransaction t ON t.project_id = p.id
ORDER BY p.year, p.code, t.date, t.id
"""
TRANSACTION_CODE = {"commitment": "2", "allocation": "2", "disbursement": "3", "expenditure": "4"}
STATUS_CODE = {"proposed": "1", "approved": "1", "under_construction": "2", "completed": "3", "accepted": "4"}


class CountingSink:
    """A binary stream that keeps only the number of bytes written, so no disk is measured."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        return len(data)


def lxml_direct(program_id: int, ref: str, slug: str, limit: int) -> tuple[int, int]:
    from django.db import connection
    from lxml import etree

    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"

    def narratives(parent: etree._Element, tag: str, zh: str, en: str) -> None:
        element = etree.SubElement(parent, tag)
        etree.SubElement(element, "narrative").text = zh
        if en:
            etree.SubElement(element, "narrative", **{xml_lang: "en"}).text = en

    def rows(cursor: Any) -> Iterator[tuple]:
        return itertools.chain.from_iterable(iter(lambda: cursor.fetchmany(2000), []))

    sink = CountingSink()
    count = 0
    with connection.chunked_cursor() as cursor, etree.xmlfile(sink, encoding="UTF-8") as document:
        cursor.execute(ROWS_SQL, [program_id, limit])
        document.write_declaration()
        with document.element("iati-activities", version="2.03"):
            for project, transactions in itertools.groupby(rows(cursor), key=lambda row: row[:11]):
                _pid, code, title_zh, title_en, status, year, budget_fen, purpose, area, area_zh, area_en = project
                identifier = f"{ref}-{slug}-{code}"
                activity = etree.Element("iati-activity", **{xml_lang: "zh", "default-currency": "CNY"})
                etree.SubElement(activity, "iati-identifier").text = identifier
                org = etree.SubElement(activity, "reporting-org", ref=ref, type="10")
                etree.SubElement(org, "narrative").text = "合成"
                narratives(activity, "title", title_zh, title_en)
                narratives(activity, "description", title_zh, f"{title_en} in {area_en}")
                etree.SubElement(activity, "other-identifier", ref=code, type="A1")
                etree.SubElement(activity, "activity-status", code=STATUS_CODE.get(status, "2"))
                etree.SubElement(activity, "activity-date", type="1", **{"iso-date": f"{year}-01-01"})
                etree.SubElement(activity, "recipient-country", code="CN", percentage="100")
                location = etree.SubElement(activity, "location", ref=f"CN-GBT2260-{area}")
                narratives(location, "name", area_zh, area_en)
                etree.SubElement(activity, "sector", vocabulary="1", code=purpose, percentage="100")
                budget = etree.SubElement(activity, "budget", type="1", status="2")
                etree.SubElement(budget, "period-start", **{"iso-date": f"{year}-01-01"})
                etree.SubElement(budget, "period-end", **{"iso-date": f"{year}-12-31"})
                etree.SubElement(
                    budget, "value", currency="CNY", **{"value-date": f"{year}-01-01"}
                ).text = f"{budget_fen / 100:.2f}"
                for *_project, tid, kind, date, source, fen in transactions:
                    if tid is None:
                        continue
                    element = etree.SubElement(activity, "transaction", ref=f"{identifier}-L{tid}")
                    etree.SubElement(element, "transaction-type", code=TRANSACTION_CODE.get(kind, "3"))
                    etree.SubElement(element, "transaction-date", **{"iso-date": date.isoformat()})
                    value = etree.SubElement(element, "value", currency="CNY", **{"value-date": date.isoformat()})
                    value.text = f"{(fen or 0) / 100:.2f}"
                    narratives(element, "provider-org", source, "")
                document.write(activity, pretty_print=True)
                count += 1
    return count, sink.size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--program", default=None)
    parser.add_argument("--limit", type=int, default=100_000, help="activities (the first N projects)")
    args = parser.parse_args()
    django_setup()
    from counterpart.iati import selectors
    from counterpart.iati.exporter import iati_export_activities_write
    from counterpart.registry.models import Program

    program = (
        Program.objects.get(slug=args.program)
        if args.program
        else Program.objects.filter(slug__startswith="synth-").order_by("-id").first()
    )
    if program is None:
        raise SystemExit("no synthetic program: run `counterpart synth --scale 0.1` first")
    publisher = selectors.iati_publisher_for(program)
    total = program.projects.count()
    if total > args.limit:
        # Export the first N projects only: the engine's own selector, limited (the years are ordered).
        original = selectors.iati_projects_for_export
        selectors.iati_projects_for_export = lambda p, year=None: original(p, year)[: args.limit]  # type: ignore[assignment]
        import counterpart.iati.exporter as exporter

        exporter.iati_projects_for_export = selectors.iati_projects_for_export  # type: ignore[attr-defined]
    print(f"program {program.slug}: exporting {min(total, args.limit):,} of {total:,} projects")

    started = time.perf_counter()
    count, size = lxml_direct(program.pk, publisher.organisation_ref, program.slug, args.limit)
    baseline = time.perf_counter() - started
    rss_after_baseline = peak_rss_mib()
    started = time.perf_counter()
    sink = CountingSink()
    written = iati_export_activities_write(program, sink)
    engine = time.perf_counter() - started
    print(f"engine: {written.count:,} activities, {sink.size / 2**20:.0f} MiB in {engine:.1f} s")
    print(f"lxml direct: {count:,} activities, {size / 2**20:.0f} MiB in {baseline:.1f} s")
    print(f"peak RSS after the baseline {rss_after_baseline:.0f} MiB, after the engine {peak_rss_mib():.0f} MiB")
    rows = [record(f"iati_export_{written.count}_activities_vs_lxml_direct", engine, "s", baseline)]
    print_table(rows)


if __name__ == "__main__":
    main()
