"""In Chromium, with the demo's accounts (issue 18): the program office reverses a ledger entry from its
page; 普定县 completes a village's last component and the report's villages_advanced rises by one; 普定县
records a household's return to poverty with its cause."""

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from counterpart.core.audit import Actor
from counterpart.demo.accounts import demo_accounts_ensure
from counterpart.demo.loader import demo_load
from counterpart.funds.models import FundSource
from counterpart.funds.services import ledger_commit
from counterpart.people.models import Household, HouseholdStatus
from counterpart.projects.models import ComponentStatus, VillageAdvancement
from counterpart.projects.villages import village_advancement_start, village_component_update
from counterpart.registry.models import Area, AreaLevel, Pairing
from counterpart.registry.services import AreaRow, areas_upsert

pytestmark = pytest.mark.django_db(transaction=True)

SYSTEM = Actor.system("test")
YEAR = 2012


def _page(browser: Browser, live_server: Any) -> Page:
    return browser.new_context(base_url=live_server.url, locale="zh-CN").new_page()


def _villages_advanced(page: Page, slug: str) -> int:
    response = page.request.get(f"/programs/{slug}/report/{YEAR}/?format=json")
    assert response.status == 200
    figure = response.json()["indicators"].get("villages_advanced")  # a figure of none is left out
    return int(figure["value"]) if figure else 0


def test_a_reversal_a_village_advanced_and_a_household_status_through_the_pages(
    browser: Browser, live_server: Any, tmp_path: Path, sign_in: Callable[[Page, str, str], None]
) -> None:
    program = demo_load().program
    passwords = {account.username: password for account, password in demo_accounts_ensure(tmp_path / "login.txt")}
    puding = Area.objects.get(code="520422")
    pairing = Pairing.objects.filter(program=program, recipient_area=puding).first()

    # --- the program office reverses an entry from the ledger's page ---
    entry = ledger_commit(
        actor=SYSTEM,
        program=program,
        date=datetime.date(YEAR, 3, 1),
        source=FundSource.SOCIAL,
        amount_fen=12_345_00,
        pairing=pairing,
        recipient_area=puding,
        description="BR-待冲销的承诺",
    )
    office = _page(browser, live_server)
    sign_in(office, "office", passwords["office"])
    office.goto("/app/funds/?q=BR-待冲销")
    office.get_by_role("link", name=str(entry.pk), exact=True).click()
    office.get_by_label("冲销日期").fill(f"{YEAR}-03-05")
    office.get_by_label("冲销原因").fill("金额录错，重新录入")
    office.get_by_role("button", name="冲销本交易").click()
    main = office.locator("main")
    expect(main).to_contain_text("本交易冲销了")
    expect(main).to_contain_text("金额录错，重新录入")
    main.get_by_role("link", name=f"(#{entry.pk})").click()
    expect(office.locator("main")).to_contain_text("本交易已被冲销")
    expect(office.get_by_role("button", name="冲销本交易")).to_have_count(0)

    # --- 普定县 completes a village's last component; the report counts the village that year ---
    township = Area.objects.filter(level=AreaLevel.TOWNSHIP, code__startswith="520422").order_by("code").first()
    assert township is not None
    code = f"{township.code}299"
    areas_upsert(actor=SYSTEM, rows=[AreaRow(code, "浏览器测试村", is_poverty_village=True)], source="test")
    village = Area.objects.get(code=code)
    assert village.level == AreaLevel.VILLAGE
    advancement = village_advancement_start(
        actor=SYSTEM, program=program, village=village, start_year=2010, pairing=pairing
    )
    components = list(advancement.components.order_by("component"))
    for component in components[:-1]:
        village_component_update(
            actor=SYSTEM,
            advancement=advancement,
            component=component.component,
            status=ComponentStatus.COMPLETE,
            completed_on=datetime.date(YEAR - 1, 6, 1),
            evidence="验收报告",
        )
    last = components[-1].component
    county = _page(browser, live_server)
    sign_in(county, "county-puding", passwords["county-puding"])
    before = _villages_advanced(county, program.slug)
    county.goto(f"/app/villages/{advancement.pk}/")
    expect(county.locator("main")).to_contain_text("尚未完成全部五项内容")
    row = county.locator(f"#component-{last}")
    row.locator("select").select_option(ComponentStatus.COMPLETE)
    row.locator("input[type=date]").fill(f"{YEAR}-04-20")
    row.locator("input[name=evidence]").fill("竣工照片")
    row.get_by_role("button", name="保存").click()
    expect(county.locator("main")).to_contain_text(f"本村计为 {YEAR} 年完成整村推进")
    expect(county.locator(f"#component-{last}")).to_contain_text("竣工照片")
    assert _villages_advanced(county, program.slug) == before + 1
    assert VillageAdvancement.objects.filter(pk=advancement.pk).exists()

    # --- 普定县 records a household's return to poverty, with its cause ---
    household = Household.objects.filter(county_code="520422").order_by("number").first()
    assert household is not None
    county.goto(f"/app/households/{household.pk}/")
    county.get_by_label("年度").fill(str(YEAR))
    county.get_by_role("combobox", name="贫困状态").select_option("returned")
    county.get_by_label("原因（返贫须填写）").fill("因病返贫")
    county.get_by_role("button", name="记录贫困状态").click()
    expect(county.locator("ul.statuses")).to_contain_text(f"{YEAR}: ")
    expect(county.locator("ul.statuses")).to_contain_text("因病返贫")
    record = HouseholdStatus.objects.get(household=household, year=YEAR)
    assert (record.status, record.reason) == ("returned", "因病返贫")
