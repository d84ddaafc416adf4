"""Many clerks disbursing against one commitment at once never pay out more than was committed.

Sixteen threads, each with its own database connection, fire requests for random amounts at the
same commitment. It runs twice: at READ COMMITTED, where the commitment's row lock serialises the
draws, and at SERIALIZABLE, where PostgreSQL also aborts conflicting transactions (40001) and
``retry_on_conflict`` runs them again. Figures are printed (pytest -s) and quoted in docs/reliability.md.
"""

import datetime
import os
import random
import threading

import pytest
from django.db import connection, connections
from django.db.models import Sum
from psycopg import IsolationLevel

from counterpart.core import retry
from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.funds.models import AccountType, FundSource, LedgerTransaction, Posting
from counterpart.funds.services import ledger_commit, ledger_disburse
from counterpart.integrity.checks import Severity, integrity_run

DAY = datetime.date(2009, 5, 1)
THREADS = int(os.environ.get("COUNTERPART_CONCURRENCY_THREADS", "16"))
REQUESTS_PER_THREAD = int(os.environ.get("COUNTERPART_CONCURRENCY_REQUESTS", "15"))


@pytest.fixture
def isolation(request: pytest.FixtureRequest):
    """Every connection opened by the threads uses this isolation level (they copy the settings dict)."""
    options = connection.settings_dict["OPTIONS"]
    before = options.get("isolation_level")
    options["isolation_level"] = request.param
    yield request.param
    if before is None:
        options.pop("isolation_level", None)
    else:
        options["isolation_level"] = before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("isolation", [IsolationLevel.READ_COMMITTED, IsolationLevel.SERIALIZABLE], indirect=True)
def test_many_threads_never_disburse_more_than_committed(program, isolation) -> None:
    # given: 1,000.00 committed, and requests that together ask for far more than that
    actor = Actor.system("test")
    committed = 1_000_00
    commitment = ledger_commit(actor=actor, program=program, date=DAY, source=FundSource.SOCIAL, amount_fen=committed)
    barrier = threading.Barrier(THREADS)
    accepted: list[int] = []
    refused: list[int] = []
    unexpected: list[BaseException] = []
    retries_before = retry.retry_count()

    def clerk(seed: int) -> None:
        amounts = random.Random(seed)
        try:
            barrier.wait()
            for _ in range(REQUESTS_PER_THREAD):
                amount = amounts.randint(1, 8 * committed // (THREADS * REQUESTS_PER_THREAD) + 1)
                try:
                    ledger_disburse(actor=actor, commitment=commitment, date=DAY, amount_fen=amount)
                    accepted.append(amount)
                except InvalidInput:
                    refused.append(amount)
        except BaseException as error:
            unexpected.append(error)
        finally:
            connections.close_all()

    # when: every thread fires its requests at the same moment
    threads = [threading.Thread(target=clerk, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then: every request was accepted or cleanly refused, and what was accepted is exactly what is stored
    assert unexpected == []
    assert len(accepted) + len(refused) == THREADS * REQUESTS_PER_THREAD
    disbursed = (
        Posting.objects.filter(account__type=AccountType.DISBURSED, transaction__commitment=commitment).aggregate(
            total=Sum("amount_fen")
        )["total"]
        or 0
    )
    assert disbursed == sum(accepted)
    assert disbursed <= committed
    assert LedgerTransaction.objects.filter(kind="disbursement", commitment=commitment).count() == len(accepted)
    # the requests asked for about four times what was there: the limit was really reached, and each
    # refusal was right (what is left only shrinks, so a refused amount exceeds what is left at the end)
    assert refused
    assert all(amount > committed - disbursed for amount in refused)
    assert [f for f in integrity_run() if f.count and f.check.severity == Severity.ERROR] == []
    print(
        f"\nconcurrency {isolation.name}: {THREADS} threads x {REQUESTS_PER_THREAD} requests = "
        f"{THREADS * REQUESTS_PER_THREAD}; accepted {len(accepted)}, refused {len(refused)}, "
        f"retried conflicts {retry.retry_count() - retries_before}; disbursed {disbursed} of {committed} fen"
    )
