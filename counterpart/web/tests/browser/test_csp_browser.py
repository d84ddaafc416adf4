"""Under the Content-Security-Policy, in Chromium: the dashboard and its map, htmx, a form, the language
switch and Swagger UI work, and the browser reports 0 violations (docs/security.md).

Every violation is caught twice: the ``securitypolicyviolation`` event (listened to by a script
Playwright injects before the page's own, which the policy does not cover) and Chromium's console
message ("Refused to … because it violates the following Content Security Policy directive").
"""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from counterpart.core.audit import Actor
from counterpart.dashboard.boundaries import county_boundaries
from counterpart.people.duplicates import duplicate_refusal_record
from counterpart.people.identity import identity_compose
from counterpart.people.services import PersonRow, person_register
from counterpart.projects.models import Project
from counterpart.registry.models import Area
from counterpart.testing.browser import pick

from ..conftest import PASSWORD, World

pytestmark = pytest.mark.django_db(transaction=True)

LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", e =>
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || "")));
"""


def _watched(page: Page) -> list[str]:
    console: list[str] = []
    page.context.add_init_script(LISTEN)
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    return console


def _violations(page: Page, console: list[str]) -> list[str]:
    return list(page.evaluate("window.__violations || []")) + console


def test_dashboard_map_htmx_form_and_api_docs_work_with_no_violation(
    world: World, page: Page, sign_in: Callable[..., None], live_server: Any
) -> None:
    county_boundaries([])
    console = _watched(page)
    seen: list[str] = []

    # the program office's dashboard: every chart and the map drawn from static scripts
    sign_in(page, "program_office", PASSWORD)
    page.goto(f"/app/programs/{world.ours.slug}/2009/")
    page.wait_for_selector("#dashboard[data-charts-drawn]", state="attached", timeout=60_000)
    assert page.get_attribute("#dashboard", "data-charts-drawn") == "true"
    assert page.locator("#map canvas").count() == 1
    # each chart's tooltip, hovered (drawn on the canvas: HTML tooltips would write style attributes)
    for chart in page.locator("#dashboard .chart canvas").all():
        chart.hover()
        page.wait_for_timeout(200)
    seen += _violations(page, console)

    # htmx: the duplicate notices' filter swaps the table in place, without reloading the page
    person = person_register(
        actor=Actor.system("t"),
        row=PersonRow(name="李四", sex="female", area=Area.objects.get(code="520422"),
                  identity_number=identity_compose("520422", datetime.date(1975, 6, 7), 34)),
    )  # fmt: skip
    duplicate_refusal_record(Actor.system("county-prober"), person.identity_blind_index or "")
    page.goto("/app/people/duplicates/")
    expect(page.locator("#notices")).to_contain_text("county-prober")
    page.evaluate("window.__notReloaded = true")
    with page.expect_request(lambda r: "county=" in r.url and r.headers.get("hx-request") == "true"):
        page.select_option("#d-county", "520422")
    page.wait_for_url("**/app/people/duplicates/?county=520422", timeout=10_000)
    expect(page.locator("#notices")).to_contain_text("county-prober")
    assert page.evaluate("window.__notReloaded === true")
    seen += _violations(page, console)

    # a form: a county proposes a project (CSRF token, POST, redirect to the new record)
    page.context.clear_cookies()
    sign_in(page, "recipient_office", PASSWORD)
    page.goto("/app/projects/new/")
    page.get_by_label("协作项目").select_option(str(world.ours.pk))
    page.get_by_label("项目编号").fill("CSP-1")
    page.get_by_label("项目名称").fill("村组道路硬化")
    page.get_by_label("类别").select_option("village_road")
    pick(page, "recipient_area", "马官", "马官镇")
    page.get_by_label("年度").fill("2009")
    page.get_by_label("预算（元）").fill("80000")
    page.get_by_role("button", name="提交").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/app/projects/{Project.objects.get(code='CSP-1').pk}/")
    # and the language list switches on choosing (its script is a static file now)
    with page.expect_navigation():
        page.select_option("#language-select", "en")
    assert page.get_attribute("html", "lang") == "en"
    seen += _violations(page, console)

    # Swagger UI, from django-ninja's own static files
    page.goto("/api/docs")
    page.wait_for_selector(".swagger-ui .info", timeout=30_000)
    seen += _violations(page, console)

    assert seen == [], "\n".join(seen)
