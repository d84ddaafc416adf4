"""Retrying a whole transaction when the database aborts it for a conflict with another one.

At SERIALIZABLE (or REPEATABLE READ) PostgreSQL aborts one of two transactions that would not
serialise (SQLSTATE 40001), and at any level it breaks a deadlock by aborting one side (40P01).
Neither is the user's fault and neither wrote anything: the transaction is simply run again.
A retry is only possible from the outermost transaction — inside someone else's atomic block the
whole outer unit is lost, so the error goes up to whoever owns it.
"""

import functools
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import DatabaseError, OperationalError, connection

P = ParamSpec("P")
T = TypeVar("T")

RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected
# A hot row (one commitment drawn by many clerks) at SERIALIZABLE aborts every waiter but one per round;
# with jittered back-off they spread out, but it takes rounds, so allow many before giving up.
RETRY_ATTEMPTS = 50
RETRY_BACKOFF_CAP_SECONDS = 0.25


def is_conflict(error: BaseException) -> bool:
    """A serialization failure or deadlock, whichever Django exception class wraps it."""
    cause = error.__cause__ or error
    return getattr(cause, "sqlstate", None) in RETRYABLE_SQLSTATES


def retry_on_conflict(function: Callable[P, T]) -> Callable[P, T]:
    """Run ``function`` (which opens its own transaction) again when the database aborts it for a conflict."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        if connection.in_atomic_block:
            return function(*args, **kwargs)
        for attempt in range(1, RETRY_ATTEMPTS + 1):
            try:
                return function(*args, **kwargs)
            except (OperationalError, DatabaseError) as error:
                if not is_conflict(error) or attempt == RETRY_ATTEMPTS:
                    raise
                retry_count_add()
                # Back off a little, with jitter, so the same transactions do not collide again in step.
                time.sleep(random.uniform(0, min(RETRY_BACKOFF_CAP_SECONDS, 0.005 * 2**attempt)))
        raise AssertionError("unreachable")

    return wrapper


_retries = 0


def retry_count_add() -> None:
    global _retries
    _retries += 1


def retry_count() -> int:
    """How many conflicts were retried in this process (the concurrency test reports it)."""
    return _retries
