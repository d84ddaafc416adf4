"""The API's corrections and yearly records: reversals, households' status by year, village components
(issue 18). The same actions as the web, the same refusals in the same words."""

import datetime

import pytest

from counterpart.access.policy import verb_declared
from counterpart.core.audit import Actor
from counterpart.funds.models import LedgerTransaction, TransactionKind
from counterpart.funds.services import ledger_commit
from counterpart.people.models import HouseholdStatus
from counterpart.people.services import household_register
from counterpart.projects.models import ComponentStatus, VillageComponentKind
from counterpart.projects.village_selectors import villages_advanced
from counterpart.projects.villages import village_advancement_start

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("test")


@pytest.fixture
def commitment(program, pairing):
    return ledger_commit(
        actor=SYSTEM,
        program=program,
        date=datetime.date(2010, 3, 1),
        source="fiscal_municipal",
        amount_fen=500_000_00,
        pairing=pairing,
        description="承诺",
    )


@pytest.fixture
def household(areas):
    return household_register(
        actor=SYSTEM, number="H-API-1", village=areas["520422100201"], poverty_cause="illness", year=2009
    )


@pytest.fixture
def advancement(program, pairing, areas):
    return village_advancement_start(
        actor=SYSTEM, program=program, village=areas["520422100201"], start_year=2010, pairing=pairing
    )


# --- reversals ---------------------------------------------------------------------------------------------


def test_the_program_office_reverses_an_entry_and_the_two_link(office, commitment) -> None:
    response = office.post(
        f"/ledger/transactions/{commitment.pk}/reversal", {"date": "2010-03-05", "reason": "录入重复"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == TransactionKind.REVERSAL
    assert body["reverses"] == commitment.pk
    assert body["description"] == "录入重复"
    assert sum(p["amount_fen"] for p in body["postings"]) == 0
    # and the original's record leads to its reversal through the same link
    assert LedgerTransaction.objects.get(reverses=commitment).pk == body["id"]


def test_a_reversal_dated_before_its_original_is_refused_by_field(office, commitment) -> None:
    response = office.post(f"/ledger/transactions/{commitment.pk}/reversal", {"date": "2010-02-28", "reason": "错"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "date"
    assert not LedgerTransaction.objects.filter(reverses=commitment).exists()


def test_a_reversal_needs_a_reason(office, commitment) -> None:
    response = office.post(f"/ledger/transactions/{commitment.pk}/reversal", {"date": "2010-03-05", "reason": ""})
    assert response.status_code == 422


def test_an_entry_is_reversed_once(office, commitment) -> None:
    path = f"/ledger/transactions/{commitment.pk}/reversal"
    assert office.post(path, {"date": "2010-03-05", "reason": "一"}).status_code == 201
    second = office.post(path, {"date": "2010-03-06", "reason": "二"})
    assert second.status_code == 422
    assert second.json()["errors"][0]["field"] == "reverses"


def test_a_county_may_not_reverse_the_ledger(puding, commitment) -> None:
    response = puding.post(f"/ledger/transactions/{commitment.pk}/reversal", {"date": "2010-03-05", "reason": "错"})
    # the county sees the commitment (its pairing's area) only if scoped to it; either way nothing is posted
    assert response.status_code in (403, 404)
    assert not LedgerTransaction.objects.filter(reverses=commitment).exists()


# --- household status --------------------------------------------------------------------------------------


def test_the_county_records_a_return_to_poverty_with_its_cause(puding, household) -> None:
    response = puding.put(f"/households/{household.pk}/statuses/2012", {"status": "returned", "reason": "因病返贫"})
    assert response.status_code == 200, response.content
    assert response.json() == {"household": household.pk, "year": 2012, "status": "returned", "reason": "因病返贫"}
    listed = puding.get(f"/households/{household.pk}/statuses").json()
    assert [(s["year"], s["status"]) for s in listed] == [(2009, "registered"), (2012, "returned")]


def test_a_return_without_its_cause_is_refused(puding, household) -> None:
    response = puding.put(f"/households/{household.pk}/statuses/2012", {"status": "returned"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "reason"
    assert not HouseholdStatus.objects.filter(household=household, year=2012).exists()


def test_a_status_set_again_replaces_that_years(puding, household) -> None:
    puding.put(f"/households/{household.pk}/statuses/2011", {"status": "lifted", "reason": "务工增收"})
    puding.put(f"/households/{household.pk}/statuses/2011", {"status": "returned", "reason": "因灾"})
    record = HouseholdStatus.objects.get(household=household, year=2011)
    assert (record.status, record.reason) == ("returned", "因灾")


def test_another_county_does_not_find_the_household(xixiu, household) -> None:
    response = xixiu.put(f"/households/{household.pk}/statuses/2012", {"status": "lifted"})
    assert response.status_code == 404


@pytest.mark.skipif(not verb_declared("household_status_set"), reason="the action asks the policy once declared")
def test_a_read_only_auditor_may_not_record_a_status(auditor, household) -> None:
    response = auditor.put(f"/households/{household.pk}/statuses/2012", {"status": "lifted"})
    assert response.status_code == 403


# --- village components ------------------------------------------------------------------------------------


def test_the_village_is_advanced_in_the_year_its_last_component_completes(puding, advancement, program) -> None:
    path = f"/village-advancements/{advancement.pk}/components"
    kinds = VillageComponentKind.values
    for kind in kinds[:-1]:
        response = puding.put(
            f"{path}/{kind}", {"status": "complete", "completed_on": "2011-06-01", "evidence": "验收报告"}
        )
        assert response.status_code == 200, response.content
    assert response.json()["advanced_in"] is None
    assert villages_advanced(program, 2012) == 0
    last = puding.put(f"{path}/{kinds[-1]}", {"status": "complete", "completed_on": "2012-04-10", "evidence": "照片"})
    assert last.status_code == 200
    assert last.json()["advanced_in"] == 2012
    assert villages_advanced(program, 2012) == 1
    assert villages_advanced(program, 2011) == 0


def test_a_component_complete_needs_its_date(puding, advancement) -> None:
    response = puding.put(
        f"/village-advancements/{advancement.pk}/components/health_appearance", {"status": "complete"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "completed_on"
    component = advancement.components.get(component="health_appearance")
    assert component.status == ComponentStatus.PLANNED


def test_the_village_page_lists_its_five_components(puding, advancement) -> None:
    body = puding.get(f"/village-advancements/{advancement.pk}").json()
    assert sorted(c["component"] for c in body["components"]) == sorted(VillageComponentKind.values)
    assert {c["status"] for c in body["components"]} == {"planned"}


def test_the_program_office_starts_a_village(office, program, areas) -> None:
    response = office.post(
        "/village-advancements", {"program": program.slug, "village": "520422100201", "start_year": 2010}
    )
    assert response.status_code == 201, response.content
    assert len(response.json()["components"]) == 5


def test_another_county_does_not_find_the_village(xixiu, advancement) -> None:
    path = f"/village-advancements/{advancement.pk}/components/education"
    assert xixiu.put(path, {"status": "in_progress"}).status_code == 404


@pytest.mark.skipif(not verb_declared("village_component_update"), reason="the action asks the policy once declared")
def test_a_read_only_auditor_may_not_update_a_component(auditor, advancement) -> None:
    path = f"/village-advancements/{advancement.pk}/components/education"
    assert auditor.put(path, {"status": "in_progress"}).status_code == 403
