"""Issuing, checking and revoking API tokens. The clear token exists only in the return value of
``api_token_create``; the database keeps its SHA-256 digest (a token is 256 random bits, so a
fast hash is enough: there is nothing to brute-force)."""

import hashlib
import secrets

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from counterpart.access.scoping import access_scope_per_request, memberships_alongside, memberships_of_rows
from counterpart.core.audit import Actor, audit_record

from .models import ApiToken

TOKEN_PREFIX = "cp_"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(*, actor: Actor, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user``: the record and the clear token, to be shown once."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name[:100], prefix=raw[:10], digest=_digest(raw))
        audit_record(actor, "api_token.create", token, after={"user": user.pk, "prefix": token.prefix, "name": name})
    return token, raw


def api_token_user(raw: str) -> User | None:
    """The active user a presented token belongs to, or None (unknown, revoked, inactive user).

    The user object is this request's: it carries the memberships read with it (access_scope_per_request).
    """
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    tokens = ApiToken.objects.select_related("user").filter(digest=_digest(raw), revoked_at__isnull=True)
    # The user's memberships come in the same query (a row per membership): the request's scope
    # costs no second round trip.
    rows = list(memberships_alongside(tokens, "user").order_by())
    if not rows or not rows[0].user.is_active:
        return None
    token = rows[0]
    access_scope_per_request(token.user, memberships_of_rows(rows, token.user))
    now = timezone.now()
    # Written at most once a minute per token, so reads stay reads.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def api_token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(actor, "api_token.revoke", token, after={"prefix": token.prefix})
    return token
