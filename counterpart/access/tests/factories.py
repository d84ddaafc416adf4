"""Users with one membership, for the tests of every app that scopes."""

from typing import Any

from django.contrib.auth import get_user_model

from counterpart.access.models import Membership


def user_with_membership(name: str, **membership: Any) -> Any:
    """A user named ``name`` with one active membership of these fields (none when empty)."""
    user = get_user_model().objects.create_user(name, password="x")
    if membership:
        Membership.objects.create(user=user, **membership)
    return user
