"""Figures that reconcile, in Chromium on the demo: "财政援助资金" on the dashboard opens a list whose
total is 1640万元; the dashboard, the report and the project list at 1440×900 and on a 390×844 phone
(screenshots ``figures-*.png`` under $COUNTERPART_ARTEFACTS_DIR/screenshots, not committed)."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, Page, expect

from counterpart.access.models import Membership, Role
from counterpart.dashboard.boundaries import county_boundaries

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "pw-123456"
YEAR = 2009


def _context(browser: Browser, live_server: Any, width: int, height: int, **extra: Any) -> Page:
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": height}, **extra
    )
    return context.new_page()


@pytest.fixture
def demo(live_server: Any) -> Iterator[Any]:
    from counterpart.demo.loader import demo_load

    program = demo_load().program
    county_boundaries([])
    user = get_user_model().objects.create_user("office", password=PASSWORD)
    Membership.objects.create(user=user, role=Role.PROGRAM_OFFICE, program=program)
    yield program


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size
    assert viewport is not None and width <= viewport["width"] + 1, width


def test_fiscal_aid_opens_a_list_whose_total_is_the_figure_on_both_sizes(
    demo: Any, browser: Browser, live_server: Any, sign_in, screenshot
) -> None:
    slug = demo.slug
    desktop = _context(browser, live_server, 1440, 900)
    sign_in(desktop, "office", PASSWORD)

    # the dashboard: every chart drawn, the figure written as the yearbooks write it
    desktop.goto(f"/app/programs/{slug}/{YEAR}/")
    desktop.wait_for_selector("#dashboard[data-charts-drawn]", state="attached", timeout=60_000)
    assert desktop.get_attribute("#dashboard", "data-charts-drawn") == "true"
    figure = desktop.locator(".figure", has_text="财政援助资金").first
    expect(figure.locator(".figure-value")).to_have_text("1640万元")
    screenshot(desktop, "figures-dashboard-desktop")

    # when the figure is followed, the list holds exactly its records and says their total
    figure.get_by_role("link").click()
    desktop.wait_for_load_state("networkidle")
    assert "/app/funds/" in desktop.url and "figure=fiscal_aid" in desktop.url
    expect(desktop.locator(".figure-total")).to_contain_text("1640万元")
    screenshot(desktop, "figures-fiscal-aid-list-desktop")

    # the report: the headline, the contents, sections that open (an area's computed when opened)
    desktop.goto(f"/programs/{slug}/report/{YEAR}/")
    expect(desktop.locator("#headline")).to_contain_text("1640万元")
    expect(desktop.locator("#headline")).to_contain_text("5万余人")
    area = desktop.locator("details[id='area:520402']")
    area.locator("summary").click()
    expect(area.locator("table.report-table")).to_be_visible(timeout=30_000)
    screenshot(desktop, "figures-report-desktop")
    # the report's own figure opens the same list
    desktop.locator("#program summary").click()
    desktop.locator("#program a", has_text="1640万元").first.click()
    desktop.wait_for_load_state("networkidle")
    expect(desktop.locator(".figure-total")).to_contain_text("1640万元")

    # the project list: amounts in the portal's style
    desktop.goto(f"/app/projects/?program={slug}&year={YEAR}")
    expect(desktop.locator("table.cards tbody tr").first).to_contain_text("万元")
    screenshot(desktop, "figures-projects-desktop")

    # on a phone: the menu folded, no sideways scrolling, the list as cards, the map in its box
    phone = _context(browser, live_server, 390, 844, is_mobile=True)
    sign_in(phone, "office", PASSWORD)
    phone.goto(f"/app/programs/{slug}/{YEAR}/")
    phone.wait_for_selector("#dashboard[data-charts-drawn]", state="attached", timeout=60_000)
    expect(phone.locator("#site-nav")).to_be_hidden()
    toggle = phone.get_by_role("button", name="菜单")
    expect(toggle).to_be_visible()
    header_height = phone.evaluate("document.querySelector('header.site').getBoundingClientRect().height")
    assert header_height < 844 * 0.15, header_height
    _no_sideways_scroll(phone)
    screenshot(phone, "figures-dashboard-phone")
    toggle.click()
    expect(phone.locator("#site-nav")).to_be_visible()

    phone.locator(".figure", has_text="财政援助资金").first.get_by_role("link").click()
    phone.wait_for_load_state("networkidle")
    expect(phone.locator(".figure-total")).to_contain_text("1640万元")

    phone.goto(f"/programs/{slug}/report/{YEAR}/")
    _no_sideways_scroll(phone)
    screenshot(phone, "figures-report-phone")

    phone.goto(f"/app/projects/?program={slug}&year={YEAR}")
    _no_sideways_scroll(phone)
    first = phone.locator("table.cards tbody tr").first
    box = first.bounding_box()
    assert box is not None and box["width"] <= 390
    screenshot(phone, "figures-projects-phone")
