"""Enterprise set-up, market event participation and job placement in the signed-in app (issue 18): the
program office registers an enterprise, its operations and agreements and who took part in a fair; the
county office (or the program office) records a labourer's job. Each form picks records by name, shows
the action's refusal beside its field in the user's language, and is closed to a role that may not."""

import datetime
import html

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from counterpart.access.models import Membership, Role
from counterpart.core.audit import Actor
from counterpart.core.models import AuditEvent
from counterpart.enterprise.models import CooperationAgreement, Enterprise, EventParticipation, Operation, Side
from counterpart.enterprise.services import enterprise_register, market_event_record
from counterpart.people.identity import identity_compose
from counterpart.people.models import Benefit, BenefitKind, JobPlacement
from counterpart.people.services import PersonRow, household_register, person_register, training_create
from counterpart.registry.models import Area, OrganisationKind
from counterpart.registry.services import organisation_create, period_lock

from .conftest import World, client_as

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("test")


def _page(response) -> str:
    return html.unescape(response.content.decode())


def _field_error(response, field: str) -> str:
    """The error shown beside a form's field."""
    page = response.content.decode()
    marker = f'id="id_{field}-error">'
    assert marker in page, f"no error beside {field}"
    return html.unescape(page.split(marker, 1)[1].split("</span>", 1)[0])


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _organisation(name: str, code: str):
    return organisation_create(
        actor=SYSTEM, name_zh=name, kind=OrganisationKind.ENTERPRISE, area=Area.objects.get(code=code)
    )


def _user(username: str, **membership) -> Client:
    user = get_user_model().objects.create_user(username, password="pw-123456")
    Membership.objects.create(user=user, **membership)
    client = Client()
    client.force_login(user)
    return client


# --- an enterprise ------------------------------------------------------------------------------------


def test_the_program_office_registers_an_enterprise_picked_by_name(world: World) -> None:
    office = client_as(world, Role.PROGRAM_OFFICE)
    tea = _organisation("普定新茶公司", "520422")
    assert 'href="/app/enterprises/new/"' in office.get("/app/enterprises/").content.decode()
    form = office.get("/app/enterprises/new/")
    assert form.status_code == 200 and "/app/pickers/enterprise-organisations/" in form.content.decode()
    found = office.get("/app/pickers/enterprise-organisations/", {"q": "新茶"}).json()["results"]
    assert [result["id"] for result in found] == [str(tea.pk)]

    data = {"organisation": tea.pk, "side": Side.RECIPIENT, "sector": "food_processing", "programs": [world.ours.pk]}
    response = office.post("/app/enterprises/new/", data)
    enterprise = Enterprise.objects.get(organisation=tea)
    assert response.status_code == 302 and response["Location"] == f"/app/enterprises/{enterprise.pk}/"
    assert list(enterprise.programs.all()) == [world.ours]
    assert AuditEvent.objects.filter(action="enterprise.register", object_id=str(enterprise.pk)).exists()

    again = office.post("/app/enterprises/new/", data)
    assert again.status_code == 200 and "该企业已登记" in _field_error(again, "organisation")
    english = _english(office).post("/app/enterprises/new/", data)
    assert "This enterprise is already registered" in _field_error(english, "organisation")


def test_an_enterprise_account_and_a_county_may_not_set_enterprises_up(world: World) -> None:
    own = world.objects["our_enterprise"]
    enterprise = client_as(world, Role.ENTERPRISE)
    page = enterprise.get(f"/app/enterprises/{own.pk}/").content.decode()
    assert "/operations/new/" not in page and "/agreements/new/" not in page
    for url in ("/app/enterprises/new/", f"/app/enterprises/{own.pk}/operations/new/"):
        refused = enterprise.get(url)
        assert refused.status_code == 403 and "您的角色不能进行此操作" in _page(refused)
    english = _english(client_as(world, Role.RECIPIENT_OFFICE)).get("/app/enterprises/new/")
    assert english.status_code == 403 and "Your role may not take this action" in _page(english)
    assert not Operation.objects.exists()


def test_another_programs_office_does_not_find_our_enterprise(world: World) -> None:
    theirs = _user("their-office", role=Role.PROGRAM_OFFICE, program=world.theirs)
    own = world.objects["our_enterprise"]
    assert theirs.get(f"/app/enterprises/{own.pk}/agreements/new/").status_code == 404
    tea = _organisation("普定新茶公司", "520422")
    data = {"organisation": tea.pk, "side": Side.RECIPIENT, "programs": [world.ours.pk]}
    refused = theirs.post("/app/enterprises/new/", data)
    assert refused.status_code == 200 and "programs" in refused.context["form"].errors
    assert not Enterprise.objects.filter(organisation=tea).exists()


