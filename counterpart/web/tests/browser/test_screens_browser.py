"""The pages a county office would choose over its spreadsheets, as they look: the dashboard, the report,
the import page and the project list at 1440×900 and on a 390×844 phone, in Chinese and in English, and a
county office's dashboard with its county among the prefecture's and its townships beside the map.

Screenshots ``screens-<page>-<size>-<language>.png`` under $COUNTERPART_ARTEFACTS_DIR/screenshots (not
committed), for a reader to look at."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, Page, expect

from counterpart.access.models import Membership, Role
from counterpart.dashboard.boundaries import county_boundaries
from counterpart.registry.models import Area

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "pw-123456"
YEAR = 2009
SIZES = {"desktop": (1440, 900), "phone": (390, 844)}
HEADINGS = {"zh-hans": "主要指标", "en": "Headline figures"}


@pytest.fixture
def demo(live_server: Any) -> Iterator[Any]:
    from counterpart.demo.loader import demo_load

    program = demo_load().program
    county_boundaries([])
    users = get_user_model().objects
    office = users.create_user("office", password=PASSWORD)
    Membership.objects.create(user=office, role=Role.PROGRAM_OFFICE, program=program)
    county = users.create_user("county", password=PASSWORD)
    Membership.objects.create(user=county, role=Role.RECIPIENT_OFFICE, area=Area.objects.get(code="520402"))
    yield program


def _page(browser: Browser, live_server: Any, size: str, language: str, username: str, sign_in: Any) -> Page:
    width, height = SIZES[size]
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": width, "height": height},
        is_mobile=size == "phone",
    )
    page = context.new_page()
    sign_in(page, username, PASSWORD)
    # the user's choice of language, remembered as the language menu remembers it
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    return page


def _drawn(page: Page) -> None:
    page.wait_for_selector("#dashboard[data-charts-drawn]", state="attached", timeout=60_000)
    assert page.get_attribute("#dashboard", "data-charts-drawn") == "true"


def _fits(page: Page) -> None:
    viewport = page.viewport_size
    assert viewport is not None
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_main_pages_at_both_sizes_in_one_language(
    demo: Any, browser: Browser, live_server: Any, sign_in, screenshot, language: str
) -> None:
    slug = demo.slug
    short = "zh" if language == "zh-hans" else "en"
    for size in SIZES:
        office = _page(browser, live_server, size, language, "office", sign_in)
        office.goto(f"/app/programs/{slug}/{YEAR}/")
        _drawn(office)
        assert office.get_attribute("html", "lang") == language
        expect(office.get_by_role("heading", name=HEADINGS[language])).to_be_visible()
        _fits(office)
        screenshot(office, f"screens-dashboard-{size}-{short}")

        office.goto(f"/programs/{slug}/report/{YEAR}/")
        expect(office.locator("#headline")).to_contain_text("1640万元" if short == "zh" else "16.4 million yuan")
        _fits(office)
        screenshot(office, f"screens-report-{size}-{short}")

        office.goto("/app/imports/")
        expect(office.locator("h1")).to_be_visible()
        _fits(office)
        screenshot(office, f"screens-imports-{size}-{short}")

        office.goto(f"/app/projects/?program={slug}&year={YEAR}")
        expect(office.locator("table.cards tbody tr").first).to_contain_text("万元" if short == "zh" else "yuan")
        _fits(office)
        screenshot(office, f"screens-projects-{size}-{short}")

        # a county office's map: its county among the prefecture's counties, its townships beside it
        county = _page(browser, live_server, size, language, "county", sign_in)
        county.goto(f"/app/programs/{slug}/{YEAR}/")
        _drawn(county)
        side = county.locator("#map-side")
        expect(side).to_be_visible()
        expect(side.locator("table tbody tr").first).to_be_attached()
        assert side.locator("table tbody tr").count() >= 2  # more than one township
        expect(county.locator(".map-note").first).to_be_visible()
        _fits(county)
        county.locator("#map-panel").scroll_into_view_if_needed()
        screenshot(county, f"screens-county-dashboard-{size}-{short}")
        office.context.close()
        county.context.close()
