"""The API's writes for secondments, student aid, purchases and the ledger's later steps (allocations,
expenditures, refunds): the same actions as the imports, the same refusals (issue 18)."""

import datetime

import pytest

from counterpart.access.policy import verb_declared
from counterpart.core.audit import Actor
from counterpart.enterprise.models import Purchase, Side
from counterpart.enterprise.services import enterprise_register
from counterpart.funds.models import FundSource, LedgerTransaction, TransactionKind
from counterpart.funds.services import ledger_commit
from counterpart.people.models import Secondment, StudentAid
from counterpart.people.tests.factories import household, member, number
from counterpart.projects.services import project_propose
from counterpart.registry.models import OrganisationKind
from counterpart.registry.services import organisation_create

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("test")


@pytest.fixture
def commitment(program, pairing):
    return ledger_commit(
        actor=SYSTEM,
        program=program,
        date=datetime.date(2010, 3, 1),
        source=FundSource.SOCIAL,
        amount_fen=1_000_00,
        pairing=pairing,
    )


def _secondment(program, pairing, **changes):
    body = {
        "program": program.slug,
        "kind": "cadre",
        "direction": "to_recipient",
        "person_name": "李明",
        "from_area": "370202",
        "to_area": "520422",
        "start_date": "2010-03-01",
        "end_date": "2012-02-28",
        "position": "副县长",
        "pairing": pairing.pk,
    }
    return body | changes


def test_the_program_office_records_a_secondment_and_reads_it_back(office, program, pairing) -> None:
    response = office.post("/secondments", _secondment(program, pairing))
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["person_name"], created["to_area"], created["kind"]) == ("李明", "520422", "cadre")
    assert office.get(f"/secondments/{created['id']}").json() == created
    assert [s["id"] for s in office.get("/secondments", program=program.slug).json()["items"]] == [created["id"]]


def test_a_secondment_ending_before_it_starts_is_refused_by_field(office, program, pairing) -> None:
    response = office.post("/secondments", _secondment(program, pairing, end_date="2009-01-01"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "end_date"
    assert not Secondment.objects.exists()


@pytest.mark.skipif(not verb_declared("secondment_record"), reason="the action asks the policy once declared")
def test_a_read_only_auditor_may_not_record_a_secondment(auditor, program, pairing) -> None:
    assert auditor.post("/secondments", _secondment(program, pairing)).status_code == 403


def test_student_aid_is_paid_from_its_commitment(office, program, pairing, commitment, areas) -> None:
    student = member(SYSTEM, household(SYSTEM, areas["520422100201"]), 72)
    body = {
        "commitment": commitment.pk,
        "student_identity_number": number(72),
        "school_name": "马官镇中心小学",
        "date": "2010-09-01",
        "amount_fen": 600_00,
    }
    response = office.post("/student-aid", body)
    assert response.status_code == 201, response.content
    aid = StudentAid.objects.get(pk=response.json()["id"])
    assert aid.ledger_transaction.commitment == commitment
    # beyond what is left of the commitment: refused, nothing written
    again = office.post("/student-aid", body | {"amount_fen": 400_01})
    assert again.status_code == 422
    assert StudentAid.objects.count() == 1
    assert aid.student == student
    # a number nobody registered is refused by field, masked
    unknown = office.post("/student-aid", body | {"student_identity_number": number(99)})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "student_identity_number"
    assert number(99) not in unknown.content.decode()


@pytest.fixture
def seller(program, areas):
    organisation = organisation_create(
        actor=SYSTEM, name_zh="普定茶业", kind=OrganisationKind.ENTERPRISE, area=areas["520422"]
    )
    return enterprise_register(actor=SYSTEM, organisation=organisation, side=Side.RECIPIENT, programs=[program])


@pytest.fixture
def canteen(areas):
    return organisation_create(actor=SYSTEM, name_zh="市机关食堂", kind=OrganisationKind.OTHER, area=areas["3702"])


def test_the_program_office_records_a_purchase(office, program, seller, canteen) -> None:
    body = {
        "program": program.slug,
        "buyer": canteen.pk,
        "buyer_kind": "canteen",
        "seller": seller.pk,
        "product": "绿茶",
        "purchased_on": "2010-05-01",
        "amount_fen": 3_000_00,
        "quantity": "100",
        "unit": "斤",
    }
    response = office.post("/purchases", body)
    assert response.status_code == 201, response.content
    assert office.get(f"/purchases/{response.json()['id']}").json()["amount_fen"] == 3_000_00
    # a buyer outside the donor area is refused by name
    outsider = organisation_create(
        actor=SYSTEM, name_zh="外地单位", kind=OrganisationKind.OTHER, area=program.donor_area
    )
    outsider.area_id = "520402"
    outsider.save(update_fields=["area"])
    refused = office.post("/purchases", body | {"buyer": outsider.pk})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "buyer"
    assert Purchase.objects.count() == 1


def test_allocation_disbursement_expenditure_and_refund_through_the_api(office, program, pairing, areas) -> None:
    project = project_propose(
        actor=SYSTEM,
        program=program,
        code="P-API",
        title_zh="饮水工程",
        category="drinking_water",
        recipient_area=areas["520422"],
        pairing=pairing,
        year=2010,
        budget_fen=1_000_00,
    )
    commitment = ledger_commit(
        actor=SYSTEM, program=program, date=datetime.date(2010, 3, 1), source=FundSource.SOCIAL, amount_fen=1_000_00
    )
    allocation = office.post(
        "/ledger/allocations",
        {"commitment": commitment.pk, "project": project.pk, "date": "2010-03-02", "amount_fen": 800_00},
    )
    assert allocation.status_code == 201, allocation.content
    disbursement = office.post(
        "/ledger/disbursements",
        {"commitment": commitment.pk, "project": project.pk, "date": "2010-03-03", "amount_fen": 800_00},
    )
    assert disbursement.status_code == 201, disbursement.content
    draw = {"disbursement": disbursement.json()["id"], "date": "2010-04-01"}
    assert office.post("/ledger/expenditures", draw | {"amount_fen": 500_00}).status_code == 201
    assert office.post("/ledger/refunds", draw | {"amount_fen": 300_00}).status_code == 201
    # nothing is left on the disbursement to spend
    over = office.post("/ledger/expenditures", draw | {"amount_fen": 1})
    assert over.status_code == 422
    kinds = list(LedgerTransaction.objects.filter(program=program).values_list("kind", flat=True))
    assert kinds.count(TransactionKind.EXPENDITURE) == 1 and kinds.count(TransactionKind.REFUND) == 1


def test_a_county_may_not_allocate_the_ledger(puding, program, pairing) -> None:
    commitment = ledger_commit(
        actor=SYSTEM,
        program=program,
        date=datetime.date(2010, 3, 1),
        source=FundSource.SOCIAL,
        amount_fen=1_000_00,
        pairing=pairing,
        recipient_area=None,
    )
    response = puding.post(
        "/ledger/allocations", {"commitment": commitment.pk, "project": 1, "date": "2010-03-02", "amount_fen": 1}
    )
    assert response.status_code in (403, 404, 422)
    assert not LedgerTransaction.objects.filter(kind=TransactionKind.ALLOCATION).exists()
