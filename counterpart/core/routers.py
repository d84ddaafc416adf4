"""Read replicas for the public portal and reports: a Django database router.

When ``COUNTERPART_REPLICA_URL`` is set, the settings add a database alias ``replica`` (a streaming
replica of the primary) and set ``COUNTERPART_READ_REPLICA = "replica"``. Reads made inside
``replica_reads()`` — the public report pages are wrapped in it by ``@reads_from_replica`` — then go
to the replica; every write, every read elsewhere (sign-in, sessions, the workbench, the services'
own reads before a write) and everything inside an open transaction on the primary stays on
``default``. A replica lags the primary by a moment, so only pages that may show data a few seconds
old are routed: the published report of a year, not a page that has just written something.

Without the setting (development, the demo, CI) everything stays on ``default``. See docs/scale.md.
"""

import contextvars
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connections

_replica_reads: contextvars.ContextVar[bool] = contextvars.ContextVar("counterpart_replica_reads", default=False)


def read_replica_alias() -> str | None:
    """The alias reads may go to, when one is configured."""
    alias = getattr(settings, "COUNTERPART_READ_REPLICA", None)
    return alias if alias and alias in connections.settings else None


@contextmanager
def replica_reads() -> Iterator[None]:
    """Within this block, reads may be served by the read replica."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def reads_from_replica(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a read-only view (public portal, reports) so its reads go to the replica."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with replica_reads():
            return view(*args, **kwargs)

    return wrapped


class ReplicaRouter:
    """Reads inside ``replica_reads()`` to the replica; all else to ``default``; migrations on ``default``."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        alias = read_replica_alias()
        if alias is None or not _replica_reads.get():
            return "default"
        # A transaction open on the primary must see its own writes: stay there.
        if connections["default"].in_atomic_block:
            return "default"
        return alias

    def db_for_write(self, model: type, **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == "default"
