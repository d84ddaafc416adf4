"""Idle and absolute session timeouts, enforced on every request of a signed-in user."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .services import SESSION_SEEN, SESSION_STARTED

# Refreshing "last seen" on every request would write the session each time; a minute is precise enough.
_SEEN_RESOLUTION_SECONDS = 60


class SessionTimeoutMiddleware:
    """Signs a user out after ``SESSION_IDLE_TIMEOUT_SECONDS`` without a request, or
    ``SESSION_ABSOLUTE_TIMEOUT_SECONDS`` after signing in, whichever comes first.

    Goes after AuthenticationMiddleware. A session without the timestamps (one made before this
    middleware existed) counts as started now.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(timezone.now().timestamp())
            session = request.session
            started = int(session.get(SESSION_STARTED, now))
            seen = int(session.get(SESSION_SEEN, now))
            idle = int(getattr(settings, "SESSION_IDLE_TIMEOUT_SECONDS", 30 * 60))
            absolute = int(getattr(settings, "SESSION_ABSOLUTE_TIMEOUT_SECONDS", 12 * 3600))
            if now - seen > idle or now - started > absolute:
                logout(request)
            else:
                if SESSION_STARTED not in session:
                    session[SESSION_STARTED] = started
                if now - seen >= _SEEN_RESOLUTION_SECONDS or SESSION_SEEN not in session:
                    session[SESSION_SEEN] = now
        return self.get_response(request)
