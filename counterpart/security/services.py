"""Sign-in limits and session lifetimes, for every sign-in form (the web's and the admin's).

Both forms authenticate through ``django.contrib.auth.authenticate``, so the limit lives in the
authentication backend (``backends.LimitedModelBackend``) and failures are counted from the
``user_login_failed`` signal: one place covers every form, now and later.

Failures are counted per account and per client address within ``LOGIN_FAILURE_WINDOW_SECONDS``.
The client address is REMOTE_ADDR — what the socket saw — unless ``COUNTERPART_TRUSTED_PROXIES``
says how many proxies (nginx …) stand in front; then it is the address the outermost trusted proxy
saw, taken from the right of X-Forwarded-For. Entries left of that were written by the client and
are ignored, so a forged X-Forwarded-For cannot give an attacker a fresh address.
"""

import datetime
from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from counterpart.core.audit import Actor, audit_record

from .models import LoginFailure, LoginThrottle, UserSession


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def client_address(request: HttpRequest | None) -> str:
    """The address of the client as far as a trusted party can vouch for it."""
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = _setting("COUNTERPART_TRUSTED_PROXIES", 0)
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    # Each trusted proxy appends the address it received from; the last `proxies` entries are theirs,
    # and the entry the outermost one appended is the client as it saw it.
    if len(forwarded) >= proxies:
        return forwarded[-proxies]
    return forwarded[0] if forwarded else remote


def _username_key(username: str | None) -> str:
    return (username or "").strip().casefold()[:150]


def _window_start() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=_setting("LOGIN_FAILURE_WINDOW_SECONDS", 900))


def login_allowed(username: str | None, address: str) -> bool:
    """False while the account or the client address has used up its failures in the window."""
    recent = LoginFailure.objects.filter(at__gte=_window_start())
    if recent.filter(username=_username_key(username)).count() >= _setting("LOGIN_FAILURES_PER_ACCOUNT", 5):
        return False
    return not (address and recent.filter(client_address=address).count() >= _setting("LOGIN_FAILURES_PER_ADDRESS", 20))


# Set while the backend has already counted the attempt it is checking (login_attempt_reserve), so the
# user_login_failed signal does not count it twice.
attempt_counted: ContextVar[bool] = ContextVar("counterpart_login_attempt_counted", default=False)


def login_attempt_reserve(username: str | None, address: str) -> tuple[bool, int]:
    """Count this attempt as a failure *before* the password is checked, atomically; (allowed, row id).

    The account's and the address's throttle rows are locked (in a fixed order; on SQLite the
    IMMEDIATE transaction serialises the same way), the failures in the window counted, and a failure
    row written for this attempt — all in one transaction. So N parallel guesses are counted one after
    another and at most the limit of them reach the password check; a success removes its row again.
    An attempt refused for the limit is counted too (a locked account stays locked while guessed at).
    """
    key, address = _username_key(username), address[:64]
    keys = sorted({f"u:{key}", *([f"a:{address}"] if address else [])})
    for throttle_key in keys:
        LoginThrottle.objects.get_or_create(key=throttle_key)
    with transaction.atomic():
        list(LoginThrottle.objects.select_for_update().filter(key__in=keys).order_by("key"))
        allowed = login_allowed(username, address)
        row = LoginFailure.objects.create(username=key, client_address=address, at=timezone.now())
    return allowed, row.pk


def login_attempt_forgive(row_id: int) -> None:
    """The reserved attempt turned out to be a success: it is not a failure."""
    LoginFailure.objects.filter(pk=row_id).delete()


def login_failure_record(username: str | None, address: str) -> None:
    LoginFailure.objects.create(username=_username_key(username), client_address=address[:64], at=timezone.now())
    # Old failures no longer count; drop them so the table stays small.
    LoginFailure.objects.filter(at__lt=_window_start() - datetime.timedelta(days=1)).delete()


def login_succeeded(user: AbstractBaseUser, request: HttpRequest | None) -> None:
    """The account's failures are forgiven (not the address's: an attacker signing in to an account
    of their own must not reset the count for the address they guess from); the session is registered."""
    LoginFailure.objects.filter(username=_username_key(user.get_username())).delete()
    if request is not None and hasattr(request, "session"):
        now = int(timezone.now().timestamp())
        request.session[SESSION_STARTED] = now
        request.session[SESSION_SEEN] = now
        if request.session.session_key is None:
            request.session.save()
        UserSession.objects.get_or_create(session_key=request.session.session_key, defaults={"user_id": user.pk})


SESSION_STARTED = "_counterpart_session_started"
SESSION_SEEN = "_counterpart_session_seen"


def user_sessions_end(*, actor: Actor, user: AbstractBaseUser, reason: str) -> int:
    """End every session the user signed in with; returns how many were open."""
    with transaction.atomic():
        keys = list(UserSession.objects.filter(user_id=user.pk).values_list("session_key", flat=True))
        ended, _ = Session.objects.filter(session_key__in=keys).delete()
        UserSession.objects.filter(user_id=user.pk).delete()
        if ended:
            audit_record(actor, "security.sessions_end", user, after={"sessions": ended}, reason=reason)
    return ended


def user_deactivate(*, actor: Actor, user: AbstractBaseUser, reason: str) -> None:
    """Disable a user: they cannot sign in again and every session they hold ends now."""
    with transaction.atomic():
        type(user).objects.filter(pk=user.pk).update(is_active=False)  # type: ignore[attr-defined]
        user.is_active = False
        audit_record(actor, "security.user_deactivate", user, after={"is_active": False}, reason=reason)
        user_sessions_end(actor=actor, user=user, reason=reason)
