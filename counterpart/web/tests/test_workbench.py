"""The workbench lists what waits for each role, one click away, and says so when nothing does; a web
form and the API endpoint for the same action refuse the same actor and target in the same words."""

import json
import re

import pytest
from django.test import Client

from counterpart.access.models import Role
from counterpart.api.services import api_token_create
from counterpart.core.audit import Actor
from counterpart.enterprise.models import EnterpriseReport, ReportStatus
from counterpart.enterprise.services import enterprise_report_return, enterprise_report_submit
from counterpart.intake.models import BatchStatus, ImportBatch
from counterpart.projects.models import Project, ProjectStatus
from counterpart.projects.services import project_propose

from .conftest import World

pytestmark = pytest.mark.django_db


def _as(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def _workbench(world: World, role: str) -> str:
    response = _as(world, role).get("/app/")
    assert response.status_code == 200
    return response.content.decode()


def _task_links(page: str) -> list[str]:
    tasks = page.split('id="tasks"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'href="([^"]+)"', tasks)


def _proposed(world: World) -> Project:
    return project_propose(
        actor=Actor.system("test"),
        program=world.ours,
        code="WB-1",
        title_zh="待审批的饮水工程",
        category="drinking_water",
        recipient_area=world.our_project.recipient_area,
        pairing=world.our_pairing,
        year=2009,
        budget_fen=1_000_00,
    )


def test_an_empty_workbench_says_so_in_words(world: World) -> None:
    # the auditor only reads: nothing waits for it
    page = _workbench(world, Role.AUDITOR)
    assert "目前没有等待您处理的事项" in page
    assert _task_links(page) == []


def test_the_program_office_sees_the_proposals_to_approve_and_the_reports_to_confirm(world: World) -> None:
    system = Actor.system("test")
    report = EnterpriseReport.objects.filter(enterprise=world.objects["our_enterprise"]).first()
    if report is None:
        from counterpart.enterprise.services import ReportFigures, enterprise_report_draft

        report = enterprise_report_draft(
            actor=system,
            program=world.ours,
            enterprise=world.objects["our_enterprise"],
            year=2009,
            area=world.our_project.recipient_area,
            figures=ReportFigures(jobs_created=5),
        )
    enterprise_report_submit(actor=system, report=report)
    page = _workbench(world, Role.PROGRAM_OFFICE)
    assert "待审批的项目申报" in page and "待确认的企业年度报告" in page
    links = _task_links(page)
    # each is one click away: one project waiting opens that project, one report that report
    assert f"/app/projects/{world.our_project.pk}/" in links
    assert f"/app/enterprise-reports/{report.pk}/" in links
    # and what the other program waits for is not the office's (THEIRS-P1 is proposed there)
    assert world.objects["projects"].title_zh not in page
    for link in links:
        assert _as(world, Role.PROGRAM_OFFICE).get(link).status_code == 200


def test_several_proposals_link_to_the_list_of_them_and_each_one(world: World) -> None:
    second = _proposed(world)
    links = _task_links(_workbench(world, Role.PROGRAM_OFFICE))
    assert f"/app/projects/?status={ProjectStatus.PROPOSED}" in links
    assert f"/app/projects/{second.pk}/" in links and f"/app/projects/{world.our_project.pk}/" in links


def test_the_county_is_not_asked_to_approve_but_to_start_what_was_approved(world: World) -> None:
    county = _workbench(world, Role.RECIPIENT_OFFICE)
    assert "待审批的项目申报" not in county
    Project.objects.filter(pk=world.our_project.pk).update(status=ProjectStatus.APPROVED)
    county = _workbench(world, Role.RECIPIENT_OFFICE)
    assert "已批准、待开工的项目" in county
    assert f"/app/projects/{world.our_project.pk}/" in _task_links(county)


