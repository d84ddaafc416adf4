"""The application's forms, workflow, attachments, identity reveal, imports and lists, through HTTP."""

import csv
import datetime
import io
import re
from typing import Any

import pytest
from django.test import Client

from counterpart.core.audit import Actor
from counterpart.core.models import AuditEvent
from counterpart.enterprise.models import EnterpriseReport, ReportStatus
from counterpart.funds.models import LedgerTransaction
from counterpart.intake.models import BatchStatus, ImportBatch
from counterpart.intake.services import batch_run, import_file
from counterpart.people.identity import identity_compose, identity_mask
from counterpart.people.models import Person, Training
from counterpart.projects import services as project_services
from counterpart.projects.models import Project, ProjectAttachment, ProjectStatus
from counterpart.projects.services import ProjectDraft, projects_propose_bulk

from .conftest import PNG, World

pytestmark = pytest.mark.django_db


def _stream(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def _as(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def _proposal(world: World, **changes: Any) -> dict[str, Any]:
    data = {
        "program": world.ours.pk,
        "code": "NEW-1",
        "title_zh": "新修道路",
        "category": "village_road",
        "recipient_area": "520422100",
        "year": "2009",
        "budget": "12,000.50",
    }
    data.update(changes)
    return data


# --- forms and mass assignment -----------------------------------------------------------------------------


def test_a_county_office_proposes_a_project_and_cannot_set_its_status_or_author(world: World) -> None:
    # given a county office posting fields the form does not offer
    client = _as(world, "recipient_office")
    response = client.post(
        "/app/projects/new/",
        _proposal(world, status="accepted", approver=world.users["program_office"].pk, purpose_code="99999"),
    )
    # then the project is proposed, by that user, with the budget in fen, and nothing else was taken
    project = Project.objects.get(code="NEW-1")
    assert response.status_code == 302 and response["Location"] == f"/app/projects/{project.pk}/"
    assert project.status == ProjectStatus.PROPOSED
    assert project.budget_fen == 1_200_050
    assert project.purpose_code == "21020"
    assert project.transitions.get().actor == world.users["recipient_office"]


def test_a_county_office_cannot_propose_in_another_county(world: World) -> None:
    client = _as(world, "recipient_office")
    response = client.post("/app/projects/new/", _proposal(world, recipient_area="520402"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "recipient_area" in page and "520402" in page
    assert not Project.objects.filter(code="NEW-1").exists()


def test_a_proposal_names_the_field_and_value_the_domain_refuses(world: World) -> None:
    client = _as(world, "recipient_office")
    response = client.post("/app/projects/new/", _proposal(world, year="1990"))
    page = response.content.decode()
    assert "年份不在协作项目的期限内" in page and "1990" in page
    bad_money = client.post("/app/projects/new/", _proposal(world, budget="12.345")).content.decode()
    assert "budget" in bad_money and "12.345" in bad_money


def test_the_proposal_form_offers_only_the_users_programs_and_pairings(world: World) -> None:
    page = _as(world, "recipient_office").get("/app/projects/new/").content.decode()
    assert world.ours.name_zh in page
    assert world.theirs.name_zh not in page
    assert "西秀区" not in page  # the other county's pairing


def test_the_form_pages_open_to_the_roles_the_policy_grants_and_a_county_may_not_record_funds(world: World) -> None:
    # the policy's table (access/policy.py, projects/policy.py) grants the program office project_propose
    assert _as(world, "program_office").get("/app/projects/new/").status_code == 200
    assert _as(world, "enterprise").get("/app/projects/new/").status_code == 403
    assert _as(world, "recipient_office").get("/app/funds/new/").status_code == 403
    refused = _as(world, "auditor").post("/app/funds/new/", {})
    assert refused.status_code == 403 and "您的角色不能进行此操作" in refused.content.decode()


def test_the_program_office_commits_and_disburses_within_the_commitment(world: World) -> None:
    client = _as(world, "program_office")
    # when it commits 1,000 yuan
    response = client.post(
        "/app/funds/new/",
        {
            "program": world.ours.pk,
            "kind": "commitment",
            "date": "2009-04-01",
            "source": "fiscal_municipal",
            "amount": "1000",
        },
    )
    commitment = LedgerTransaction.objects.get(program=world.ours, kind="commitment")
    assert response.status_code == 302
    # then a disbursement beyond it is refused naming the amount, and one within it is posted
    base = {"program": world.ours.pk, "kind": "disbursement", "date": "2009-05-01", "commitment": commitment.pk}
    refused = client.post("/app/funds/new/", {**base, "amount": "2000", "recipient_area": "520422"}).content.decode()
    assert "超出承诺资金的未安排余额" in refused and "2000.00" in refused
    client.post("/app/funds/new/", {**base, "amount": "400", "recipient_area": "520422"})
    disbursement = LedgerTransaction.objects.get(kind="disbursement")
    assert (disbursement.recipient_area_id, disbursement.commitment) == ("520422", commitment)
    assert disbursement.created_by == world.users["program_office"]


def test_the_ledger_form_refuses_another_programs_commitment_and_program(world: World) -> None:
    client = _as(world, "program_office")
    theirs = world.objects["funds"]
    response = client.post(
        "/app/funds/new/",
        {
            "program": world.ours.pk,
            "kind": "disbursement",
            "date": "2009-05-01",
            "commitment": theirs.pk,
            "amount": "1",
        },
    )
    assert "commitment" in response.content.decode()
    response = client.post(
        "/app/funds/new/",
        {"program": world.theirs.pk, "kind": "commitment", "date": "2009-05-01", "source": "social", "amount": "1"},
    )
    assert response.status_code == 200
    assert LedgerTransaction.objects.filter(program=world.theirs).count() == 1


def _register_person(client: Client, area: str = "520422100201", **extra: Any) -> Any:
    number = identity_compose("520422", __import__("datetime").date(1975, 6, 7), 34)
    return number, client.post(
        "/app/people/new/", {"name": "李四", "sex": "female", "area": area, "identity_number": number, **extra}
    )


def test_a_county_office_registers_a_person_seen_masked_everywhere(world: World, settings) -> None:
    from counterpart.registry.services import AreaRow, areas_upsert

    areas_upsert(actor=Actor.system("test"), rows=[AreaRow("520422100201", "某村")], source="test")
    client = _as(world, "recipient_office")
    number, response = _register_person(client)
    person = Person.objects.get(name="李四")
    assert response.status_code == 302
    pages = [
        client.get("/app/people/").content.decode(),
        client.get(f"/app/people/{person.pk}/").content.decode(),
        _stream(client.get("/app/people/", {"format": "csv"})).decode("utf-8-sig"),
    ]
    for page in pages:
        assert number not in page
    assert identity_mask(number) in pages[0]
    # and another county's area is refused, naming field and value
    _number, refused = _register_person(client, area="520402100201", name="王五")
    assert "520402100201" in refused.content.decode() and not Person.objects.filter(name="王五").exists()


def test_only_a_user_allowed_to_reveal_sees_the_number_with_a_reason_audited(world: World) -> None:
    person = world.objects["people"]
    auditor = _as(world, "auditor")
    # without a reason: refused, nothing audited
    refused = auditor.post(f"/app/people/{person.pk}/reveal/", {"reason": " "}, follow=True)
    assert "必须说明原因" in refused.content.decode()
    assert not AuditEvent.objects.filter(action="person.reveal_identity").exists()
    # with a reason: the number, and an audit event naming the reason
    response = auditor.post(f"/app/people/{person.pk}/reveal/", {"reason": "核查重复登记"})
    number = re.search(r'class="identity-number">(\d{17}[\dX])<', response.content.decode())
    assert number is not None and identity_mask(number.group(1)) == person.identity_masked
    event = AuditEvent.objects.get(action="person.reveal_identity")
    assert (event.actor, event.reason) == (world.users["auditor"], "核查重复登记")
    assert number.group(1) not in str(event.after)
    # the reveal form is offered to the auditor only
    assert "/reveal/" in auditor.get(f"/app/people/{person.pk}/").content.decode()


def test_a_user_who_sees_a_person_but_may_not_reveal_gets_403(world: World) -> None:
    from counterpart.access.models import Membership, Role

    # given a county office of the person's own county
    user = world.users["recipient_office"]
    Membership.objects.create(user=user, role=Role.RECIPIENT_OFFICE, area_id="520402")
    client = _as(world, "recipient_office")
    person = world.objects["people"]
    assert "/reveal/" not in client.get(f"/app/people/{person.pk}/").content.decode()
    assert client.post(f"/app/people/{person.pk}/reveal/", {"reason": "x"}).status_code == 403


def test_a_training_is_recorded_with_visible_participants_only(world: World) -> None:
    from counterpart.people.services import PersonRow, person_register
    from counterpart.registry.models import Area

    ours = person_register(
        actor=Actor.system("t"), row=PersonRow(name="赵六", sex="male", area=Area.objects.get(code="520422"))
    )
    client = _as(world, "recipient_office")
    data = {
        "program": world.ours.pk,
        "kind": "labour_transfer",
        "title": "厨师培训",
        "place": "520422",
        "start_date": "2009-06-01",
        "end_date": "2009-06-05",
    }
    theirs = world.objects["people"].pk
    refused = client.post("/app/trainings/new/", {**data, "participants": f"{ours.pk}, {theirs}"}).content.decode()
    assert "participants" in refused and str(theirs) in refused
    assert not Training.objects.filter(title="厨师培训").exists()
    client.post("/app/trainings/new/", {**data, "participants": str(ours.pk)})
    training = Training.objects.get(title="厨师培训")
    assert list(training.participants.values_list("person_id", flat=True)) == [ours.pk]


def test_an_enterprise_submits_its_own_report_only(world: World) -> None:
    client = _as(world, "enterprise")
    ours, theirs = world.objects["our_enterprise"], world.objects["enterprises"]
    data = {"enterprise": ours.pk, "program": world.ours.pk, "year": "2009", "area": "52", "jobs_created": "30"}
    page = client.get("/app/enterprise-reports/new/").content.decode()
    assert ours.organisation.name_zh in page and theirs.organisation.name_zh not in page
    client.post("/app/enterprise-reports/new/", {**data, "enterprise": theirs.pk})
    assert not EnterpriseReport.objects.filter(enterprise=theirs, year=2009, status=ReportStatus.SUBMITTED).exists()
    response = client.post("/app/enterprise-reports/new/", {**data, "status": "confirmed"})
    report = EnterpriseReport.objects.get(enterprise=ours)
    assert response.status_code == 302
    assert (report.status, report.jobs_created) == (ReportStatus.SUBMITTED, 30)


def test_the_program_office_returns_a_report_and_confirms_the_enterprises_correction(world: World) -> None:
    enterprise, office, county = (_as(world, r) for r in ("enterprise", "program_office", "recipient_office"))
    ours = world.objects["our_enterprise"]
    data = {"enterprise": ours.pk, "program": world.ours.pk, "year": "2009", "area": "52", "jobs_created": "30"}
    enterprise.post("/app/enterprise-reports/new/", data)
    report = EnterpriseReport.objects.get(enterprise=ours)
    page = f"/app/enterprise-reports/{report.pk}/"

    # The enterprise cannot confirm its own figures, nor can a county office; the buttons are the office's.
    assert "/confirm/" not in enterprise.get(page).content.decode()
    assert enterprise.post(f"{page}confirm/").status_code == 403
    assert county.post(f"{page}confirm/").status_code == 404  # a province-wide report is outside 普定县
    assert "/confirm/" in office.get(page).content.decode()
    office.post(f"{page}return/", {"note": ""})  # a return needs a reason
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    office.post(f"{page}return/", {"note": "新增就业应为 25 人"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert "新增就业应为 25 人" in enterprise.get(page).content.decode()

    correct = f"{page}correct/"
    assert office.get(correct).status_code == 403
    assert 'value="30"' in enterprise.get(correct).content.decode()  # the form starts from the figures sent
    assert enterprise.post(correct, {"jobs_created": "25", "taxes_paid": "1.001"}).status_code == 200  # fen only
    assert enterprise.post(correct, {"jobs_created": "25"}).status_code == 302
    report.refresh_from_db()
    assert (report.status, report.jobs_created) == (ReportStatus.SUBMITTED, 25)
    assert office.post(f"{page}confirm/").status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.CONFIRMED
    assert enterprise.get(correct).status_code == 403  # confirmed figures are corrected by a new report


# --- the workflow and evidence ---------------------------------------------------------------------------------


def _act(client: Client, project: Project, action: str) -> int:
    return client.post(f"/app/projects/{project.pk}/do/{action}/", {"note": action}).status_code


def test_a_projects_page_counts_the_persons_it_reached_once(world: World, areas: dict) -> None:
    from counterpart.people.services import benefit_record
    from counterpart.people.tests.factories import household, member

    actor, project = Actor.system("test"), world.our_project
    home = household(actor, areas["520422100201"], "OURS-H1")
    first, _second = member(actor, home, 1), member(actor, home, 2)
    reach = {"program": world.ours, "kind": "project", "project": project}
    benefit_record(actor=actor, household=home, date=datetime.date(2009, 6, 1), **reach)
    benefit_record(actor=actor, person=first, date=datetime.date(2009, 9, 1), **reach)  # again: still one person
    page = _as(world, "program_office").get(f"/app/projects/{project.pk}/").content.decode()
    assert "本项目惠及 2 人（1 户）" in page


def test_a_county_records_on_the_projects_page_who_it_reached(world: World, areas: dict) -> None:
    from counterpart.people.tests.factories import household, member, number

    actor, project = Actor.system("test"), world.our_project
    home = household(actor, areas["520422100201"], "OURS-H1")
    member(actor, home, 1, name="甲一")
    member(actor, home, 2, name="甲二")
    member(actor, household(actor, areas["520422100201"], "OURS-H2"), 3, name="乙三")  # not reached
    county, donor = _as(world, "recipient_office"), _as(world, "donor_district_office")
    url = f"/app/projects/{project.pk}/beneficiaries/"
    # the policy's benefit_record: the county that keeps the households (or the program office), not the donor
    assert "/beneficiaries/" in county.get(f"/app/projects/{project.pk}/").content.decode()
    assert "/beneficiaries/" not in donor.get(f"/app/projects/{project.pk}/").content.decode()
    assert donor.post(url, {"household_number": "OURS-H1", "date": "2009-06-01"}).status_code == 403

    page = county.post(url, {"household_number": "OURS-H1", "date": "2009-06-01"}, follow=True).content.decode()
    assert "本项目惠及 2 人（1 户）" in page
    # another county's household is not found (not confirmed to exist); the person is named masked
    theirs = county.post(url, {"household_number": "THEIRS-H1", "date": "2009-06-01"}, follow=True).content.decode()
    assert "没有该户编号的贫困户" in theirs and "THEIRS-H1" in theirs
    clear = identity_compose("520402", datetime.date(1980, 1, 2), 11)
    stranger = county.post(url, {"identity_number": clear, "date": "2009-06-01"}, follow=True).content.decode()
    assert "没有该身份证号码的登记人员" in stranger and clear not in stranger
    again = county.post(url, {"identity_number": number(1), "date": "2009-09-01"}, follow=True).content.decode()
    assert "本项目惠及 2 人（1 户）" in again  # the same person again: still two
    # the count links to the persons themselves, each listed once
    link = f"/app/people/?program={world.ours.slug}&amp;project={project.code}"
    assert link in county.get(f"/app/projects/{project.pk}/").content.decode()
    listed = county.get("/app/people/", {"program": world.ours.slug, "project": project.code}).content.decode()
    assert (listed.count("甲一"), listed.count("甲二"), listed.count("乙三")) == (1, 1, 0)


def test_each_step_is_shown_and_allowed_only_to_its_role(world: World) -> None:
    project = world.our_project
    county, office, auditor = (_as(world, r) for r in ("recipient_office", "program_office", "auditor"))
    assert "/do/approve/" not in county.get(f"/app/projects/{project.pk}/").content.decode()
    assert _act(county, project, "approve") == 403
    assert _act(auditor, project, "approve") == 403
    assert "/do/approve/" in office.get(f"/app/projects/{project.pk}/").content.decode()
    assert _act(office, project, "approve") == 302
    assert _act(county, project, "start") == 302
    assert _act(county, project, "complete") == 302
    assert _act(county, project, "accept") == 403
    assert _act(office, project, "accept") == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACCEPTED
    history = office.get(f"/app/projects/{project.pk}/").content.decode()
    # each step in words, never its key
    for action in ("项目 · 申报", "项目 · 批准", "项目 · 开工", "项目 · 完工", "项目 · 验收"):
        assert action in history
    assert "project.propose" not in history


def test_a_step_out_of_order_is_refused_with_the_reason(world: World) -> None:
    office = _as(world, "program_office")
    response = office.post(f"/app/projects/{world.our_project.pk}/do/accept/", follow=True)
    assert "不能变更为该状态" in response.content.decode()
    world.our_project.refresh_from_db()
    assert world.our_project.status == ProjectStatus.PROPOSED


def test_evidence_is_typed_by_its_bytes_and_served_only_through_the_scoped_view(world: World) -> None:
    county = _as(world, "recipient_office")
    project = world.our_project
    url = f"/app/projects/{project.pk}/attachments/"
    # a PNG named .jpg is kept as a PNG
    county.post(url, {"file": _upload("photo.jpg", PNG), "caption": "完工照片"})
    attachment = ProjectAttachment.objects.get(project=project)
    assert attachment.content_type == "image/png"
    # a script named .pdf is refused
    refused = county.post(url, {"file": _upload("evil.pdf", b"<script>alert(1)</script>")}, follow=True)
    assert "evil.pdf" in refused.content.decode()
    assert ProjectAttachment.objects.filter(project=project).count() == 1
    download = county.get(f"/app/projects/{project.pk}/attachments/{attachment.pk}/")
    assert _stream(download) == PNG
    assert download["Content-Type"] == "image/png"
    # the other side's attachment id through our project's URL is not found either
    other = world.objects["attachment"]
    assert county.get(f"/app/projects/{project.pk}/attachments/{other.pk}/").status_code == 404


def test_evidence_over_the_size_limit_is_refused(world: World, monkeypatch) -> None:
    monkeypatch.setattr(project_services, "ATTACHMENT_MAX_BYTES", 100)
    from counterpart.web import app_views

    monkeypatch.setattr(app_views, "ATTACHMENT_MAX_BYTES", 100)
    county = _as(world, "recipient_office")
    response = county.post(
        f"/app/projects/{world.our_project.pk}/attachments/",
        {"file": _upload("big.png", PNG + b"\0" * 200)},
        follow=True,
    )
    assert "文件过大" in response.content.decode()
    assert not ProjectAttachment.objects.filter(project=world.our_project).exists()


def _upload(name: str, content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


# --- lists -------------------------------------------------------------------------------------------------------


def _many_projects(world: World, count: int) -> None:
    from counterpart.registry.models import Area

    area = Area.objects.get(code="520422")
    drafts = [
        ProjectDraft(
            program=world.ours,
            code=f"B-{n:03d}",
            title_zh=f"批量项目{n}",
            category="planting" if n % 2 else "housing",
            recipient_area=area,
            year=2009,
            budget_fen=n * 100,
        )
        for n in range(count)
    ]
    projects_propose_bulk(actor=Actor.system("t"), drafts=drafts)


def test_lists_filter_sort_search_and_page(world: World) -> None:
    _many_projects(world, 60)
    client = _as(world, "program_office")
    first = client.get("/app/projects/").content.decode()
    assert "共 61 条" in first and "第 1 / 2 页" in first
    planting = client.get("/app/projects/", {"category": "planting"}).content.decode()
    assert "共 30 条" in planting and "批量项目2<" not in planting
    by_budget = client.get("/app/projects/", {"sort": "-budget"}).content.decode()
    assert by_budget.index("OURS-P1") < by_budget.index("B-059") < by_budget.index("B-058")
    found = client.get("/app/projects/", {"q": "批量项目42"}).content.decode()
    assert "共 1 条" in found
    second = client.get("/app/projects/", {"page": "2", "category": "housing"}).content.decode()
    assert "共 30 条" in second and "第 1 / 1 页" not in second


def test_the_drill_down_contract_filters_by_program_year_and_area(world: World) -> None:
    auditor = _as(world, "auditor")
    assert "共 2 条" in auditor.get("/app/projects/", {"year": "2009"}).content.decode()
    assert "共 1 条" in auditor.get("/app/projects/", {"area": "520422"}).content.decode()
    assert "共 1 条" in auditor.get("/app/projects/", {"program": "theirs"}).content.decode()
    assert "共 0 条" in auditor.get("/app/projects/", {"year": "20x9"}).content.decode()
    assert "共 2 条" in auditor.get("/app/projects/", {"year": "2008", "year_to": "2010"}).content.decode()
    assert "共 0 条" in auditor.get("/app/projects/", {"year": "2010", "year_to": "2012"}).content.decode()
    assert "共 1 条" in auditor.get("/app/indicators/", {"indicator": "beneficiaries"}).content.decode()
    assert (
        "共 1 条" in auditor.get("/app/funds/", {"source": "fiscal_district", "stage": "commitment"}).content.decode()
    )


def test_a_filtered_export_is_a_valid_import_file(world: World, tmp_path) -> None:
    _many_projects(world, 6)
    client = _as(world, "program_office")
    response = client.get("/app/projects/", {"category": "housing", "format": "csv"})
    text = _stream(response).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + 3
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    result = import_file(actor=Actor.system("t"), path=path, dry_run=True)
    assert result.ok and (result.batch.rows_unchanged, result.batch.rows_new) == (3, 0)


# --- imports -----------------------------------------------------------------------------------------------------


def _project_csv(rows: list[list[Any]]) -> Any:
    header = ["协作项目", "项目编号", "项目名称", "项目类别", "实施地点区划代码", "年度", "预算（元）"]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    return _upload("projects.csv", buffer.getvalue().encode("utf-8"))


def test_an_upload_is_queued_and_its_progress_reaches_100_when_the_worker_runs_it(world: World) -> None:
    client = _as(world, "program_office")
    rows = [["qd-gz", f"I-{n}", f"导入项目{n}", "housing", "520422", 2009, "100"] for n in range(5)]
    response = client.post("/app/imports/", {"file": _project_csv(rows)})
    batch = ImportBatch.objects.get(created_by_label="program_office")
    assert response["Location"] == f"/app/imports/{batch.pk}/"
    assert client.get(f"/app/imports/{batch.pk}/progress/").json()["percent"] == 0
    batch_run(Actor.of(world.users["program_office"]), batch)
    progress = client.get(f"/app/imports/{batch.pk}/progress/").json()
    assert (progress["status"], progress["percent"], progress["rows_new"]) == (BatchStatus.DONE, 100, 5)
    assert Project.objects.filter(code__startswith="I-").count() == 5


def test_a_dry_run_validates_and_writes_nothing(world: World) -> None:
    client = _as(world, "program_office")
    rows = [["qd-gz", "D-1", "试运行项目", "housing", "520422", 2009, "100"]]
    client.post("/app/imports/", {"file": _project_csv(rows), "dry_run": "on"})
    batch = ImportBatch.objects.get(created_by_label="program_office")
    assert batch.dry_run
    batch_run(Actor.system("t"), batch)
    batch.refresh_from_db()
    assert (batch.status, batch.rows_new) == (BatchStatus.DONE, 1)
    assert not Project.objects.filter(code="D-1").exists()


def test_an_invalid_file_shows_its_errors_and_an_errors_workbook(world: World) -> None:
    import openpyxl

    client = _as(world, "program_office")
    client.post("/app/imports/", {"file": _project_csv([["qd-gz", "E-1", "坏行", "housing", "520422", 2009, "-5"]])})
    batch = ImportBatch.objects.get(created_by_label="program_office")
    batch_run(Actor.system("t"), batch)
    page = client.get(f"/app/imports/{batch.pk}/").content.decode()
    assert "-5" in page and "errors.xlsx" in page
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"/app/imports/{batch.pk}/errors.xlsx").content))
    cells = [str(c) for row in workbook.active.iter_rows(values_only=True) for c in row if c]
    assert any("-5" in c and "预算" in c for c in cells)


def test_a_county_uploads_its_own_registry_rows_an_enterprise_its_reports_and_others_nothing(world: World) -> None:
    county = _as(world, "recipient_office")
    page = county.get("/app/imports/").content.decode()
    assert 'value="households"' in page and 'value="projects"' not in page  # the kinds a county may load
    refused = county.post(
        "/app/imports/", {"file": _project_csv([["qd-gz", "C-1", "县项目", "housing", "520422", 2009, "1"]])}
    )
    assert "不在您可以导入的数据类型中" in refused.content.decode()
    assert not ImportBatch.objects.filter(created_by_label="recipient_office").exists()

    rows = "户编号,所在村区划代码,主要致贫原因,识别年度\nC-H1,520422100201,illness,2009\n"
    county.post("/app/imports/", {"file": _upload("households.csv", rows.encode("utf-8"))})
    batch = ImportBatch.objects.get(created_by_label="recipient_office")
    assert batch_run(Actor.system("worker:import"), batch).ok
    assert AuditEvent.objects.get(action="intake.import").actor_label == "recipient_office"

    enterprise = _as(world, "enterprise").get("/app/imports/").content.decode()
    assert 'value="enterprise_reports"' in enterprise and 'value="households"' not in enterprise
    for role in ("auditor", "donor_district_office"):
        assert _as(world, role).post("/app/imports/", {"file": _project_csv([])}).status_code == 403, role


def test_an_export_shows_clear_numbers_only_when_a_revealer_gives_a_reason_and_it_is_audited(world: World) -> None:
    person = world.objects["people"]
    clear = identity_compose("520402", __import__("datetime").date(1980, 1, 2), 11)
    auditor = _as(world, "auditor")
    masked = _stream(auditor.get("/app/people/", {"format": "csv"})).decode("utf-8-sig")
    assert clear not in masked and person.identity_masked in masked
    # without a reason: refused, nothing exported, nothing audited
    refused = auditor.post("/app/people/", {"format": "csv", "reveal_reason": " "})
    assert refused.status_code == 302
    assert not AuditEvent.objects.filter(action="person.export_identity").exists()
    # a GET (a link from another site) with a reason exports masked and audits nothing
    linked = _stream(auditor.get("/app/people/", {"format": "csv", "reveal_reason": "forged"})).decode("utf-8-sig")
    assert clear not in linked and not AuditEvent.objects.filter(action="person.export_identity").exists()
    # a POST without the CSRF token is refused
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(world.users["auditor"])
    assert guarded.post("/app/people/", {"format": "csv", "reveal_reason": "forged"}).status_code == 403
    # with a reason: clear numbers and one audit event with the reason and the list's filters
    revealed = _stream(auditor.post("/app/people/", {"format": "csv", "area": "520402", "reveal_reason": "核对"}))
    assert clear in revealed.decode("utf-8-sig")
    event = AuditEvent.objects.get(action="person.export_identity")
    assert (event.reason, event.after) == ("核对", {"count": 1, "filters": {"area": "520402"}})
    # a user who may not reveal is refused
    county = _as(world, "recipient_office")
    assert county.post("/app/people/", {"format": "csv", "reveal_reason": "x"}).status_code == 403


def test_every_sortable_column_of_every_list_sorts_both_ways(world: World) -> None:
    from counterpart.web.specs import SPECS

    auditor = _as(world, "auditor")
    for slug, spec in SPECS.items():
        for col in spec.columns:
            if not col.sort:
                continue
            for sort in (col.key, f"-{col.key}"):
                page = auditor.get(f"/app/{slug}/", {"sort": sort}).content.decode()
                assert "THEIRS" in page, (slug, sort)


def test_an_unreadable_upload_is_refused_at_once_naming_the_file(world: World) -> None:
    client = _as(world, "program_office")
    response = client.post("/app/imports/", {"file": _upload("projects.xlsx", b"this is not a workbook")})
    page = response.content.decode()
    assert response.status_code == 200 and "projects.xlsx" in page
    assert not ImportBatch.objects.filter(created_by_label="program_office").exists()
    wrong_type = client.post("/app/imports/", {"file": _upload("photo.png", PNG)}).content.decode()
    assert "只接受 XLSX 或 CSV 文件" in wrong_type and "photo.png" in wrong_type


def test_the_application_speaks_english_when_asked(world: World) -> None:
    from django.utils import translation

    client = _as(world, "program_office")
    client.post("/i18n/setlang/", {"language": "en", "next": "/app/projects/"})
    try:
        page = client.get("/app/projects/").content.decode()
        assert "Project code" in page and "1 record" in page and "项目编号" not in page
        form = client.post("/app/funds/new/", {"program": world.ours.pk, "kind": "commitment", "amount": "1.234"})
        assert "Amount (yuan)" in form.content.decode()
    finally:
        # The locale middleware leaves the request's language active in this thread.
        translation.activate("zh-hans")


def test_a_list_beyond_the_count_cap_says_more_than_instead_of_counting_every_row(world: World, monkeypatch) -> None:
    from counterpart.web.lists import CappedPaginator

    office = _as(world, "program_office")
    total = Project.objects.filter(program=world.ours).count()
    assert total >= 1
    assert f"共 {total} 条" in office.get("/app/projects/").content.decode()
    monkeypatch.setattr(CappedPaginator, "cap", total - 1)
    page = office.get("/app/projects/").content.decode()
    assert f"超过 {total - 1} 条" in page and f"共 {total} 条" not in page
