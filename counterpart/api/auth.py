"""Bearer-token authentication: ``Authorization: Bearer cp_…`` issued by ``counterpart api-token``."""

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from .services import api_token_user


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_user(token)
        if user is not None:
            # Domain services and scoping read request.user like everywhere else.
            request.user = user
        return user
