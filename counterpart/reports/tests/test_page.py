"""The report page: a headline, a table of contents, sections collapsed and computed when opened."""

import re

from django.test import Client

REPORT = "/programs/qingdao-guizhou/report/2009/"


def test_the_page_opens_with_the_headline_and_a_table_of_contents(demo_program) -> None:
    html = Client().get(REPORT).content.decode()
    # the headline figures in the yearbooks' style
    headline = html.split('id="headline"', 1)[1].split("</section>", 1)[0]
    assert "1640万元" in headline and "5万余人" in headline and "登记记录 2040人" in headline
    # the contents name the program, every area, every pairing, the warnings and the narrative
    toc = html.split('class="toc"', 1)[1].split("</nav>", 1)[0]
    for anchor in ("#program", "#areas", "#area:520402", "#pairings", "#warnings", "#narrative"):
        assert f'href="{anchor}' in toc, anchor
    # every section beyond the headline is collapsed
    assert re.findall(r"<details[^>]*\sopen", html) == []
    # the areas and pairings are not computed until opened
    assert html.count('data-section="area:') == 14 and 'data-section="pairing:' in html


def test_a_section_is_computed_when_asked_for(demo_program) -> None:
    client = Client()
    fragment = client.get(REPORT + "?section=area:520402", headers={"X-Requested-With": "fetch"})
    assert fragment.status_code == 200
    text = fragment.content.decode()
    assert "<html" not in text and "report-table" in text
    # without the script, the same link is a page of its own
    page = client.get(REPORT + "?section=area:520402").content.decode()
    assert "<html" in page and "西秀区" in page
    assert client.get(REPORT + "?section=area:999999").status_code == 404
    # the program's table, with the previous year, and its warnings, each when opened
    program = client.get(REPORT + "?section=program", headers={"X-Requested-With": "fetch"}).content.decode()
    assert "1640万元" in program and "report-table" in program
    warnings = client.get(REPORT + "?section=warnings", headers={"X-Requested-With": "fetch"}).content.decode()
    assert "登记记录" in warnings and "2040人" in warnings


def test_the_english_page_writes_thousands_and_millions(demo_program) -> None:
    client = Client()
    client.cookies["django_language"] = "en"
    html = client.get(REPORT, headers={"Accept-Language": "en"}).content.decode()
    headline = html.split('id="headline"', 1)[1].split("</section>", 1)[0]
    assert "16.4 million yuan" in headline and "more than 50,000 persons" in headline
    assert "万" not in headline and "亿" not in headline
