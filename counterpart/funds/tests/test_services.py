import datetime

import pytest
from django.db import transaction
from django.db.models import Sum

from counterpart.core.errors import InvalidInput
from counterpart.core.models import AuditEvent
from counterpart.funds import selectors
from counterpart.funds.models import AccountType, FundSource, LedgerTransaction, Posting
from counterpart.funds.services import (
    ledger_allocate,
    ledger_commit,
    ledger_disburse,
    ledger_donate_in_kind,
    ledger_refund,
    ledger_reverse,
    ledger_spend,
)

DAY = datetime.date(2009, 3, 1)


@pytest.fixture
def commitment(program, pairing, actor):
    return ledger_commit(
        actor=actor, program=program, date=DAY, source=FundSource.FISCAL_MUNICIPAL, amount_fen=1_000_00, pairing=pairing
    )


def test_commitment_posts_a_balanced_pair_and_an_audit_event(commitment) -> None:
    postings = {p.account.type: p.amount_fen for p in commitment.postings.select_related("account")}
    assert postings == {AccountType.COMMITTED: 1_000_00, AccountType.CONTRIBUTIONS: -1_000_00}
    assert AuditEvent.objects.filter(action="ledger.commitment", object_id=str(commitment.pk)).exists()


def test_disbursing_more_than_committed_is_refused_and_writes_nothing(commitment, actor) -> None:
    # given 1,000.00 committed, 600.00 already disbursed
    ledger_disburse(actor=actor, commitment=commitment, date=DAY, amount_fen=600_00)
    count = LedgerTransaction.objects.count()
    # when 400.01 more is asked for
    with pytest.raises(InvalidInput) as error:
        ledger_disburse(actor=actor, commitment=commitment, date=DAY, amount_fen=400_01)
    # then it is refused with the amounts named, and nothing was written
    assert error.value.field == "amount"
    assert "400.00" in error.value.messages[0] and "400.01" in error.value.messages[0]
    assert LedgerTransaction.objects.count() == count
    # exactly the remainder is accepted
    ledger_disburse(actor=actor, commitment=commitment, date=DAY, amount_fen=400_00)


def test_project_disbursement_draws_only_on_that_projects_allocation(commitment, project, actor) -> None:
    with pytest.raises(InvalidInput):
        ledger_disburse(actor=actor, commitment=commitment, project=project, date=DAY, amount_fen=1_00)
    ledger_allocate(actor=actor, commitment=commitment, project=project, date=DAY, amount_fen=300_00)
    ledger_disburse(actor=actor, commitment=commitment, project=project, date=DAY, amount_fen=300_00)
    with pytest.raises(InvalidInput):
        ledger_disburse(actor=actor, commitment=commitment, project=project, date=DAY, amount_fen=1_00)
    # the unallocated 700.00 is still there for other uses
    ledger_disburse(actor=actor, commitment=commitment, date=DAY, amount_fen=700_00)


@pytest.mark.parametrize("amount", [0, -5_00, 1.5, True])
def test_amounts_must_be_positive_whole_fen(commitment, actor, amount) -> None:
    with pytest.raises(InvalidInput) as error:
        ledger_disburse(actor=actor, commitment=commitment, date=DAY, amount_fen=amount)
    assert error.value.field == "amount"


def test_unknown_source_is_refused(program, actor) -> None:
    with pytest.raises(InvalidInput) as error:
        ledger_commit(actor=actor, program=program, date=DAY, source="lottery", amount_fen=1_00)
    assert (error.value.field, error.value.value) == ("source", "lottery")
    assert not LedgerTransaction.objects.exists()


def test_spending_and_refunding_stay_within_what_was_disbursed(commitment, actor) -> None:
    disbursement = ledger_disburse(actor=actor, commitment=commitment, date=DAY, amount_fen=500_00)
    ledger_spend(actor=actor, disbursement=disbursement, date=DAY, amount_fen=300_00)
    with pytest.raises(InvalidInput):
        ledger_refund(actor=actor, disbursement=disbursement, date=DAY, amount_fen=200_01)
    ledger_refund(actor=actor, disbursement=disbursement, date=DAY, amount_fen=200_00)
    # the refund went back to the commitment, so it can be disbursed again
    ledger_disburse(actor=actor, commitment=commitment, date=DAY, amount_fen=700_00)
    assert selectors.support_delivered_fen(commitment.program) == 1_000_00