def test_the_program_office_records_an_operation_and_an_agreement_from_the_enterprises_page(world: World) -> None:
    office = client_as(world, Role.PROGRAM_OFFICE)
    own = world.objects["our_enterprise"]
    page = office.get(f"/app/enterprises/{own.pk}/").content.decode()
    assert f'href="/app/enterprises/{own.pk}/operations/new/"' in page
    assert f'href="/app/enterprises/{own.pk}/agreements/new/"' in page
    factory = _organisation("普定电子厂", "520422")
    operation = {"organisation": factory.pk, "kind": "subsidiary", "area": "520422100201", "sector": "electronics"}
    village = office.post(f"/app/enterprises/{own.pk}/operations/new/", operation)
    assert "经营地点应为地级或县级区划" in _field_error(village, "area")
    response = office.post(f"/app/enterprises/{own.pk}/operations/new/", operation | {"area": "520422"})
    assert response.status_code == 302 and response["Location"] == f"/app/enterprises/{own.pk}/"
    recorded = Operation.objects.get(enterprise=own)
    assert (recorded.organisation, recorded.area_id) == (factory, "520422")
    assert "普定电子厂" in office.get(f"/app/enterprises/{own.pk}/").content.decode()

    agreement = {
        "program": world.ours.pk,
        "title": "电子厂合作协议",
        "signed_on": "2010-05-01",
        "agreed_investment": "1200.50",
        "recipient_area": "520422",
        "operation": recorded.pk,
    }
    response = office.post(f"/app/enterprises/{own.pk}/agreements/new/", agreement)
    assert response.status_code == 302
    signed = CooperationAgreement.objects.get(enterprise=own)
    assert (signed.agreed_investment_fen, signed.operation) == (120050, recorded)
    assert "电子厂合作协议" in office.get(f"/app/enterprises/{own.pk}/").content.decode()
    # the period guard: a locked year takes no new agreement, said beside the date
    period_lock(actor=SYSTEM, program=world.ours, year=2011, reason="报告已核定")
    locked = office.post(f"/app/enterprises/{own.pk}/agreements/new/", agreement | {"signed_on": "2011-03-01"})
    assert "2011 年度数据已锁定" in _field_error(locked, "signed_on")
    assert CooperationAgreement.objects.filter(enterprise=own).count() == 1


# --- a market event -----------------------------------------------------------------------------------


@pytest.fixture
def fair(world: World):
    return market_event_record(
        actor=SYSTEM,
        program=world.ours,
        kind="fair",
        title="青岛农产品展销会",
        place="青岛国际会展中心",
        area=Area.objects.get(code="3702"),
        start_date=datetime.date(2010, 9, 1),
        end_date=datetime.date(2010, 9, 3),
    )


@pytest.fixture
def seller(world: World):
    organisation = _organisation("普定茶业", "520422")
    return enterprise_register(actor=SYSTEM, organisation=organisation, side=Side.RECIPIENT, programs=[world.ours])


def test_the_program_office_registers_an_enterprise_at_a_fair_from_its_workbench(world: World, fair, seller) -> None:
    office = client_as(world, Role.PROGRAM_OFFICE)
    form_url = f"/app/events/{fair.pk}/participants/new/"
    assert f'href="{form_url}"' in office.get("/app/").content.decode()
    assert f'href="{form_url}"' in office.get(f"/app/events/{fair.pk}/").content.decode()
    found = office.get("/app/pickers/enterprises/", {"q": "普定", "forward": '{"side": "recipient"}'}).json()
    assert [result["id"] for result in found["results"]] == [str(seller.pk)]

    donor_side = office.post(form_url, {"enterprise": world.objects["our_enterprise"].pk})
    assert "参会企业应为受援方企业" in _field_error(donor_side, "enterprise")
    english = _english(client_as(world, Role.PROGRAM_OFFICE)).post(
        form_url, {"enterprise": world.objects["our_enterprise"].pk}
    )
    assert "Participating enterprises must be recipient-side enterprises" in _field_error(english, "enterprise")

    response = office.post(form_url, {"enterprise": seller.pk, "direct_sales": "3000", "order_value": ""})
    assert response.status_code == 302 and response["Location"] == f"/app/events/{fair.pk}/"
    participation = EventParticipation.objects.get(event=fair)
    assert (participation.enterprise, participation.direct_sales_fen, participation.order_value_fen) == (
        seller,
        300000,
        None,
    )
    assert "普定茶业" in office.get(f"/app/events/{fair.pk}/").content.decode()
    assert f'href="{form_url}"' not in office.get("/app/").content.decode()  # done: no longer waiting


def test_a_county_may_not_register_participants(world: World, fair, seller) -> None:
    county = client_as(world, Role.RECIPIENT_OFFICE)
    assert f"/app/events/{fair.pk}/participants/new/" not in county.get("/app/").content.decode()
    refused = county.post(f"/app/events/{fair.pk}/participants/new/", {"enterprise": seller.pk})
    assert refused.status_code in (403, 404)
    assert not EventParticipation.objects.exists()


