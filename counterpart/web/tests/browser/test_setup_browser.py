"""Program set-up in Chromium: the program office creates a program with two pairings, choosing
every area by name in the search picker, and invites a county account, which sets its password
through the one-time link, signs in and sees the program."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page

from counterpart.access.models import Membership, Role
from counterpart.registry.models import Pairing, Program
from counterpart.testing.browser import pick

pytestmark = pytest.mark.django_db(transaction=True)


def _pair(page: Page, donor: tuple[str, str], recipient: tuple[str, str], start: str) -> None:
    page.get_by_role("link", name="新增结对关系").click()
    pick(page, "donor_area", *donor)
    pick(page, "recipient_area", *recipient)
    page.locator("#id_valid_from").fill(start)
    page.get_by_role("button", name="提交").click()
    page.wait_for_load_state("networkidle")


def test_a_new_program_with_two_pairings_and_an_invited_county(
    page, browser, live_server, sign_in, screenshot, program
) -> None:
    # given the office of an existing program
    office = get_user_model().objects.create_user("office", password="pw-123456")
    Membership.objects.create(user=office, role=Role.PROGRAM_OFFICE, program=program)
    sign_in(page, "office", "pw-123456")
    # when it creates a program, picking the donor by name
    page.get_by_role("link", name="项目设置").click()
    page.get_by_role("link", name="新建协作项目").click()
    page.get_by_label("项目名称").fill("青岛—安顺协作")
    page.get_by_label("项目标识（英文字母、数字和连字符）").fill("qingdao-anshun")
    pick(page, "donor_area", "青岛", "青岛市")
    page.get_by_label("起始年份").fill("2021")
    screenshot(page, "setup-program-new")
    page.get_by_role("button", name="提交").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/app/setup/programs/qingdao-anshun/"), page.content()
    # and two pairings
    _pair(page, ("市南", "市南区"), ("普定", "普定县"), "2021-01-01")
    _pair(page, ("市北", "市北区"), ("西秀", "西秀区"), "2021-03-01")
    program_new = Program.objects.get(slug="qingdao-anshun")
    assert program_new.donor_area_id == "3702"
    assert sorted(Pairing.objects.filter(program=program_new).values_list("recipient_area_id", flat=True)) == [
        "520402",
        "520422",
    ]
    # and invites a county account
    page.get_by_role("link", name="邀请或开设账户").click()
    page.get_by_label("用户名").fill("puding-staff")
    page.get_by_label("电子邮件（填写则发送设置密码的链接）").fill("staff@puding.example")
    page.get_by_label("角色").select_option("recipient_office")
    pick(page, "area", "普定", "普定县")
    page.get_by_role("button", name="提交").click()
    page.wait_for_load_state("networkidle")
    link = page.locator("#set-password-link").get_attribute("href")
    assert link and "/accounts/set-password/" in link
    screenshot(page, "setup-program-invited")
    # then the county sets its password through the link, signs in and sees the program
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    county = context.new_page()
    county.goto(link)
    county.get_by_label("新密码", exact=True).fill("Tea-garden-2021")
    county.get_by_label("再次输入新密码").fill("Tea-garden-2021")
    county.get_by_role("button", name="设置密码").click()
    county.wait_for_load_state("networkidle")
    sign_in(county, "puding-staff", "Tea-garden-2021")
    assert county.url.endswith("/app/")
    assert "青岛—安顺协作" in county.content()
    screenshot(county, "setup-invited-county-workbench")
    context.close()
