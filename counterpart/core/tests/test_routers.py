"""The database router sends the public report's reads to the replica alias, and nothing else.

The test settings define ``replica`` as a test mirror of ``default`` (the same database), so what
a read finds is the same; which connection ran each query is what is checked.
"""

import datetime

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from counterpart.core.routers import ReplicaRouter, replica_reads
from counterpart.funds.models import FundSource, LedgerTransaction
from counterpart.funds.services import ledger_commit, ledger_disburse
from counterpart.registry.models import Program

BOTH = ["default", "replica"]


def _tables(context: CaptureQueriesContext) -> str:
    return " ".join(query["sql"] for query in context.captured_queries)


@pytest.fixture
def replica_on(settings):
    settings.COUNTERPART_READ_REPLICA = "replica"


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_public_report_reads_from_the_replica(client, replica_on, program, actor) -> None:
    commitment = ledger_commit(
        actor=actor, program=program, date=datetime.date(2009, 2, 1), source=FundSource.SOCIAL, amount_fen=10_00
    )
    ledger_disburse(actor=actor, commitment=commitment, date=datetime.date(2009, 3, 1), amount_fen=4_00)
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = client.get(f"/programs/{program.slug}/report/2009/?format=json")
    assert response.status_code == 200
    assert response.json()["indicators"]["funds_disbursed"]["value"] == 4
    # the report's reads (the ledger summary among them) went to the replica, none to the primary
    assert "funds_ledgersummary" in _tables(replica) and "funds_ledgersummary" not in _tables(primary)
    assert "registry_program" in _tables(replica) and "registry_program" not in _tables(primary)


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_writes_reads_elsewhere_and_open_transactions_stay_on_the_primary(replica_on, program, actor) -> None:
    router = ReplicaRouter()
    assert router.db_for_read(Program) == "default"  # outside a routed view
    with replica_reads():
        assert router.db_for_read(Program) == "replica"
        assert router.db_for_write(Program) == "default"
        with transaction.atomic():
            # a transaction writing on the primary must read its own writes
            assert router.db_for_read(LedgerTransaction) == "default"
        with CaptureQueriesContext(connections["default"]) as primary:
            ledger_commit(
                actor=actor, program=program, date=datetime.date(2009, 2, 1), source=FundSource.SOCIAL, amount_fen=1_00
            )
        assert "INSERT" in _tables(primary)
    assert router.allow_migrate("replica", "funds") is False and router.allow_migrate("default", "funds") is True


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_without_a_configured_replica_everything_stays_on_the_primary(client, program) -> None:
    with CaptureQueriesContext(connections["replica"]) as replica:
        response = client.get(f"/programs/{program.slug}/report/2009/?format=json")
    assert response.status_code == 200 and replica.captured_queries == []
