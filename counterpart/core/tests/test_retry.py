"""retry_on_conflict runs a transaction again after a serialization failure or deadlock, and only then."""

import pytest
from django.db import OperationalError, transaction

from counterpart.core import retry
from counterpart.core.retry import RETRY_ATTEMPTS, retry_on_conflict


@pytest.fixture(autouse=True)
def _no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retry, "RETRY_BACKOFF_CAP_SECONDS", 0.0)


class _Sqlstate(Exception):
    def __init__(self, sqlstate: str) -> None:
        self.sqlstate = sqlstate


def _failing(sqlstate: str, failures: int) -> tuple[list[int], object]:
    calls: list[int] = []

    @retry_on_conflict
    def write() -> str:
        calls.append(1)
        if len(calls) <= failures:
            raise OperationalError("conflict") from _Sqlstate(sqlstate)
        return "written"

    return calls, write


@pytest.mark.parametrize("sqlstate", ["40001", "40P01"])
def test_a_conflict_is_retried_until_it_succeeds(sqlstate: str) -> None:
    calls, write = _failing(sqlstate, failures=2)
    assert write() == "written"  # type: ignore[operator]
    assert len(calls) == 3


def test_other_database_errors_are_not_retried() -> None:
    calls, write = _failing("23505", failures=1)
    with pytest.raises(OperationalError):
        write()  # type: ignore[operator]
    assert len(calls) == 1


def test_a_conflict_that_persists_is_raised_after_the_last_attempt() -> None:
    calls, write = _failing("40001", failures=RETRY_ATTEMPTS + 5)
    with pytest.raises(OperationalError):
        write()  # type: ignore[operator]
    assert len(calls) == RETRY_ATTEMPTS


def test_inside_an_outer_transaction_the_conflict_goes_to_its_owner(db) -> None:
    calls, write = _failing("40001", failures=1)
    with pytest.raises(OperationalError), transaction.atomic():
        write()  # type: ignore[operator]
    assert len(calls) == 1
