"""The database itself guards the ledger on PostgreSQL (migration funds 0002)."""

import datetime
import threading

import pytest
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.db.models import Sum

from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.funds.models import AccountType, FundSource, LedgerTransaction, Posting
from counterpart.funds.services import ledger_commit, ledger_disburse

pytestmark = pytest.mark.postgres
DAY = datetime.date(2009, 3, 1)


@pytest.fixture
def commitment(program, actor):
    return ledger_commit(actor=actor, program=program, date=DAY, source=FundSource.FISCAL_MUNICIPAL, amount_fen=100_00)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE funds_posting SET amount_fen = amount_fen * 2",
        "DELETE FROM funds_posting",
        "UPDATE funds_ledgertransaction SET description = 'edited'",
        "DELETE FROM funds_ledgertransaction",
    ],
)
def test_raw_sql_cannot_change_posted_entries(commitment, statement: str) -> None:
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert Posting.objects.filter(transaction=commitment).aggregate(total=Sum("amount_fen"))["total"] == 0


def test_an_unbalanced_transaction_cannot_be_committed(commitment) -> None:
    account = commitment.postings.get(amount_fen__gt=0).account
    with pytest.raises(IntegrityError, match="not balanced"), transaction.atomic():
        Posting.objects.create(transaction=commitment, account=account, amount_fen=1)
        # the check is deferred to COMMIT; ask for it now, inside the test's transaction
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS funds_posting_balanced IMMEDIATE")


@pytest.mark.django_db(transaction=True)
def test_concurrent_disbursements_never_exceed_the_commitment(program) -> None:
    # given 100.00 committed and eight clerks each disbursing 30.00 at the same moment
    actor = Actor.system("test")
    commitment = ledger_commit(actor=actor, program=program, date=DAY, source=FundSource.SOCIAL, amount_fen=100_00)
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def clerk() -> None:
        try:
            barrier.wait()
            ledger_disburse(actor=actor, commitment=commitment, date=DAY, amount_fen=30_00)
            outcomes.append("ok")
        except InvalidInput:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=clerk) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then exactly three succeed and 90.00 is disbursed
    assert sorted(outcomes) == ["ok"] * 3 + ["refused"] * 5
    disbursed = Posting.objects.filter(
        account__type=AccountType.DISBURSED, transaction__commitment=commitment
    ).aggregate(total=Sum("amount_fen"))["total"]
    assert disbursed == 90_00
    assert LedgerTransaction.objects.filter(kind="disbursement").count() == 3
