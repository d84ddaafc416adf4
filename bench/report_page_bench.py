"""The annual report page's server time on the demo, against the JSON report of the same year.

    .venv/bin/python bench/report_page_bench.py [--year 2009] [--repeat 7] [--data-dir DIR]

Loads the demo (idempotent) into the database DATABASE_URL names (else the SQLite file of a data
directory: a temporary one, or ``--data-dir`` to keep it between runs), then asks the server — the
whole Django stack through the test client: middleware, view, template — for

- the page:  GET /programs/qingdao-guizhou/report/<year>/             (HTML: the headline and the program
  section; the areas and pairings load when opened)
- baseline:  GET /programs/qingdao-guizhou/report/<year>/?format=json  (the same report as JSON, every section)

and one opened section (``?section=area:<code>``) for context. Prints the medians and the ratio
page/JSON and records them (report_page_html_vs_json). The goal is a page under 300 ms on the demo.
Not part of the test suite or CI.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import django_setup, median_seconds, print_table, record

PROGRAM = "qingdao-guizhou"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=2009)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--data-dir", default="", help="keep the demo's SQLite file here between runs")
    options = parser.parse_args()
    os.environ.setdefault("COUNTERPART_DATA_DIR", options.data_dir or tempfile.mkdtemp(prefix="report_page_bench_"))
    django_setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0)
    client = Client()
    page = f"/programs/{PROGRAM}/report/{options.year}/"

    def get(path: str) -> bytes:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response.content

    html = get(page).decode()
    section = html.split('data-section="', 1)[1].split('"', 1)[0] if 'data-section="' in html else ""
    html_s = median_seconds(lambda: get(page), repeat=options.repeat)
    json_s = median_seconds(lambda: get(page + "?format=json"), repeat=options.repeat)
    rows = [
        record("report_page_html_vs_json", html_s * 1000, "ms", json_s * 1000),
        record("report_page_html_demo", html_s * 1000, "ms", None),
    ]
    if section:
        section_s = median_seconds(lambda: get(f"{page}?section={section}"), repeat=options.repeat)
        rows.append(record("report_page_one_section_demo", section_s * 1000, "ms", None))
    print(f"report page {html_s * 1000:.0f} ms, JSON report {json_s * 1000:.0f} ms, ratio {html_s / json_s:.3f}")
    print(f"goal: the page under 300 ms on the demo — {'met' if html_s < 0.3 else 'NOT met'}")
    print_table(rows)


if __name__ == "__main__":
    main()