def test_reversal_mirrors_the_original_once(commitment, actor) -> None:
    disbursement = ledger_disburse(actor=actor, commitment=commitment, date=DAY, amount_fen=500_00)
    reversal = ledger_reverse(actor=actor, original=disbursement, date=DAY, reason="录入错误")
    assert sorted(p.amount_fen for p in reversal.postings.all()) == sorted(
        -p.amount_fen for p in disbursement.postings.all()
    )
    assert selectors.support_delivered_fen(commitment.program) == 0
    with pytest.raises(InvalidInput):
        ledger_reverse(actor=actor, original=disbursement, date=DAY, reason="again")
    with pytest.raises(InvalidInput):
        ledger_reverse(actor=actor, original=reversal, date=DAY, reason="undo the undo")


def test_a_commitment_with_disbursements_cannot_be_reversed(commitment, actor) -> None:
    ledger_disburse(actor=actor, commitment=commitment, date=DAY, amount_fen=1_00)
    with pytest.raises(InvalidInput):
        ledger_reverse(actor=actor, original=commitment, date=DAY, reason="withdrawn")


def test_a_reversed_commitment_cannot_be_drawn_on(program, actor) -> None:
    commitment = ledger_commit(actor=actor, program=program, date=DAY, source=FundSource.SOCIAL, amount_fen=10_00)
    ledger_reverse(actor=actor, original=commitment, date=DAY, reason="pledge withdrawn")
    with pytest.raises(InvalidInput) as error:
        ledger_disburse(actor=actor, commitment=commitment, date=DAY, amount_fen=1_00)
    assert error.value.field == "commitment"


def test_in_kind_donation_needs_items_and_counts_as_support(program, actor) -> None:
    with pytest.raises(InvalidInput) as error:
        ledger_donate_in_kind(
            actor=actor,
            program=program,
            date=DAY,
            source=FundSource.SOCIAL,
            value_fen=10_00,
            item_description="衣物",
            item_quantity=0,
            item_unit="件",
        )
    assert error.value.field == "item_quantity"
    ledger_donate_in_kind(
        actor=actor,
        program=program,
        date=DAY,
        source=FundSource.SOCIAL,
        value_fen=641_000_00,
        item_description="衣物被褥",
        item_quantity=641000,
        item_unit="件",
    )
    assert selectors.support_delivered_fen(program, year=2009, in_kind=True) == 641_000_00
    assert selectors.support_delivered_fen(program, year=2009, in_kind=False) == 0
    assert selectors.in_kind_items(program, year=2009) == {"件": 641000}


def test_idempotency_key_makes_a_retry_create_nothing(program, actor) -> None:
    first = ledger_commit(
        actor=actor, program=program, date=DAY, source=FundSource.SOCIAL, amount_fen=5_00, idempotency_key="req-1"
    )
    again = ledger_commit(
        actor=actor, program=program, date=DAY, source=FundSource.SOCIAL, amount_fen=5_00, idempotency_key="req-1"
    )
    assert again.pk == first.pk
    assert LedgerTransaction.objects.count() == 1


def test_balances_group_by_source_and_year(program, actor) -> None:
    ledger_commit(actor=actor, program=program, date=DAY, source=FundSource.FISCAL_MUNICIPAL, amount_fen=3_00)
    ledger_commit(actor=actor, program=program, date=DAY.replace(year=2010), source=FundSource.SOCIAL, amount_fen=4_00)
    rows = selectors.fund_balance(program, AccountType.CONTRIBUTIONS, group_by=["year", "source"])
    assert rows == [
        {"year": 2009, "source": "fiscal_municipal", "fen": 3_00},
        {"year": 2010, "source": "social", "fen": 4_00},
    ]
    assert selectors.fund_balance(program, AccountType.COMMITTED, year=2010) == 4_00


def test_a_failed_posting_leaves_no_partial_transaction(commitment, actor) -> None:
    before = (LedgerTransaction.objects.count(), Posting.objects.count(), AuditEvent.objects.count())
    with pytest.raises(InvalidInput), transaction.atomic():
        ledger_disburse(actor=actor, commitment=commitment, date=DAY, amount_fen=2_000_00)
    assert (LedgerTransaction.objects.count(), Posting.objects.count(), AuditEvent.objects.count()) == before
    assert Posting.objects.aggregate(total=Sum("amount_fen"))["total"] == 0
