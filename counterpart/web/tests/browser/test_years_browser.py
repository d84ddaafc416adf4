"""A program's years and the assessment's evidence in Chromium: the program office certifies 2009 from
the set-up page, sees the year locked in the history and unlocks it with a reason; the donor district
uploads a PDF as evidence on the assessment page, which the page then lists."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from counterpart.access.models import Membership, Role
from counterpart.core.audit import Actor
from counterpart.indicators.assessment import assessment_open
from counterpart.indicators.models import AssessmentEvidence
from counterpart.registry.models import PeriodLock

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pw-123456"


def test_the_office_certifies_a_year_and_unlocks_it_with_a_reason(page: Page, sign_in, screenshot, pairing) -> None:
    office = get_user_model().objects.create_user("office", password=PASSWORD)
    Membership.objects.create(user=office, role=Role.PROGRAM_OFFICE, program=pairing.program)
    sign_in(page, "office", PASSWORD)
    page.goto("/app/setup/programs/qd-gz/")
    page.get_by_role("link", name="核定年度报告").click()
    page.get_by_label("年度").fill("2009")
    page.get_by_label("核定说明").fill("市协作办核定")
    page.get_by_role("button", name="提交").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#certified-reports")).to_contain_text("市协作办核定")
    locks = page.locator("#period-locks")
    expect(locks).to_contain_text("2009")
    screenshot(page, "setup-year-certified")
    locks.get_by_role("link", name="解锁").click()
    page.get_by_label("解锁原因（必填）").fill("审计发现漏记一笔拨付")
    page.get_by_role("button", name="提交").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#period-locks")).to_contain_text("审计发现漏记一笔拨付")
    assert PeriodLock.objects.get(year=2009).unlocked_at is not None


def test_the_donor_district_uploads_evidence(
    page: Page, sign_in, screenshot, pairing, areas, settings, tmp_path
) -> None:
    settings.DATA_DIR = tmp_path
    assessment = assessment_open(actor=Actor.system("test"), pairing=pairing, year=2009)
    donor = get_user_model().objects.create_user("shinan", password=PASSWORD)
    Membership.objects.create(user=donor, role=Role.DONOR_DISTRICT_OFFICE, area=areas["370202"])
    evidence = tmp_path / "协议签字页.pdf"
    evidence.write_bytes(b"%PDF-1.4\n" + b"0" * 200)
    sign_in(page, "shinan", PASSWORD)
    page.goto(f"/app/assessments/{assessment.pk}/")
    form = page.locator("#form-evidence")
    form.locator("input[type=file]").set_input_files(str(evidence))
    form.get_by_label("考核领域").select_option("funds")
    form.get_by_role("button", name="上传佐证文件").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#evidence-files")).to_contain_text("协议签字页.pdf")
    screenshot(page, "assessment-evidence")
    assert AssessmentEvidence.objects.get().area == "funds"
