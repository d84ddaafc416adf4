"""Imports that finish, on the demo as ``scripts/demo`` serves it: each role downloads its template from
the import page, fills it in (Chinese headers and choice labels, the program and the area by name),
uploads it and sees it finish with links to what it loaded — nobody starts a worker: ``counterpart
serve`` runs one beside the server. .ci/run starts scripts/demo and names it with COUNTERPART_DEMO_URL
and COUNTERPART_DEMO_LOGIN (as for test_served_demo.py); elsewhere this test skips."""

import os
import time
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser, Page, expect

DEMO_URL = os.environ.get("COUNTERPART_DEMO_URL", "")
DEMO_LOGIN = os.environ.get("COUNTERPART_DEMO_LOGIN", "")
PROGRAM = "青岛市—贵州省东西部扶贫协作"

pytestmark = pytest.mark.skipif(
    not DEMO_URL, reason="no served demo named (COUNTERPART_DEMO_URL; .ci/run starts scripts/demo for it)"
)


def _rows(stamp: int) -> dict[str, tuple[str, dict[str, object]]]:
    """Per role: the template it downloads (its name on the page) and one row to fill in, by header."""
    course = {
        "协作项目": PROGRAM,
        "培训类型": "专业技术培训",
        "开始日期": "2010-03-01",
        "结束日期": "2010-03-05",
        "上报参训人数": 30,
    }
    return {
        "office": (
            "帮扶项目",
            {
                "协作项目": PROGRAM,
                "项目编号": f"WEB-{stamp}",
                "项目名称": f"网页导入的种植项目{stamp}",
                "项目类别": "种植业",
                "实施地点区划代码": "普定县",
                "年度": 2010,
                "预算（元）": 12000,
            },
        ),
        "county-puding": ("培训班", course | {"培训名称": f"普定县网页导入培训{stamp}", "培训地点区划代码": "普定县"}),
        "county-xixiu": ("培训班", course | {"培训名称": f"西秀区网页导入培训{stamp}", "培训地点区划代码": "西秀区"}),
        "enterprise-haier": (
            "企业年度报告",
            {
                "协作项目": PROGRAM,
                "企业名称": "海尔集团",
                "经营实体名称": "海尔冰箱贵州生产基地",
                "地区区划代码": "贵阳市",
                "年度": 2010,
                "直接就业人数": stamp % 1000,
            },
        ),
    }


def _password(username: str) -> str:
    lines = Path(DEMO_LOGIN).read_text(encoding="utf-8").splitlines()[1:]
    return dict(line.split("\t", 1) for line in lines if "\t" in line)[username]


def _signed_in(browser: Browser, username: str, width: int, height: int) -> Page:
    context = browser.new_context(base_url=DEMO_URL, locale="zh-CN", viewport={"width": width, "height": height})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(_password(username))
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("networkidle")
    return page


def _filled(path: Path, row: dict[str, object]) -> Path:
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    missing = set(row) - set(headers)
    assert not missing, f"the template has no column {missing}: {headers}"
    for header, value in row.items():
        sheet.cell(row=2, column=headers.index(header) + 1, value=value)
    workbook.save(path)
    return path


@pytest.mark.parametrize(("username", "size"), [(u, s) for u in _rows(0) for s in ((1440, 900), (390, 844))])
def test_each_role_uploads_its_filled_template_and_sees_it_finish_with_links(
    browser: Browser, tmp_path: Path, username: str, size: tuple[int, int]
) -> None:
    template, row = _rows(int(time.time() * 1000) % 10**9)[username]
    page = _signed_in(browser, username, *size)
    page.goto("/app/imports/")
    # the template from the page, filled in as a clerk would (Chinese headers, labels and names)
    with page.expect_download() as download:
        page.get_by_role("link", name=template, exact=True).click()
    assert download.value.suggested_filename.endswith("-template.xlsx")
    download.value.save_as(tmp_path / "filled.xlsx")
    upload = _filled(tmp_path / "filled.xlsx", row)
    page.get_by_label("文件（XLSX 或 CSV）").set_input_files(str(upload))
    page.get_by_role("button", name="上传并导入").click()
    page.wait_for_load_state("networkidle")
    # then: nobody starts anything, and the page reaches the end by itself, in words, with links
    expect(page.locator("#import-status")).to_have_text("已完成", timeout=60_000)
    expect(page.locator("#import-outcome")).to_contain_text("导入完成")
    links = page.locator("#import-records a")
    expect(links.first).to_be_visible()
    first = links.first.inner_text()
    links.first.click()
    page.wait_for_load_state("networkidle")
    assert "/app/" in page.url
    expect(page.locator("h1")).to_contain_text(first.split(" ")[0])
    page.context.close()


@pytest.mark.parametrize("username", ["district-shinan", "auditor"])
def test_a_role_that_imports_nothing_is_told_so_and_offered_no_template(browser: Browser, username: str) -> None:
    page = _signed_in(browser, username, 1440, 900)
    page.goto("/app/imports/")
    expect(page.get_by_text("您的角色不能上传导入文件。")).to_be_visible()
    assert page.locator("a[href*='/app/imports/templates/']").count() == 0
    page.context.close()
