"""A query compiled once runs with each new value as the ORM would have run it."""

import datetime

import pytest
from django.contrib.auth.models import User

from counterpart.core.prepared import PreparedQuery


def _users(username: str):
    return User.objects.filter(username=username, is_active=True).values_list("id", "username", "date_joined")


def test_a_prepared_query_answers_what_the_queryset_answers_for_each_value(db) -> None:
    # given
    alice = User.objects.create(username="alice")
    User.objects.create(username="bob")
    query = PreparedQuery(_users, "username")
    # then, value after value, the same rows as the ORM, converted alike (an aware datetime on SQLite too)
    for name in ("alice", "bob", "nobody", "alice"):
        assert query.rows(username=name) == list(_users(name))
    (row,) = query.rows(username="alice")
    assert row[0] == alice.pk
    assert isinstance(row[2], datetime.datetime)
    assert row[2].tzinfo is not None


def test_a_placeholder_the_lookup_rewrites_is_refused(db) -> None:
    query = PreparedQuery(lambda prefix: User.objects.filter(username__startswith=prefix).values_list("id"), "prefix")
    with pytest.raises(ValueError, match="prefix"):
        query.rows(prefix="al")