def test_the_enterprise_sees_its_reports_and_what_to_do_next(world: World) -> None:
    system = Actor.system("test")
    empty = _workbench(world, Role.ENTERPRISE)
    assert "本企业还没有年度报告" in empty and "/app/enterprise-reports/new/" in empty
    client = _as(world, Role.ENTERPRISE)
    data = {"enterprise": world.objects["our_enterprise"].pk, "program": world.ours.pk, "year": "2009"}
    assert client.post("/app/enterprise-reports/new/", {**data, "area": "52", "jobs_created": "30"}).status_code == 302
    report = EnterpriseReport.objects.get(enterprise=world.objects["our_enterprise"])
    page = _workbench(world, Role.ENTERPRISE)
    assert "已提交" in page or report.get_status_display() in page
    assert "待修改并提交" not in page
    enterprise_report_return(actor=system, report=report, reason="请补充纳税额")
    page = _workbench(world, Role.ENTERPRISE)
    assert "待修改并提交的企业年度报告" in page
    assert f"/app/enterprise-reports/{report.pk}/" in _task_links(page)
    # and the next step is to correct it, not to start another report
    assert f"/app/enterprise-reports/{report.pk}/correct/" in page and "/app/enterprise-reports/new/" not in page
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED


def test_an_import_running_or_refused_waits_on_its_uploaders_workbench(world: World) -> None:
    user = world.users[Role.RECIPIENT_OFFICE]
    refused = ImportBatch.objects.create(
        kind="households",
        file_name="户表.xlsx",
        file_sha256="1" * 64,
        created_by_label=user.get_username(),
        status=BatchStatus.INVALID,
    )
    page = _workbench(world, Role.RECIPIENT_OFFICE)
    assert "未完成的导入" in page and "户表.xlsx" in page
    assert f"/app/imports/{refused.pk}/" in _task_links(page)
    # another user's batch (THEIRS.xlsx) is not this one's task
    assert "THEIRS.xlsx" not in page


# --- the same refusal through both edges ---------------------------------------------------------------------


def _api(user) -> Client:
    _token, raw = api_token_create(actor=Actor.system("test"), user=user)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _proposal_api(world: World, **changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "program": world.ours.slug,
        "code": "SAME-1",
        "title_zh": "同一申报",
        "category": "village_road",
        "recipient_area": "520422100",
        "year": 2009,
        "budget_fen": 100_000,
    }
    body.update(changes)
    return body


def _proposal_web(world: World, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "program": world.ours.pk,
        "code": "SAME-1",
        "title_zh": "同一申报",
        "category": "village_road",
        "recipient_area": "520422100",
        "year": "2009",
        "budget": "1000",
    }
    data.update(changes)
    return data


OUT_OF_AREA = "该地区不在您的权限范围内"


@pytest.mark.parametrize(
    ("role", "web_changes", "api_changes", "status", "words"),
    [
        # a county proposing in another county of its program: the area is named
        (
            Role.RECIPIENT_OFFICE,
            {"recipient_area": "520402"},
            {"recipient_area": "520402"},
            422,
            "该地区不在您的权限范围内",
        ),
        # a role the table never grants project_propose
        (Role.ENTERPRISE, {}, {}, 403, "您的角色不能进行此操作"),
        (Role.AUDITOR, {}, {}, 403, "您的角色不能进行此操作"),
    ],
)
def test_the_web_form_and_the_api_refuse_a_proposal_alike(
    world: World, role: str, web_changes: dict, api_changes: dict, status: int, words: str
) -> None:
    user = world.users[role]
    api = _api(user).post(
        "/api/projects",
        json.dumps(_proposal_api(world, **api_changes)),
        content_type="application/json",
        headers={"Accept-Language": "zh-hans"},
    )
    web = Client()
    web.force_login(user)
    page = web.post("/app/projects/new/", _proposal_web(world, **web_changes), HTTP_ACCEPT_LANGUAGE="zh-hans")
    # the API answers the policy's status and words; the web shows the same words (on the form's field,
    # or as the page refused for a role that may never act)
    assert api.status_code == status, api.content
    assert [error["message"] for error in api.json()["errors"]] == [words]
    assert words in page.content.decode()
    assert page.status_code == (403 if status == 403 else 200)
    assert not Project.objects.filter(code="SAME-1").exists()
