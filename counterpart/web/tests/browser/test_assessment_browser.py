"""The yearly assessment in Chromium, with the demo's accounts: the demo's assessment of 市南区 → 西秀区
waits at the recipient's step; 西秀区 disputes a figure, the program office submits, the reviewer
returns it saying why, 市南区 sees the reason and revises, 西秀区 confirms, the office submits again,
the reviewer cross-checks and finalises, and the page is locked with its scorecard to download.
The office also opens a new one from the list, which 市南区 then scores."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from counterpart.demo.accounts import demo_accounts_ensure
from counterpart.demo.loader import demo_load
from counterpart.indicators.models import Assessment, AssessmentStatus
from counterpart.registry.models import Pairing

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_assessment_goes_from_the_recipient_to_its_final_lock(
    browser: Browser,
    live_server: Any,
    tmp_path: Path,
    sign_in: Callable[[Page, str, str], None],
    screenshot: Callable[[Page, str], Path],
) -> None:
    demo_load()
    passwords = {account.username: password for account, password in demo_accounts_ensure(tmp_path / "login.txt")}
    assessment = Assessment.objects.get(pairing__recipient_area_id="520402", year=2009)
    assert assessment.status == AssessmentStatus.SELF_ASSESSED
    url = f"/app/assessments/{assessment.pk}/"
    pages: dict[str, Page] = {}

    def as_(username: str) -> Page:
        if username not in pages:
            context = browser.new_context(
                base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
            )
            pages[username] = context.new_page()
            sign_in(pages[username], username, passwords[username])
        page = pages[username]
        page.goto(url)
        return page

    # 西秀区 finds the assessment on its workbench, one click away
    county = as_("county-xixiu")
    county.goto("/app/")
    county.get_by_role("link", name="待您确认数据的考核").click()
    expect(county.locator("h1")).to_contain_text("2009")
    # it disputes the first figure: without a reason the error stands beside the field
    first = county.locator("#form-confirm fieldset").first
    for radio in county.get_by_label("确认", exact=True).all():
        radio.check()
    first.get_by_label("有异议", exact=True).check()
    county.get_by_role("button", name="提交确认意见").click()
    expect(first.locator(".errorlist")).to_contain_text("提出异议必须说明理由")
    screenshot(county, "assessment-1-dispute-without-reason")
    first = county.locator("#form-confirm fieldset").first
    first.get_by_label("异议理由").fill("项目数与台账不符，应为12个")
    county.get_by_role("button", name="提交确认意见").click()
    expect(county.locator("#assessment-status")).to_contain_text("受援方已确认")
    expect(county.locator("tr.disputed")).to_contain_text("项目数与台账不符")
    screenshot(county, "assessment-2-disputed")

    # the program office submits; the reviewer returns it with the reason
    office = as_("office")
    office.get_by_role("button", name="报送").click()
    expect(office.locator("#assessment-status")).to_contain_text("已报送")
    reviewer = as_("reviewer")
    expect(reviewer.locator("#form-cross-check")).to_be_visible()
    reviewer.get_by_role("button", name="退回").click()
    expect(reviewer.locator("#form-return .errorlist")).to_be_visible()
    reviewer.get_by_label("退回原因").fill("请市南区与西秀区核实项目数后重新报送")
    reviewer.get_by_role("button", name="退回").click()
    expect(reviewer.locator("#assessment-status")).to_contain_text("待自评")
    screenshot(reviewer, "assessment-3-returned")

    # 市南区 sees why, revises one score and resubmits its self-assessment
    district = as_("district-shinan")
    expect(district.locator("#return-reason")).to_contain_text("请市南区与西秀区核实项目数后重新报送")
    screenshot(district, "assessment-4-donor-sees-the-return")
    district.locator("#form-self-assess input[name$='score_funds']").fill("89")
    district.get_by_role("button", name="提交自评").click()
    expect(district.locator("#assessment-status")).to_contain_text("帮扶方已自评")

    # 西秀区 confirms every figure this time; the office submits again
    county = as_("county-xixiu")
    for radio in county.get_by_label("确认", exact=True).all():
        radio.check()
    county.get_by_role("button", name="提交确认意见").click()
    expect(county.locator("#assessment-status")).to_contain_text("受援方已确认")
    office = as_("office")
    office.get_by_role("button", name="报送").click()

    # the reviewer cross-checks (one area lower than claimed) and finalises
    reviewer = as_("reviewer")
    reviewer.locator("#form-cross-check input[name$='final_funds']").fill("85")
    reviewer.get_by_label("核查意见").fill("资金使用与台账核对一致，按实际拨付进度核定")
    reviewer.get_by_role("button", name="提交核查结果").click()
    expect(reviewer.locator("#assessment-status")).to_contain_text("已交叉核查")
    reviewer.get_by_role("button", name="定稿").click()
    expect(reviewer.locator("#assessment-status")).to_contain_text("已定稿")

    # locked: nobody is offered a step; the trail says who did what; the scorecard downloads
    for username in ("district-shinan", "county-xixiu", "office", "reviewer"):
        page = as_(username)
        assert page.locator("form[id^='form-']").count() == 0, username
    trail = office.locator("#assessment-trail")
    for words in ("county-xixiu", "office", "reviewer", "district-shinan", "审核人退回", "审核人定稿"):
        expect(trail).to_contain_text(words)
    with office.expect_download() as download:
        office.get_by_role("link", name="下载考核结果（XLSX）").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    screenshot(office, "assessment-5-final")
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.FINAL
    assert assessment.final_report is not None
    assert assessment.final_report["scores"]["funds"]["final"] == "85.00"

    # the office opens a new year's assessment from the list, and 市南区 is the one offered to score it
    office.goto("/app/assessments/")
    pairing = Pairing.objects.get(recipient_area_id="520402", program__slug="qingdao-guizhou")
    office.get_by_label("结对关系").select_option(str(pairing.pk))
    office.get_by_label("年度").last.fill("2010")
    office.get_by_role("button", name="开启考核").click()
    expect(office.locator("h1")).to_contain_text("2010")
    assert office.locator("#form-self-assess").count() == 0
    screenshot(office, "assessment-6-opened")
    for page in pages.values():
        page.context.close()
