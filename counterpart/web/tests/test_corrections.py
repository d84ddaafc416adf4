"""Corrections and yearly records from a record's own page (issue 18): reversing a ledger entry, a
household's status for a year with its reason, a village's five components."""

import datetime

import pytest
from django.test import Client

from counterpart.access.models import Role
from counterpart.core.audit import Actor
from counterpart.funds.models import FundSource, LedgerTransaction
from counterpart.funds.services import ledger_commit
from counterpart.people.models import HouseholdStatus
from counterpart.people.services import household_register
from counterpart.projects.models import VillageComponentKind
from counterpart.projects.village_selectors import villages_advanced
from counterpart.projects.villages import village_advancement_start
from counterpart.registry.models import Area

from .conftest import World

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("test")


def _as(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


@pytest.fixture
def commitment(world: World) -> LedgerTransaction:
    return ledger_commit(
        actor=SYSTEM,
        program=world.ours,
        date=datetime.date(2010, 3, 1),
        source=FundSource.SOCIAL,
        amount_fen=200_000_00,
        pairing=world.our_pairing,
        recipient_area=world.our_project.recipient_area,
        description="社会捐赠承诺",
    )


def test_the_program_office_reverses_an_entry_from_its_page_and_the_two_link(world: World, commitment) -> None:
    office = _as(world, Role.PROGRAM_OFFICE)
    page = office.get(f"/app/funds/{commitment.pk}/").content.decode()
    assert f'action="/app/funds/{commitment.pk}/reverse/"' in page
    response = office.post(f"/app/funds/{commitment.pk}/reverse/", {"date": "2010-03-02", "reason": "金额录错"})
    reversal = LedgerTransaction.objects.get(reverses=commitment)
    assert response.status_code == 302 and response["Location"] == f"/app/funds/{reversal.pk}/"
    reversal_page = office.get(response["Location"]).content.decode()
    assert f'href="/app/funds/{commitment.pk}/"' in reversal_page and "金额录错" in reversal_page
    original_page = office.get(f"/app/funds/{commitment.pk}/").content.decode()
    assert f'href="/app/funds/{reversal.pk}/"' in original_page
    assert "/reverse/" not in original_page  # reversed once: no second form


def test_a_reversal_dated_before_the_entry_is_refused_on_the_page(world: World, commitment) -> None:
    office = _as(world, Role.PROGRAM_OFFICE)
    response = office.post(f"/app/funds/{commitment.pk}/reverse/", {"date": "2010-02-01", "reason": "错"}, follow=True)
    assert "冲销日期不能早于被冲销的交易日期" in response.content.decode()
    assert not LedgerTransaction.objects.filter(reverses=commitment).exists()


def test_a_county_is_offered_no_reversal_and_is_refused_one(world: World, commitment) -> None:
    county = _as(world, Role.RECIPIENT_OFFICE)
    page = county.get(f"/app/funds/{commitment.pk}/")
    assert page.status_code == 200
    assert "/reverse/" not in page.content.decode()
    response = county.post(f"/app/funds/{commitment.pk}/reverse/", {"date": "2010-03-02", "reason": "错"}, follow=True)
    assert "您的角色不能进行此操作" in response.content.decode()
    assert not LedgerTransaction.objects.filter(reverses=commitment).exists()


@pytest.fixture
def our_household(world: World):
    return household_register(
        actor=SYSTEM,
        number="OURS-H1",
        village=Area.objects.get(code="520422100201"),
        poverty_cause="illness",
        year=2009,
    )


def test_the_county_records_a_return_to_poverty_with_its_cause(world: World, our_household) -> None:
    county = _as(world, Role.RECIPIENT_OFFICE)
    path = f"/app/households/{our_household.pk}/"
    assert f'action="/app/households/{our_household.pk}/status/"' in county.get(path).content.decode()
    refused = county.post(f"{path}status/", {"year": 2012, "status": "returned", "reason": ""}, follow=True)
    assert "返贫须说明原因" in refused.content.decode()
    assert not HouseholdStatus.objects.filter(household=our_household, year=2012).exists()
    county.post(f"{path}status/", {"year": 2012, "status": "returned", "reason": "因病返贫"})
    record = HouseholdStatus.objects.get(household=our_household, year=2012)
    assert (record.status, record.reason) == ("returned", "因病返贫")
    assert "2012: " in county.get(path).content.decode() and "因病返贫" in county.get(path).content.decode()


def test_the_auditor_reads_the_statuses_but_is_offered_no_form(world: World, our_household) -> None:
    page = _as(world, Role.AUDITOR).get(f"/app/households/{our_household.pk}/").content.decode()
    assert "2009: " in page
    assert "/status/" not in page


@pytest.fixture
def village(world: World):
    return village_advancement_start(
        actor=SYSTEM,
        program=world.ours,
        village=Area.objects.get(code="520422100201"),
        start_year=2010,
        pairing=world.our_pairing,
    )


def test_the_county_completes_the_five_components_and_the_village_counts_that_year(world: World, village) -> None:
    county = _as(world, Role.RECIPIENT_OFFICE)
    path = f"/app/villages/{village.pk}/"
    page = county.get(path).content.decode()
    for kind in VillageComponentKind.values:
        assert f'id="component-{kind}"' in page and f"/components/{kind}/" in page
    kinds = VillageComponentKind.values
    for kind in kinds[:-1]:
        county.post(
            f"{path}components/{kind}/", {"status": "complete", "completed_on": "2011-05-01", "evidence": "验收"}
        )
    assert villages_advanced(world.ours, 2011) == 0
    assert "尚未完成全部五项内容" in county.get(path).content.decode()
    county.post(
        f"{path}components/{kinds[-1]}/", {"status": "complete", "completed_on": "2012-03-01", "evidence": "照片"}
    )
    assert villages_advanced(world.ours, 2012) == 1
    assert "2012" in county.get(path).content.decode().split('class="advanced"', 1)[1].split("</p>", 1)[0]


def test_a_component_complete_without_a_date_is_refused_on_the_page(world: World, village) -> None:
    county = _as(world, Role.RECIPIENT_OFFICE)
    response = county.post(
        f"/app/villages/{village.pk}/components/education/", {"status": "complete", "evidence": "x"}, follow=True
    )
    assert "已完成的内容须填写完成日期" in response.content.decode()
    assert village.components.get(component="education").status == "planned"


def test_the_villages_list_is_in_the_menu_of_whoever_sees_a_village(world: World, village) -> None:
    county = _as(world, Role.RECIPIENT_OFFICE)
    assert 'href="/app/villages/"' in county.get("/app/").content.decode()
    assert f'href="/app/villages/{village.pk}/"' in county.get("/app/villages/").content.decode()
