"""The WSGI app the fault-injection tests serve with gunicorn: Counterpart itself, plus one route
that posts a batch of ledger entries in one transaction (a stand-in for the API's batch endpoint,
which is being built elsewhere; the property — all of a batch or none of it — is the ledger's)."""

import datetime
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from django.core.wsgi import get_wsgi_application

django_application = get_wsgi_application()


def _ledger_batch(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    from django.db import transaction

    from counterpart.core.audit import Actor
    from counterpart.funds.models import LedgerTransaction
    from counterpart.funds.services import ledger_disburse

    query = parse_qs(environ.get("QUERY_STRING", ""))
    count, tag = int(query["n"][0]), query["tag"][0]
    commitment = LedgerTransaction.objects.get(kind="commitment", description="faults")
    actor = Actor.system("faults")
    with transaction.atomic():
        for number in range(count):
            ledger_disburse(
                actor=actor,
                commitment=commitment,
                date=datetime.date(2009, 6, 1),
                amount_fen=1,
                description=f"{tag}-{number}",
            )
    body = str(count).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if environ.get("PATH_INFO") == "/_faults/ledger-batch":
        return _ledger_batch(environ, start_response)
    return django_application(environ, start_response)
