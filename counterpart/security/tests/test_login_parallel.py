"""A burst of parallel guesses reaches the password check at most the limit's number of times.

The attempt is counted before the password is checked, under a lock on the account's and the address's
throttle rows (``login_attempt_reserve``); without that, every guess of a burst passed the check
"under the limit" before any failure was written (about 10 passwords tried where 5 are allowed).
"""

import threading

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.test import RequestFactory

from counterpart.security.models import LoginFailure

PASSWORD = "correct-horse-9"
GUESSES = 24


# PostgreSQL: the test database of SQLite is one in-memory file whose shared cache refuses parallel
# writers ("database table is locked") instead of queueing them as a real SQLite file does.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_try_at_most_the_limit(settings, monkeypatch):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 5
    get_user_model().objects.create_user("clerk", password=PASSWORD)
    checked = []
    real_check = ModelBackend.authenticate

    def counting_check(self, request, username=None, password=None, **kwargs):
        checked.append(password)
        return real_check(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counting_check)
    start = threading.Barrier(GUESSES)
    errors: list[BaseException] = []

    def guess(number: int) -> None:
        try:
            request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=f"10.0.0.{number}")
            start.wait()
            authenticate(request, username="clerk", password=f"guess-{number}")
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    # when 24 guesses from 24 addresses arrive at once
    threads = [threading.Thread(target=guess, args=(n,)) for n in range(GUESSES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then at most 5 passwords were checked, every guess was counted, and the right one is refused now
    assert errors == []
    assert len(checked) <= 5
    assert LoginFailure.objects.filter(username="clerk").count() == GUESSES
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="10.0.1.1")
    assert authenticate(request, username="clerk", password=PASSWORD) is None
