"""Recording a project's beneficiary in Chromium, as the demo's 西秀区 office does it: it opens one of its
projects, picks a household in the search picker by typing the start of the head's name, records it and
sees it listed on the project's page; recording it again is refused beside the picker as a duplicate.
In Chinese and English, at 1440×900 and on a 390×844 phone.

Screenshots ``beneficiary-<step>-<size>-<language>.png`` under $COUNTERPART_ARTEFACTS_DIR/screenshots
(not committed)."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from counterpart.demo.accounts import demo_accounts_ensure
from counterpart.demo.loader import demo_load
from counterpart.people.models import Benefit, Household
from counterpart.projects.models import Project

pytestmark = pytest.mark.django_db(transaction=True)
SIZES = {"desktop": (1440, 900), "phone": (390, 844)}
COUNTY = "520402"  # 西秀区, the demo's county-xixiu
WORDS = {
    "zh-hans": {"recorded": "已记录。本项目惠及", "duplicate": "该户已记录为本项目的受益户"},
    "en": {"recorded": "Recorded. This project reached", "duplicate": "This household is already recorded"},
}


def _project_and_household() -> tuple[Project, Household]:
    """A project in the county, and a household of the county it has not reached (the demo's village
    projects reach their villages' households already), whose head's name has three characters: the two
    typed are part of it."""
    households = Household.objects.filter(county_code=COUNTY, head__isnull=False).select_related("head")
    for project in Project.objects.filter(recipient_area__code__startswith=COUNTY).order_by("code"):
        reached = Benefit.objects.filter(project=project, household__isnull=False).values("household_id")
        for household in households.exclude(pk__in=reached).order_by("number"):
            if household.head is not None and len(household.head.name) == 3:
                return project, household
    raise AssertionError("the demo has no household of the county left to record")


def _pick(page: Page, typed: str, choice: str) -> None:
    """Choose in the search picker: open it, type part of a name, click the match."""
    page.locator("#id_household + .select2").click()
    page.locator(".select2-container--open .select2-search__field").press_sequentially(typed)
    page.locator(".select2-results__option", has_text=choice).first.click()


def _fits(page: Page) -> None:
    viewport = page.viewport_size
    assert viewport is not None
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_county_records_a_household_picked_by_the_heads_name(
    browser: Browser,
    live_server: Any,
    tmp_path: Path,
    sign_in: Callable[[Page, str, str], None],
    screenshot: Callable[[Page, str], Path],
    language: str,
    size: str,
) -> None:
    # given the demo and its 西秀区 office, in its language
    demo_load()
    passwords = {account.username: password for account, password in demo_accounts_ensure(tmp_path / "login.txt")}
    project, household = _project_and_household()
    head = household.head
    assert head is not None
    width, height = SIZES[size]
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": height}, is_mobile=size == "phone"
    )
    page = context.new_page()
    sign_in(page, "county-xixiu", passwords["county-xixiu"])
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    short = "zh" if language == "zh-hans" else "en"
    words = WORDS[language]

    # when it opens the project and picks the household by typing the start of its head's name
    page.goto(f"/app/projects/{project.pk}/")
    assert page.get_attribute("html", "lang") == language
    page.locator("#record-beneficiary").scroll_into_view_if_needed()
    _pick(page, head.name[:2], household.number)
    chosen = page.locator("#id_household + .select2 .select2-selection__rendered")
    expect(chosen).to_contain_text(head.name)
    expect(chosen).to_contain_text(household.number)
    page.locator("#id_date").fill("2009-10-01")
    _fits(page)
    screenshot(page, f"beneficiary-1-picked-{size}-{short}")
    page.locator("#record-beneficiary button[type=submit]").click()
    page.wait_for_load_state("networkidle")

    # then the project's page says so and lists the household by its head's name
    expect(page.locator(".messages")).to_contain_text(words["recorded"])
    listed = page.locator("#reached-households")
    expect(listed).to_contain_text(household.number)
    expect(listed.locator("tr", has_text=household.number)).to_contain_text(head.name)
    assert Benefit.objects.filter(project=project, household=household).count() == household.members.count()
    _fits(page)
    listed.scroll_into_view_if_needed()
    screenshot(page, f"beneficiary-2-listed-{size}-{short}")

    # and recording it again is refused beside the picker, the household still chosen
    page.locator("#record-beneficiary").scroll_into_view_if_needed()
    _pick(page, head.name[:2], household.number)
    page.locator("#id_date").fill("2009-11-01")
    page.locator("#record-beneficiary button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#id_household-error")).to_contain_text(words["duplicate"])
    expect(page.locator("#id_household + .select2 .select2-selection__rendered")).to_contain_text(household.number)
    assert page.locator("#id_date").input_value() == "2009-11-01"
    _fits(page)
    screenshot(page, f"beneficiary-3-duplicate-{size}-{short}")
    context.close()
