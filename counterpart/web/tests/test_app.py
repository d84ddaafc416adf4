"""The application's forms, workflow, attachments and identity reveal, through HTTP (lists and imports:
test_app_lists.py)."""

import datetime
import re
from typing import Any

import pytest
from django.test import Client

from counterpart.core.audit import Actor
from counterpart.core.models import AuditEvent
from counterpart.enterprise.models import EnterpriseReport, ReportStatus
from counterpart.funds.models import LedgerTransaction
from counterpart.people.identity import identity_compose, identity_mask
from counterpart.people.models import Person, Training
from counterpart.projects import services as project_services
from counterpart.projects.models import Project, ProjectAttachment, ProjectStatus

from .conftest import PNG, World, client_as, response_bytes, uploaded

pytestmark = pytest.mark.django_db


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
    client = client_as(world, "recipient_office")
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
    client = client_as(world, "recipient_office")
    response = client.post("/app/projects/new/", _proposal(world, recipient_area="520402"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "recipient_area" in page and "520402" in page
    assert not Project.objects.filter(code="NEW-1").exists()


def test_a_proposal_names_the_field_and_value_the_domain_refuses(world: World) -> None:
    client = client_as(world, "recipient_office")
    response = client.post("/app/projects/new/", _proposal(world, year="1990"))
    page = response.content.decode()
    assert "年份不在协作项目的期限内" in page and "1990" in page
    bad_money = client.post("/app/projects/new/", _proposal(world, budget="12.345")).content.decode()
    assert "budget" in bad_money and "12.345" in bad_money


def test_the_proposal_form_offers_only_the_users_programs_and_pairings(world: World) -> None:
    page = client_as(world, "recipient_office").get("/app/projects/new/").content.decode()
    assert world.ours.name_zh in page
    assert world.theirs.name_zh not in page
    assert "西秀区" not in page  # the other county's pairing


def test_the_form_pages_open_to_the_roles_the_policy_grants_and_a_county_may_not_record_funds(world: World) -> None:
    # the policy's table (access/policy.py, projects/policy.py) grants the program office project_propose
    assert client_as(world, "program_office").get("/app/projects/new/").status_code == 200
    assert client_as(world, "enterprise").get("/app/projects/new/").status_code == 403
    assert client_as(world, "recipient_office").get("/app/funds/new/").status_code == 403
    refused = client_as(world, "auditor").post("/app/funds/new/", {})
    assert refused.status_code == 403 and "您的角色不能进行此操作" in refused.content.decode()


def test_the_program_office_commits_and_disburses_within_the_commitment(world: World) -> None:
    client = client_as(world, "program_office")
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
    assert "超出承诺资金的未安排余额：可用 1,000.00 元，申请 2,000.00 元" in refused
    assert "“amount”" not in refused  # beside the field, in words: not the field's name
    client.post("/app/funds/new/", {**base, "amount": "400", "recipient_area": "520422"})
    disbursement = LedgerTransaction.objects.get(kind="disbursement")
    assert (disbursement.recipient_area_id, disbursement.commitment) == ("520422", commitment)
    assert disbursement.created_by == world.users["program_office"]


def test_the_ledger_form_refuses_another_programs_commitment_and_program(world: World) -> None:
    client = client_as(world, "program_office")
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
    client = client_as(world, "recipient_office")
    number, response = _register_person(client)
    person = Person.objects.get(name="李四")
    assert response.status_code == 302
    pages = [
        client.get("/app/people/").content.decode(),
        client.get(f"/app/people/{person.pk}/").content.decode(),
        response_bytes(client.get("/app/people/", {"format": "csv"})).decode("utf-8-sig"),
    ]
    for page in pages:
        assert number not in page
    assert identity_mask(number) in pages[0]
    # and another county's area is refused, naming field and value
    _number, refused = _register_person(client, area="520402100201", name="王五")
    assert "520402100201" in refused.content.decode() and not Person.objects.filter(name="王五").exists()


def test_only_a_user_allowed_to_reveal_sees_the_number_with_a_reason_audited(world: World) -> None:
    person = world.objects["people"]
    auditor = client_as(world, "auditor")
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
    client = client_as(world, "recipient_office")
    person = world.objects["people"]
    assert "/reveal/" not in client.get(f"/app/people/{person.pk}/").content.decode()
    assert client.post(f"/app/people/{person.pk}/reveal/", {"reason": "x"}).status_code == 403


def test_a_training_is_recorded_with_visible_participants_only(world: World) -> None:
    from counterpart.people.services import PersonRow, person_register
    from counterpart.registry.models import Area

    ours = person_register(
        actor=Actor.system("t"), row=PersonRow(name="赵六", sex="male", area=Area.objects.get(code="520422"))
    )
    client = client_as(world, "recipient_office")
    data = {
        "program": world.ours.pk,
        "kind": "labour_transfer",
        "title": "厨师培训",
        "place": "520422",
        "start_date": "2009-06-01",
        "end_date": "2009-06-05",
    }
    theirs = world.objects["people"].pk
    refused = client.post("/app/trainings/new/", {**data, "participants": [ours.pk, theirs]}).content.decode()
    assert 'id="id_participants-error"' in refused
    assert not Training.objects.filter(title="厨师培训").exists()
    client.post("/app/trainings/new/", {**data, "participants": str(ours.pk)})
    training = Training.objects.get(title="厨师培训")
    assert list(training.participants.values_list("person_id", flat=True)) == [ours.pk]


def test_an_enterprise_submits_its_own_report_only(world: World) -> None:
    client = client_as(world, "enterprise")
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
    enterprise, office, county = (client_as(world, r) for r in ("enterprise", "program_office", "recipient_office"))
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
    page = client_as(world, "program_office").get(f"/app/projects/{project.pk}/").content.decode()
    assert "本项目惠及 2 人（1 户）" in page


def test_a_county_records_on_the_projects_page_who_it_reached(world: World, areas: dict) -> None:
    from counterpart.people.tests.factories import household, member, number

    actor, project = Actor.system("test"), world.our_project
    home = household(actor, areas["520422100201"], "OURS-H1")
    member(actor, home, 1, name="甲一")
    member(actor, home, 2, name="甲二")
    member(actor, household(actor, areas["520422100201"], "OURS-H2"), 3, name="乙三")  # not reached
    county, donor = client_as(world, "recipient_office"), client_as(world, "donor_district_office")
    url = f"/app/projects/{project.pk}/beneficiaries/"
    # the policy's benefit_record: the county that keeps the households (or the program office), not the donor
    assert "/beneficiaries/" in county.get(f"/app/projects/{project.pk}/").content.decode()
    assert "/beneficiaries/" not in donor.get(f"/app/projects/{project.pk}/").content.decode()
    assert donor.post(url, {"household_number": "OURS-H1", "date": "2009-06-01"}).status_code == 403

    page = county.post(url, {"household_number": "OURS-H1", "date": "2009-06-01"}, follow=True).content.decode()
    assert "本项目惠及 2 人（1 户）" in page
    # another county's household is not found (not confirmed to exist); the person is named masked
    theirs = county.post(url, {"household_number": "THEIRS-H1", "date": "2009-06-01"}, follow=True).content.decode()
    assert "没有该户编号的贫困户" in theirs
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
    county, office, auditor = (client_as(world, r) for r in ("recipient_office", "program_office", "auditor"))
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
    office = client_as(world, "program_office")
    response = office.post(f"/app/projects/{world.our_project.pk}/do/accept/", follow=True)
    assert "当前状态为“已申报”，不能变更为“已验收”" in response.content.decode()
    world.our_project.refresh_from_db()
    assert world.our_project.status == ProjectStatus.PROPOSED


def test_evidence_is_typed_by_its_bytes_and_served_only_through_the_scoped_view(world: World) -> None:
    county = client_as(world, "recipient_office")
    project = world.our_project
    url = f"/app/projects/{project.pk}/attachments/"
    # a PNG named .jpg is kept as a PNG
    county.post(url, {"file": uploaded("photo.jpg", PNG), "caption": "完工照片"})
    attachment = ProjectAttachment.objects.get(project=project)
    assert attachment.content_type == "image/png"
    # a script named .pdf is refused
    refused = county.post(url, {"file": uploaded("evil.pdf", b"<script>alert(1)</script>")}, follow=True)
    assert "evil.pdf" in refused.content.decode()
    assert ProjectAttachment.objects.filter(project=project).count() == 1
    download = county.get(f"/app/projects/{project.pk}/attachments/{attachment.pk}/")
    assert response_bytes(download) == PNG
    assert download["Content-Type"] == "image/png"
    # the other side's attachment id through our project's URL is not found either
    other = world.objects["attachment"]
    assert county.get(f"/app/projects/{project.pk}/attachments/{other.pk}/").status_code == 404


def test_evidence_over_the_size_limit_is_refused(world: World, monkeypatch) -> None:
    monkeypatch.setattr(project_services, "ATTACHMENT_MAX_BYTES", 100)
    from counterpart.web import app_views

    monkeypatch.setattr(app_views, "ATTACHMENT_MAX_BYTES", 100)
    county = client_as(world, "recipient_office")
    response = county.post(
        f"/app/projects/{world.our_project.pk}/attachments/",
        {"file": uploaded("big.png", PNG + b"\0" * 200)},
        follow=True,
    )
    assert "文件过大" in response.content.decode()
    assert not ProjectAttachment.objects.filter(project=world.our_project).exists()
