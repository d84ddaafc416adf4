"""Each demo account signs in through the login form, in Chromium, and lands on a workbench that lists
what waits for it (or says that nothing does), at a desktop and a phone size, with its menu by role."""

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, ViewportSize, expect

from counterpart.core.audit import Actor
from counterpart.demo.accounts import demo_accounts_ensure
from counterpart.demo.loader import demo_load
from counterpart.enterprise.models import Enterprise, EnterpriseReport
from counterpart.enterprise.services import (
    ReportFigures,
    enterprise_report_draft,
    enterprise_report_return,
    enterprise_report_submit,
)
from counterpart.intake.models import BatchStatus, ImportBatch
from counterpart.projects.models import ProjectStatus
from counterpart.projects.services import project_propose, project_transition
from counterpart.registry.models import Area, Pairing

pytestmark = pytest.mark.django_db(transaction=True)

SIZES: dict[str, ViewportSize] = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}


def _tasks_made() -> None:
    """On the demo: a proposal waiting for the office, an approved project waiting for 普定县 to start
    it, a report of 海信 waiting for confirmation, one of 海尔 returned to it, a refused import of 西秀区."""
    system = Actor.system("test")
    program = demo_load().program
    puding = Area.objects.get(code="520422")
    pairing = Pairing.objects.filter(program=program, recipient_area=puding).first()
    for code, title in (("WB-PROPOSED", "待审批的村组道路"), ("WB-APPROVED", "待开工的道路")):
        project = project_propose(
            actor=system,
            program=program,
            code=code,
            title_zh=title,
            category="village_road",
            recipient_area=puding,
            pairing=pairing,
            year=2012,
            budget_fen=100_000,
        )
    approved = project
    project_transition(actor=system, project=approved, to_status=ProjectStatus.APPROVED)
    for name, returned in (("海信集团", False), ("海尔集团", True)):
        enterprise = Enterprise.objects.get(organisation__name_zh=name)
        area = EnterpriseReport.objects.filter(enterprise=enterprise).values_list("area", flat=True).first()
        report = enterprise_report_draft(
            actor=system,
            program=program,
            enterprise=enterprise,
            year=2012,
            area=Area.objects.get(code=area) if area else None,
            figures=ReportFigures(jobs_created=12),
        )
        enterprise_report_submit(actor=system, report=report)
        if returned:
            enterprise_report_return(actor=system, report=report, reason="请补充纳税额")
    ImportBatch.objects.create(
        kind="households",
        file_name="西秀区贫困户.xlsx",
        file_sha256="2" * 64,
        created_by_label="county-xixiu",
        status=BatchStatus.INVALID,
    )


# What each account's workbench shows, in its own words.
EXPECTED = {
    "office": ["待审批的项目申报", "WB-PROPOSED", "待确认的企业年度报告", "海信集团 2012", "已完工、待验收的项目"],
    "county-puding": ["已批准、待开工的项目", "WB-APPROVED 待开工的道路"],
    "county-xixiu": ["未完成的导入", "西秀区贫困户.xlsx", "待您确认数据的考核", "市南区 → 西秀区"],
    "district-shinan": ["目前没有等待您处理的事项"],
    "enterprise-haier": ["待修改并提交的企业年度报告", "海尔集团 2012", "本企业的年度报告", "重新提交 2012 年度报告"],
    "auditor": ["目前没有等待您处理的事项"],
    "reviewer": ["目前没有等待您处理的事项"],
}


def _directory() -> Path:
    root = Path(os.environ.get("COUNTERPART_ARTEFACTS_DIR", settings.BASE_DIR / "var" / "artefacts"))
    directory = root / "screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def test_each_demo_account_signs_in_to_a_workbench_listing_its_tasks(
    browser: Browser, live_server: Any, tmp_path: Path, sign_in: Callable[[Page, str, str], None]
) -> None:
    _tasks_made()
    passwords = {account.username: password for account, password in demo_accounts_ensure(tmp_path / "login.txt")}
    assert set(passwords) == set(EXPECTED)
    for username, words in EXPECTED.items():
        for size, viewport in SIZES.items():
            context = browser.new_context(
                base_url=live_server.url, locale="zh-CN", viewport=viewport, is_mobile=size == "phone"
            )
            page = context.new_page()
            sign_in(page, username, passwords[username])
            page.goto("/app/")
            main, tasks = page.locator("main"), page.locator("section.tasks")
            for text in words:
                expect(main).to_contain_text(text)
            # every task is one click away: its link opens without a refusal
            for href in tasks.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")[:3]:
                response = page.request.get(href)
                assert response.status == 200, (username, href)
            # the audit trail is in the auditor's menu only (on a phone the menu is folded: hidden links count)
            menu = page.get_by_role("navigation", name="主菜单", include_hidden=True)
            audit = menu.get_by_role("link", name="审计", include_hidden=True)
            assert (audit.count() == 1) == (username == "auditor")
            page.screenshot(path=str(_directory() / f"workbench-{username}-{size}.png"), full_page=True)
            context.close()
