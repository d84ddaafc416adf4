"""Users with roles and tokens, and a client that sends a token."""

import json
from typing import Any

import pytest
from django.test import Client

from counterpart.access.models import Role
from counterpart.access.tests.factories import user_with_membership
from counterpart.api.services import api_token_create
from counterpart.core.audit import Actor


class ApiClient:
    """A Django test client that sends ``Authorization: Bearer <token>`` and JSON bodies."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.token = token

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        result = dict(headers or {})
        if self.token is not None:
            result.setdefault("Authorization", f"Bearer {self.token}")
        return result

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api{path}", params, headers=self._headers(None))

    def post(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        return self.client.post(
            f"/api{path}", json.dumps(body), content_type="application/json", headers=self._headers(headers)
        )

    def put(self, path: str, body: Any) -> Any:
        return self.client.put(
            f"/api{path}", json.dumps(body), content_type="application/json", headers=self._headers(None)
        )


def user_with_token(username: str, **membership: Any) -> tuple[Any, str]:
    user = user_with_membership(username, **membership)
    _token, raw = api_token_create(actor=Actor.system("test"), user=user)
    return user, raw


@pytest.fixture
def office(program):
    """The program office of the test program."""
    _user, token = user_with_token("office", role=Role.PROGRAM_OFFICE, program=program)
    return ApiClient(token)


@pytest.fixture
def puding(areas):
    """The recipient office of 普定县 (520422)."""
    _user, token = user_with_token("puding", role=Role.RECIPIENT_OFFICE, area=areas["520422"])
    return ApiClient(token)


@pytest.fixture
def xixiu(areas):
    """The recipient office of 西秀区 (520402), a neighbour that must see nothing of 普定县."""
    _user, token = user_with_token("xixiu", role=Role.RECIPIENT_OFFICE, area=areas["520402"])
    return ApiClient(token)


@pytest.fixture
def auditor(db):
    _user, token = user_with_token("auditor", role=Role.AUDITOR)
    return ApiClient(token)