# --- a job placement ----------------------------------------------------------------------------------


@pytest.fixture
def labourer(world: World):
    village = Area.objects.get(code="520422100201")
    home = household_register(actor=SYSTEM, number="OURS-H9", village=village, poverty_cause="illness", year=2009)
    number = identity_compose("520422", datetime.date(1985, 4, 2), 31)
    row = PersonRow(name="王小二", sex="male", area=village, identity_number=number, household=home, relation="head")
    return person_register(actor=SYSTEM, row=row)


def _placement(world: World, labourer, **changes) -> dict:
    data = {
        "program": world.ours.pk,
        "person": labourer.pk,
        "employer_name": "青岛某电子厂",
        "place": "370202",
        "start_date": "2010-03-01",
        "monthly_income": "2500",
    }
    return data | changes


def test_the_county_records_a_labourers_job_from_the_persons_page(world: World, labourer) -> None:
    county = client_as(world, Role.RECIPIENT_OFFICE)
    link = f"/app/placements/new/?person={labourer.pk}"
    assert f'href="{link}"' in county.get(f"/app/people/{labourer.pk}/").content.decode()
    form = county.get(link)
    assert form.status_code == 200 and form.context["form"].initial["person"] == labourer
    found = county.get("/app/pickers/persons/", {"q": "王小"}).json()["results"]
    assert [result["id"] for result in found] == [str(labourer.pk)]

    negative = county.post("/app/placements/new/", _placement(world, labourer, monthly_income="-1"))
    assert "monthly_income" in negative.context["form"].errors and not JobPlacement.objects.exists()
    response = county.post("/app/placements/new/", _placement(world, labourer))
    assert response.status_code == 302 and response["Location"] == f"/app/people/{labourer.pk}/"
    placement = JobPlacement.objects.get(person=labourer)
    assert (placement.monthly_income_fen, placement.place_id, placement.year) == (250000, "370202", 2010)
    assert Benefit.objects.filter(person=labourer, kind=BenefitKind.JOB_PLACEMENT).count() == 1
    assert "青岛某电子厂" in county.get(f"/app/people/{labourer.pk}/").content.decode()
    # from a course's page, the form opens with the course and its program chosen
    course = training_create(
        actor=SYSTEM,
        program=world.ours,
        kind="labour_transfer",
        title="电子装配培训",
        place=Area.objects.get(code="520422"),
        start_date=datetime.date(2010, 1, 5),
        end_date=datetime.date(2010, 1, 20),
    )
    from_course = f"/app/placements/new/?training={course.pk}"
    assert f'href="{from_course}"' in county.get(f"/app/trainings/{course.pk}/").content.decode()
    initial = county.get(from_course).context["form"].initial
    assert (initial["training"], initial["program"]) == (course, world.ours.pk)
    # a year outside the program's term: refused beside the date
    early = county.post("/app/placements/new/", _placement(world, labourer, start_date="1990-01-01"))
    assert "年份不在协作项目的期限内" in _field_error(early, "start_date")


def test_another_county_and_an_enterprise_may_not_place_our_labourer(world: World, labourer) -> None:
    neighbour = _user("xixiu-office", role=Role.RECIPIENT_OFFICE, area=Area.objects.get(code="520402"))
    assert neighbour.get("/app/pickers/persons/", {"q": "王小"}).json()["results"] == []
    refused = neighbour.post("/app/placements/new/", _placement(world, labourer))
    assert refused.status_code == 200 and "person" in refused.context["form"].errors
    english = _english(neighbour).post("/app/placements/new/", _placement(world, labourer))
    assert "Select a valid choice" in _field_error(english, "person")
    enterprise = client_as(world, Role.ENTERPRISE)
    assert enterprise.get("/app/placements/new/").status_code == 403
    assert not JobPlacement.objects.exists()


def test_the_workbench_links_each_role_to_the_new_pages(world: World) -> None:
    office = client_as(world, Role.PROGRAM_OFFICE).get("/app/").content.decode()
    assert 'href="/app/enterprises/new/"' in office and 'href="/app/placements/new/"' in office
    own = world.objects["our_enterprise"]
    assert f'href="/app/enterprises/{own.pk}/operations/new/"' in office  # a donor-side enterprise with no operation
    county = client_as(world, Role.RECIPIENT_OFFICE).get("/app/").content.decode()
    assert 'href="/app/placements/new/"' in county and 'href="/app/enterprises/new/"' not in county
    enterprise = client_as(world, Role.ENTERPRISE).get("/app/").content.decode()
    assert f'href="/app/enterprises/{own.pk}/"' in enterprise and "/app/enterprise-reports/new/" in enterprise
