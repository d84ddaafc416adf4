"""The API's writes for enterprise set-up (an enterprise, its operations and agreements), a fair's
participants and job placements (issue 18): the same actions as the web's pages, so the same policy,
the same period guard and the same messages, in the language asked for."""

import datetime

import pytest

from counterpart.access.models import Role
from counterpart.core.audit import Actor
from counterpart.enterprise.models import CooperationAgreement, Enterprise, EventParticipation, Operation, Side
from counterpart.enterprise.services import enterprise_register, market_event_record
from counterpart.people.models import Benefit, BenefitKind, JobPlacement
from counterpart.people.tests.factories import household, member
from counterpart.registry.models import OrganisationKind
from counterpart.registry.services import organisation_create, period_lock, program_create

from .conftest import ApiClient, user_with_token

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("test")
ENGLISH = {"Accept-Language": "en"}


def _organisation(areas, name: str, code: str):
    return organisation_create(actor=SYSTEM, name_zh=name, kind=OrganisationKind.ENTERPRISE, area=areas[code])


def _error(response) -> tuple[str | None, str]:
    error = response.json()["errors"][0]
    return error["field"], error["message"]


@pytest.fixture
def company(program, areas):
    organisation = _organisation(areas, "红星集团", "3702")
    return enterprise_register(actor=SYSTEM, organisation=organisation, side=Side.DONOR, programs=[program])


@pytest.fixture
def company_account(company) -> ApiClient:
    _user, token = user_with_token("company", role=Role.ENTERPRISE, organisation=company.organisation)
    return ApiClient(token)


@pytest.fixture
def their_office(areas) -> ApiClient:
    theirs = program_create(actor=SYSTEM, slug="theirs", name_zh="另一协作", donor_area=areas["3702"], start_year=1996)
    _user, token = user_with_token("their-office", role=Role.PROGRAM_OFFICE, program=theirs)
    return ApiClient(token)


# --- an enterprise ------------------------------------------------------------------------------------


def test_the_program_office_registers_an_enterprise_once_per_key(office, program, areas) -> None:
    tea = _organisation(areas, "普定茶业", "520422")
    body = {"organisation": tea.pk, "side": "recipient", "sector": "food_processing", "programs": [program.slug]}
    response = office.post("/enterprises", body, headers={"Idempotency-Key": "tea-1"})
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["name_zh"], created["side"], created["programs"]) == ("普定茶业", "recipient", [program.slug])
    assert office.get(f"/enterprises/{created['id']}").json() == created
    replay = office.post("/enterprises", body, headers={"Idempotency-Key": "tea-1"})
    assert replay.json() == created and replay["Idempotent-Replayed"] == "true"
    again = office.post("/enterprises", body)
    assert again.status_code == 422 and _error(again) == ("organisation", "该企业已登记")
    assert Enterprise.objects.filter(organisation=tea).count() == 1


def test_an_enterprise_and_another_programs_office_may_not_register_one(
    program, areas, company_account, their_office
) -> None:
    tea = _organisation(areas, "普定茶业", "520422")
    body = {"organisation": tea.pk, "side": "recipient", "programs": [program.slug]}
    refused = company_account.post("/enterprises", body)
    assert refused.status_code == 403 and _error(refused) == (None, "您的角色不能进行此操作")
    assert _error(company_account.post("/enterprises", body, headers=ENGLISH)) == (
        None,
        "Your role may not take this action",
    )
    outside = their_office.post("/enterprises", body)
    # the policy names the program it refuses (the body's ``programs`` holds it)
    assert outside.status_code == 422 and _error(outside) == ("program", "该协作项目不在您的权限范围内")
    assert _error(their_office.post("/enterprises", body, headers=ENGLISH)) == (
        "program",
        "this program is not within your scope",
    )
    assert not Enterprise.objects.filter(organisation=tea).exists()


# --- operations and agreements ------------------------------------------------------------------------


def test_the_program_office_records_an_operation_and_reads_it_back(office, company, areas) -> None:
    factory = _organisation(areas, "普定红星化工", "520422")
    body = {"organisation": factory.pk, "kind": "subsidiary", "area": "520422", "sector": "chemicals"}
    village = office.post(f"/enterprises/{company.pk}/operations", body | {"area": "520422100201"})
    assert village.status_code == 422 and _error(village) == ("area", "经营地点应为地级或县级区划")
    response = office.post(f"/enterprises/{company.pk}/operations", body | {"start_year": 2009})
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["name_zh"], created["area"], created["start_year"]) == ("普定红星化工", "520422", 2009)
    listed = office.get(f"/enterprises/{company.pk}/operations").json()["items"]
    assert listed == [created]


def test_an_enterprise_may_not_record_its_own_operation_nor_another_office_see_it(
    company, company_account, their_office, areas
) -> None:
    factory = _organisation(areas, "普定红星化工", "520422")
    body = {"organisation": factory.pk, "kind": "subsidiary", "area": "520422", "sector": "chemicals"}
    refused = company_account.post(f"/enterprises/{company.pk}/operations", body)
    assert refused.status_code == 403 and _error(refused) == (None, "您的角色不能进行此操作")
    assert their_office.post(f"/enterprises/{company.pk}/operations", body).status_code == 404
    assert not Operation.objects.exists()


