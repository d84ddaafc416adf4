"""The model backend with sign-in limits: every sign-in form goes through it (web, admin)."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .services import client_address, login_allowed


class LimitedModelBackend(ModelBackend):
    """Refuses to even check a password while the account or the client is over its failure limit.

    Raising PermissionDenied stops ``authenticate()`` from trying other backends and still sends
    ``user_login_failed``, so each attempt made while locked counts too.
    """

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if username is None:
            username = kwargs.get(self._username_field())
        if not login_allowed(username, client_address(request)):
            raise PermissionDenied("too many failed sign-ins")
        return super().authenticate(request, username=username, password=password, **kwargs)

    @staticmethod
    def _username_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD
