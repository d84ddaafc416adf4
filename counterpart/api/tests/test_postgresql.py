"""Two concurrent retries of one write, on PostgreSQL (real concurrent transactions)."""

import threading
import time
from typing import Any

import pytest
from django.db import connection

from counterpart.access.models import Role
from counterpart.api.models import IdempotentRequest
from counterpart.funds.models import LedgerTransaction
from counterpart.people.identity import identity_check_character
from counterpart.people.models import Person

from .conftest import ApiClient, user_with_token

pytestmark = pytest.mark.postgres


def _concurrently(send: Any, count: int = 2) -> list[Any]:
    """Run ``send`` in ``count`` threads released together; each thread has its own connection."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = send()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def slow_services(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold the first write open a moment so the retry surely arrives while it is in flight."""
    from counterpart.api.routers import funds, people

    for module, name in ((funds, "ledger_commit"), (people, "person_register")):
        original = getattr(module, name)

        def slow(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
            time.sleep(0.3)
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, slow)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_retries_of_a_commitment_post_it_once(program, slow_services) -> None:
    _user, token = user_with_token("office", role=Role.PROGRAM_OFFICE, program=program)
    body = {"program": program.slug, "date": "2009-03-01", "source": "fiscal_municipal", "amount_fen": 1_000_00}

    def send() -> Any:
        return ApiClient(token).post("/ledger/commitments", body, {"Idempotency-Key": "concurrent-1"})

    first, second = _concurrently(send)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert sorted(r.headers.get("Idempotent-Replayed", "") for r in (first, second)) == ["", "true"]
    assert LedgerTransaction.objects.count() == 1
    assert IdempotentRequest.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_retries_of_a_person_register_them_once(areas, slow_services) -> None:
    _user, token = user_with_token("puding", role=Role.RECIPIENT_OFFICE, area=areas["520422"])
    number = "52042219900202002" + identity_check_character("52042219900202002")
    body = {"name": "李四", "sex": "female", "area": "520422100201", "identity_number": number}

    def send() -> Any:
        return ApiClient(token).post("/persons", body, {"Idempotency-Key": "person-concurrent"})

    first, second = _concurrently(send)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert Person.objects.count() == 1
