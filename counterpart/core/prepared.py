"""A query built and compiled once per database connection, then run with new values.

For the few queries every request makes (the API's token with its user and memberships): building a
queryset and compiling it to SQL costs the Django process several times what the database takes to
answer it (0.8 ms of a 1 ms lookup). The SQL and its converters are kept; each run only binds the
values, executes and converts the rows, as the ORM would have.
"""

import threading
import weakref
from collections.abc import Callable, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler


class _Placeholder(str):
    """The value a prepared query is built with, found again among the compiled parameters."""

    __slots__ = ()


class PreparedQuery:
    """``build(**placeholders)`` returns a ``values_list()`` queryset whose varying values are the
    placeholders it is given, each compared as it is (``digest=...``: an exact lookup; a ``startswith``
    would rewrite it, and is refused). ``rows(**values)`` runs it with the values in their place and
    returns the rows as tuples, converted as the ORM converts them."""

    def __init__(self, build: Callable[..., QuerySet[Any]], *names: str, using: str = DEFAULT_DB_ALIAS) -> None:
        self._build = build
        self._names = names
        self._using = using
        self._compiled: weakref.WeakKeyDictionary[BaseDatabaseWrapper, tuple[str, list[Any], SQLCompiler]] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()

    def _compile(self, connection: BaseDatabaseWrapper) -> tuple[str, list[Any], SQLCompiler]:
        placeholders = {name: _Placeholder(f"\x00prepared:{name}\x00") for name in self._names}
        queryset = self._build(**placeholders)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        slots = [next((name for name, mark in placeholders.items() if param is mark), None) for param in params]
        for name in self._names:
            if slots.count(name) != 1:
                raise ValueError(f"placeholder {name!r} must appear once, compared as it is")
        # Each parameter: the name of the value it takes, or the constant itself.
        return (
            sql,
            [slot if slot is not None else _Constant(param) for slot, param in zip(slots, params, strict=True)],
            compiler,
        )

    def rows(self, **values: Any) -> list[tuple[Any, ...]]:
        connection = connections[self._using]
        compiled = self._compiled.get(connection)
        if compiled is None:
            with self._lock:
                compiled = self._compiled[connection] = self._compile(connection)
        sql, slots, compiler = compiled
        params: Sequence[Any] = [slot.value if isinstance(slot, _Constant) else values[slot] for slot in slots]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        return [tuple(row) for row in compiler.results_iter(results=[fetched], tuple_expected=True)]


class _Constant:
    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value
