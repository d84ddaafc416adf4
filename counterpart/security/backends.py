"""The model backend with sign-in limits: every sign-in form goes through it (web, admin)."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .services import attempt_counted, client_address, login_attempt_forgive, login_attempt_reserve


class LimitedModelBackend(ModelBackend):
    """Refuses to even check a password while the account or the client is over its failure limit.

    The attempt is counted before the password is checked, atomically (``login_attempt_reserve``), so
    a burst of parallel guesses reaches the password check at most the limit's number of times.

    Raising PermissionDenied stops ``authenticate()`` from trying other backends and still sends
    ``user_login_failed``, so each attempt made while locked counts too.
    """

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if username is None:
            username = kwargs.get(self._username_field())
        allowed, attempt = login_attempt_reserve(username, client_address(request))
        attempt_counted.set(True)  # the user_login_failed signal must not count this attempt again
        if not allowed:
            raise PermissionDenied("too many failed sign-ins")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            login_attempt_forgive(attempt)
            attempt_counted.set(False)
        return user

    @staticmethod
    def _username_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD
