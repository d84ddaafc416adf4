"""The application in Chromium: another county's project by URL, the whole workflow with evidence,
an import from the page with its progress reaching 100 %."""

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from playwright.sync_api import Browser, Page, expect

from counterpart.core.audit import Actor
from counterpart.intake.services import batch_claim, batch_run
from counterpart.projects.models import Project, ProjectStatus
from counterpart.testing.browser import pick

from ..conftest import PASSWORD, PNG, World

pytestmark = pytest.mark.django_db(transaction=True)


def _second_page(browser: Browser, live_server: Any) -> Page:
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    return context.new_page()


def test_a_county_user_cannot_open_another_countys_project_by_url(
    world: World, page: Page, sign_in: Callable[..., None], screenshot: Callable[..., Path]
) -> None:
    sign_in(page, "recipient_office", PASSWORD)
    theirs = world.objects["projects"]
    response = page.goto(f"/app/projects/{theirs.pk}/")
    assert response is not None and response.status == 404
    assert theirs.title_zh not in page.content()
    expect(page.get_by_role("alert")).to_contain_text("不在您的查看范围内")
    screenshot(page, "app-other-county-project-404")
    # while its own project opens
    own = page.goto(f"/app/projects/{world.our_project.pk}/")
    assert own is not None and own.status == 200


def test_a_project_goes_through_the_workflow_with_an_attachment(
    world: World,
    page: Page,
    phone_page: Page,
    browser: Browser,
    live_server: Any,
    sign_in: Callable[..., None],
    screenshot: Callable[..., Path],
    tmp_path: Path,
) -> None:
    # the county proposes from a phone, in the field
    county = phone_page
    sign_in(county, "recipient_office", PASSWORD)
    county.goto("/app/projects/new/")
    county.get_by_label("协作项目").select_option(str(world.ours.pk))
    county.get_by_label("项目编号").fill("WF-1")
    county.get_by_label("项目名称").fill("村组道路硬化")
    county.get_by_label("类别").select_option("village_road")
    pick(county, "recipient_area", "马官", "马官镇")
    county.get_by_label("年度").fill("2009")
    county.get_by_label("预算（元）").fill("80000")
    county.get_by_role("button", name="提交").click()
    county.wait_for_load_state("networkidle")
    project = Project.objects.get(code="WF-1")
    assert county.url.endswith(f"/app/projects/{project.pk}/")
    assert county.get_by_role("button", name="批准").count() == 0
    # with a photo as evidence
    photo = tmp_path / "road.png"
    photo.write_bytes(PNG)
    county.get_by_label("佐证材料（JPEG、PNG 照片或 PDF）").set_input_files(str(photo))
    county.get_by_role("button", name="上传").click()
    county.wait_for_load_state("networkidle")
    expect(county.get_by_role("link", name="road.png")).to_be_visible()
    screenshot(county, "app-workflow-proposed-phone")
    # the program office approves
    office = page
    sign_in(office, "program_office", PASSWORD)
    office.goto(f"/app/projects/{project.pk}/")
    office.get_by_role("button", name="批准").click()
    office.wait_for_load_state("networkidle")
    # the county starts and completes the works
    for step in ("开工", "完工"):
        county.goto(f"/app/projects/{project.pk}/")
        county.get_by_role("button", name=step).click()
        county.wait_for_load_state("networkidle")
    assert county.get_by_role("button", name="验收").count() == 0
    # and the office accepts
    office.goto(f"/app/projects/{project.pk}/")
    office.get_by_role("button", name="验收").click()
    office.wait_for_load_state("networkidle")
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACCEPTED
    history = office.locator("#history ~ div table").inner_text()
    for action in ("项目 · 申报", "项目 · 上传佐证材料", "项目 · 批准", "项目 · 验收"):
        assert action in history
    with office.expect_download() as download:
        office.get_by_role("link", name="road.png").click()
    assert Path(download.value.path()).read_bytes() == PNG
    screenshot(office, "app-workflow-accepted")


def test_an_import_runs_from_the_page_with_its_progress_reaching_100(
    world: World, page: Page, sign_in: Callable[..., None], screenshot: Callable[..., Path], tmp_path: Path
) -> None:
    rows = "\n".join(f"qd-gz,IMP-{n},导入项目{n},housing,520422,2009,100" for n in range(20))
    upload = tmp_path / "projects.csv"
    upload.write_text(
        "协作项目,项目编号,项目名称,项目类别,实施地点区划代码,年度,预算（元）\n" + rows + "\n", encoding="utf-8"
    )
    sign_in(page, "program_office", PASSWORD)
    page.goto("/app/imports/")
    page.get_by_label("文件（XLSX 或 CSV）").set_input_files(str(upload))
    page.get_by_role("button", name="上传并导入").click()
    page.wait_for_load_state("networkidle")
    # queued: the page shows the batch at 0 % and polls
    expect(page.locator("#import-percent")).to_have_text("0%")
    screenshot(page, "app-import-queued")

    # a worker picks it up, as `counterpart worker` would
    def work() -> None:
        try:
            batch = batch_claim()
            assert batch is not None
            batch_run(Actor.system("worker:test"), batch)
        finally:
            connection.close()

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    expect(page.locator("#import-percent")).to_have_text("100%", timeout=30_000)  # a loaded CI machine
    expect(page.locator("#import-status")).to_contain_text("已完成")
    assert Project.objects.filter(code__startswith="IMP-").count() == 20
    screenshot(page, "app-import-done")
