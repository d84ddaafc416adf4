"""Idempotency keys for writes that create money or people.

A client sends ``Idempotency-Key: <its own unique string>``; the first successful response is
stored with the key (per user) in the same transaction as the write, and a retry with that key
gets the stored response back with ``Idempotent-Replayed: true`` and creates nothing. The key row
is inserted before the write: a concurrent retry blocks on its unique index until the first
commits, then replays (on PostgreSQL; SQLite serialises writers anyway). A failed write stores
nothing, so a retry after an error tries again. The same key with a different request is refused.
"""

import hashlib
import hmac
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from counterpart.core.errors import InvalidInput

from .models import IdempotentRequest

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"


def request_digest(request: HttpRequest) -> str:
    """Keyed, because a body may hold an identity number: a plain hash of it could be brute-forced."""
    message = b"\n".join([(request.method or "").encode(), request.path.encode(), request.body])
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def idempotent(request: HttpRequest, key: str | None, write: Callable[[], tuple[int, Any]]) -> HttpResponse:
    """Run ``write`` (returning status and the body its response schema serialised) once per key;
    replay that response afterwards."""
    if not key:
        status, body = write()
        return JsonResponse(body, status=status)
    user = request.auth  # type: ignore[attr-defined]
    digest = request_digest(request)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(
                    user=user, key=key, method=request.method or "", path=request.path[:300], request_digest=digest
                )
        except IntegrityError:
            stored = IdempotentRequest.objects.get(user=user, key=key)
            if stored.request_digest != digest:
                raise InvalidInput(IDEMPOTENCY_HEADER, key, _("该幂等键已用于另一个请求")) from None
            response = JsonResponse(stored.response, status=stored.status_code)
            response[REPLAYED_HEADER] = "true"
            return response
        status, body = write()
        record.status_code, record.response = status, body
        record.save(update_fields=["status_code", "response"])
    return JsonResponse(body, status=status)