def test_an_agreement_is_recorded_and_a_locked_year_takes_none(office, auditor, program, company) -> None:
    body = {
        "program": program.slug,
        "enterprise": company.pk,
        "title": "化工厂重组协议",
        "signed_on": "2010-05-01",
        "agreed_investment_fen": 12_000_000_00,
        "recipient_area": "520422",
    }
    response = office.post("/agreements", body, headers={"Idempotency-Key": "a-1"})
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["agreed_investment_fen"], created["enterprise"]) == (12_000_000_00, company.pk)
    assert office.get("/agreements", program=program.slug, year=2010).json()["items"] == [created]
    assert office.get(f"/agreements/{created['id']}").json() == created
    period_lock(actor=SYSTEM, program=program, year=2011, reason="报告已核定")
    locked = office.post("/agreements", body | {"signed_on": "2011-03-01"})
    assert locked.status_code == 422 and _error(locked)[0] == "signed_on"
    assert "2011 年度数据已锁定" in _error(locked)[1]
    assert (
        "The data for 2011 are locked"
        in _error(office.post("/agreements", body | {"signed_on": "2011-03-01"}, ENGLISH))[1]
    )
    refused = auditor.post("/agreements", body)
    assert refused.status_code == 403
    assert CooperationAgreement.objects.count() == 1


# --- a fair's participants ----------------------------------------------------------------------------


@pytest.fixture
def fair(program, areas):
    return market_event_record(
        actor=SYSTEM,
        program=program,
        kind="fair",
        title="青岛农产品展销会",
        place="青岛",
        area=areas["3702"],
        start_date=datetime.date(2010, 9, 1),
        end_date=datetime.date(2010, 9, 3),
    )


@pytest.fixture
def seller(program, areas):
    organisation = _organisation(areas, "普定茶业", "520422")
    return enterprise_register(actor=SYSTEM, organisation=organisation, side=Side.RECIPIENT, programs=[program])


def test_the_program_office_registers_and_corrects_an_enterprises_sales_at_a_fair(
    office, puding, fair, seller, company
) -> None:
    url = f"/market-events/{fair.pk}/participations/{seller.pk}"
    response = office.put(url, {"direct_sales_fen": 3_000_00})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "event": fair.pk,
        "enterprise": seller.pk,
        "direct_sales_fen": 3_000_00,
        "order_value_fen": None,
        "is_illustrative": False,
    }
    assert office.put(url, {"direct_sales_fen": 3_500_00, "order_value_fen": 10_000_00}).status_code == 200
    participation = EventParticipation.objects.get(event=fair)
    assert (participation.direct_sales_fen, participation.order_value_fen) == (3_500_00, 10_000_00)
    assert office.get(f"/market-events/{fair.pk}").json()["registered_participants"] == [seller.pk]
    donor_side = office.put(f"/market-events/{fair.pk}/participations/{company.pk}", {})
    assert donor_side.status_code == 422 and _error(donor_side) == ("enterprise", "参会企业应为受援方企业")
    # the county does not see a fair held in the donor city
    assert puding.put(url, {"direct_sales_fen": 1}).status_code == 404
    assert EventParticipation.objects.count() == 1


# --- job placements -----------------------------------------------------------------------------------


@pytest.fixture
def labourer(areas):
    return member(SYSTEM, household(SYSTEM, areas["520422100201"]), 73, name="王小二")


def _placement(program, labourer, **changes) -> dict:
    body = {
        "program": program.slug,
        "person": labourer.pk,
        "employer_name": "青岛某电子厂",
        "place": "370202",
        "start_date": "2010-03-01",
        "monthly_income_fen": 2_500_00,
    }
    return body | changes


def test_the_county_records_a_job_placement_once_per_key(puding, program, pairing, labourer) -> None:
    body = _placement(program, labourer)
    response = puding.post("/job-placements", body, headers={"Idempotency-Key": "job-1"})
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["person"], created["place"], created["year"]) == (labourer.pk, "370202", 2010)
    assert puding.post("/job-placements", body, headers={"Idempotency-Key": "job-1"}).json() == created
    assert JobPlacement.objects.count() == 1
    assert Benefit.objects.filter(person=labourer, kind=BenefitKind.JOB_PLACEMENT).count() == 1
    assert puding.get("/job-placements", person=labourer.pk).json()["items"] == [created]
    assert puding.get(f"/job-placements/{created['id']}").json() == created
    early = puding.post("/job-placements", body | {"start_date": "1990-01-01"})
    assert early.status_code == 422 and _error(early) == ("start_date", "年份不在协作项目的期限内")


def test_another_county_and_a_read_only_auditor_may_not_place_our_labourer(xixiu, auditor, program, labourer) -> None:
    body = _placement(program, labourer)
    outside = xixiu.post("/job-placements", body)
    assert outside.status_code == 422 and _error(outside) == ("person", "不存在或不在您的权限范围内")
    assert _error(xixiu.post("/job-placements", body, headers=ENGLISH)) == (
        "person",
        "does not exist or is outside your scope",
    )
    refused = auditor.post("/job-placements", body)
    assert refused.status_code == 403 and _error(refused) == (None, "您的角色不能进行此操作")
    assert not JobPlacement.objects.exists()
