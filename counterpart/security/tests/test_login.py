"""Sign-in: a new session id, and failed attempts limited per account and per client address.

Each property is checked on both sign-in forms, the web's (/accounts/login/) and the admin's
(/admin/login/), since both authenticate through the limited backend.
"""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory

from counterpart.security.models import LoginFailure
from counterpart.security.services import client_address

PASSWORD = "correct-horse-9"
FORMS = ["/accounts/login/", "/admin/login/"]


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("clerk", password=PASSWORD, is_staff=True)


def _sign_in(client: Client, form: str, username: str, password: str, **extra: str) -> bool:
    client.post(form, {"username": username, "password": password, "next": "/app/"}, **extra)  # type: ignore[arg-type]
    return SESSION_KEY in client.session


@pytest.mark.parametrize("form", FORMS)
def test_signing_in_issues_a_new_session_id_and_drops_the_old_one(client: Client, staff, form: str) -> None:
    # given: a visitor who already holds a session (it could have been planted by an attacker)
    session = client.session
    session["planted"] = True
    session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=before).exists()
    # when
    assert _sign_in(client, form, "clerk", PASSWORD)
    # then: the signed-in session has another id, and the old id is no longer a session
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert Session.objects.get(session_key=after).get_decoded()[SESSION_KEY] == str(staff.pk)


@pytest.mark.parametrize("form", FORMS)
def test_an_account_is_locked_after_its_failures_whatever_the_address(client: Client, staff, form: str) -> None:
    # given: the account's limit of wrong passwords, each from a different address
    for n in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        assert not _sign_in(client, form, "clerk", "wrong", REMOTE_ADDR=f"198.51.100.{n}")
    # when: the right password comes, from yet another address
    # then: it is refused while the failures are in the window
    assert not _sign_in(client, form, "clerk", PASSWORD, REMOTE_ADDR="192.0.2.77")
    # when the window has passed, the right password works again
    LoginFailure.objects.update(at=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
    assert _sign_in(client, form, "clerk", PASSWORD, REMOTE_ADDR="192.0.2.77")


@pytest.mark.parametrize("form", FORMS)
def test_one_failure_short_of_the_limit_still_signs_in(client: Client, staff, form: str) -> None:
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT - 1):
        assert not _sign_in(client, form, "clerk", "wrong")
    assert _sign_in(client, form, "clerk", PASSWORD)
    # and success forgives the account's failures
    assert not LoginFailure.objects.filter(username="clerk").exists()


@pytest.mark.parametrize("form", FORMS)
def test_a_client_address_is_locked_after_guessing_across_accounts(client: Client, staff, form: str) -> None:
    # given: one address trying many accounts (each account stays under its own limit)
    for n in range(settings.LOGIN_FAILURES_PER_ADDRESS):
        assert not _sign_in(client, form, f"guess{n}", "wrong", REMOTE_ADDR="203.0.113.5")
    # then: from that address even a right password is refused, from another it is accepted
    assert not _sign_in(client, form, "clerk", PASSWORD, REMOTE_ADDR="203.0.113.5")
    assert _sign_in(Client(), form, "clerk", PASSWORD, REMOTE_ADDR="203.0.113.6")


@pytest.mark.parametrize("form", FORMS)
def test_a_forged_forwarded_for_does_not_reset_the_address_limit(client: Client, staff, form: str, settings) -> None:
    # given: no trusted proxy, an attacker sending a new X-Forwarded-For with every guess
    settings.COUNTERPART_TRUSTED_PROXIES = 0
    for n in range(settings.LOGIN_FAILURES_PER_ADDRESS):
        _sign_in(client, form, f"guess{n}", "wrong", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    # then: the address is still locked
    assert not _sign_in(client, form, "clerk", PASSWORD, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="10.9.9.9")


@pytest.mark.parametrize("form", FORMS)
def test_behind_a_trusted_proxy_forged_entries_are_ignored(client: Client, staff, form: str, settings) -> None:
    # given: nginx in front (one trusted proxy) appending the real client to whatever the client sent
    settings.COUNTERPART_TRUSTED_PROXIES = 1
    for n in range(settings.LOGIN_FAILURES_PER_ADDRESS):
        forged = f"10.0.0.{n}, 203.0.113.5"
        _sign_in(client, form, f"guess{n}", "wrong", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forged)
    # then: the real client stays locked whatever it forges; another client behind the same proxy is not
    assert not _sign_in(
        client, form, "clerk", PASSWORD, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.5"
    )
    assert _sign_in(Client(), form, "clerk", PASSWORD, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8")


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "1.1.1.1", "127.0.0.9"),
        (1, "1.1.1.1, 2.2.2.2", "2.2.2.2"),
        (2, "1.1.1.1, 2.2.2.2, 3.3.3.3", "2.2.2.2"),
        (1, "", "127.0.0.9"),
    ],
)
def test_client_address_trusts_only_the_configured_proxies(settings, proxies: int, forwarded: str, expected: str):
    settings.COUNTERPART_TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.9", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected
