"""Sessions end: after idle time, after an absolute lifetime, and when the user is disabled."""

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from counterpart.core.audit import Actor
from counterpart.core.models import AuditEvent
from counterpart.security.services import SESSION_SEEN, SESSION_STARTED, user_deactivate

PASSWORD = "correct-horse-9"


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user("clerk", password=PASSWORD, is_staff=True)


def _signed_in(user) -> Client:
    client = Client()
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert SESSION_KEY in client.session
    return client


def _shift(client: Client, key: str, seconds: int) -> None:
    session = client.session
    session[key] = int(timezone.now().timestamp()) - seconds
    session.save()


def _still_in(client: Client) -> bool:
    return client.get("/app/").status_code == 200


def test_a_session_survives_activity_within_the_limits(user, settings) -> None:
    client = _signed_in(user)
    _shift(client, SESSION_SEEN, settings.SESSION_IDLE_TIMEOUT_SECONDS - 60)
    _shift(client, SESSION_STARTED, settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS - 60)
    assert _still_in(client)
    # and the request counted as activity
    assert int(timezone.now().timestamp()) - client.session[SESSION_SEEN] < 60


def test_an_idle_session_ends(user, settings) -> None:
    client = _signed_in(user)
    _shift(client, SESSION_SEEN, settings.SESSION_IDLE_TIMEOUT_SECONDS + 1)
    assert not _still_in(client)
    assert SESSION_KEY not in client.session


def test_a_busy_session_still_ends_at_its_absolute_lifetime(user, settings) -> None:
    client = _signed_in(user)
    _shift(client, SESSION_STARTED, settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS + 1)
    assert not _still_in(client)


def test_the_session_cookie_expires_with_the_absolute_lifetime(settings) -> None:
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS
    assert settings.SESSION_COOKIE_HTTPONLY


def test_disabling_a_user_in_the_admin_ends_every_session(user) -> None:
    # given: the user signed in on two devices, and an administrator
    laptop, phone = _signed_in(user), _signed_in(user)
    other = _signed_in(get_user_model().objects.create_user("other", password=PASSWORD))
    # when: the user is disabled by saving the model (what the admin's user form does)
    user.is_active = False
    user.save()
    # then: both their sessions are gone from the store and both devices are signed out
    assert not Session.objects.filter(session_key=laptop.cookies["sessionid"].value).exists()
    assert not _still_in(laptop)
    assert not _still_in(phone)
    # and nobody else was signed out
    assert _still_in(other)


def test_user_deactivate_ends_sessions_and_is_audited(user) -> None:
    client = _signed_in(user)
    user_deactivate(actor=Actor.system("test"), user=user, reason="left the office")
    assert not _still_in(client)
    actions = set(AuditEvent.objects.filter(object_id=str(user.pk)).values_list("action", flat=True))
    assert {"security.user_deactivate", "security.sessions_end"} <= actions
    # and they cannot sign in again
    assert SESSION_KEY not in _try(user)


def _try(user) -> dict:
    client = Client()
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    return dict(client.session)
