"""A list page's rows read as values, when its answer's schema reads only columns.

A page of fifty projects built as model instances (each with its program, through select_related)
cost the process more than the query did: about 0.5 ms of the 1.6 ms the page took. An answer whose
fields each name a column — the field itself, a ``validation_alias`` such as ``"pairing_id"``, or an
``AliasPath("program", "slug")`` through a foreign key — is read with ``values_list()`` instead and
handed to pydantic as the dictionaries it would have read from the attributes, so it validates and
serialises the same answer. Anything else (a ``resolve_*`` method, a nested schema, a property, a
to-many path, a DISTINCT or prefetching queryset) keeps the model instances.
"""

import functools
import inspect
import threading
import weakref
from collections.abc import Hashable, Sequence
from typing import Any, get_args

from django.core.exceptions import EmptyResultSet, FieldDoesNotExist
from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import IntegerField, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.db.models.expressions import RawSQL
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.sql.compiler import SQLCompiler
from pydantic import AliasPath, BaseModel

# (the lookup values_list() reads, the keys pydantic reads it from: one, or an AliasPath's several)
Source = tuple[str, tuple[str, ...]]


def _nests_a_model(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_nests_a_model(argument) for argument in get_args(annotation))


def _is_column(model: type[models.Model], lookup: str) -> bool:
    """Whether ``lookup`` reaches one column through forward single-valued relations, and the record
    gives that column's value as it is (a plain field descriptor: no property, no custom descriptor)."""
    parts = lookup.split(LOOKUP_SEP)
    for position, part in enumerate(parts):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if position < len(parts) - 1:
            if not (field.many_to_one or field.one_to_one) or not field.concrete:
                return False
            model = field.related_model  # type: ignore[assignment]
            continue
        if not isinstance(field, models.Field) or not field.concrete or field.many_to_many or field.one_to_many:
            return False
        if field.is_relation and part != field.attname:  # the relation's name gives a record; its _id the key
            return False
        descriptor = inspect.getattr_static(model, field.attname, None)
        return type(descriptor) in (DeferredAttribute, ForeignKeyDeferredAttribute)
    return False


@functools.cache
def _schema_sources(schema: type[BaseModel]) -> tuple[Source, ...] | None:
    """Where each field of ``schema`` comes from, as lookups; None when one is not a plain read."""
    if getattr(schema, "_ninja_resolvers", None) or schema.model_computed_fields:
        return None
    sources: list[Source] = []
    for name, field in schema.model_fields.items():
        if _nests_a_model(field.annotation):
            return None
        alias = field.validation_alias
        if alias is None:
            sources.append((name, (name,)))
        elif isinstance(alias, str):
            sources.append((alias, (alias,)))
        elif isinstance(alias, AliasPath) and all(isinstance(part, str) for part in alias.path):
            path = tuple(str(part) for part in alias.path)
            sources.append((LOOKUP_SEP.join(path), path))
        else:
            return None
    return tuple(sources)


@functools.cache
def _columns_of(model: type[models.Model], lookups: tuple[str, ...]) -> bool:
    return all(_is_column(model, lookup) for lookup in lookups)


def value_sources(schema: Any, queryset: Any) -> tuple[Source, ...] | None:
    """The sources to read a page of ``queryset`` by for ``schema``, or None to read model instances."""
    if not isinstance(queryset, QuerySet) or not isinstance(schema, type) or not issubclass(schema, BaseModel):
        return None
    query = queryset.query
    prefetching = queryset._prefetch_related_lookups  # type: ignore[attr-defined]
    if query.distinct or prefetching or query.values_select or query.extra_select:
        return None
    sources = _schema_sources(schema)
    if sources is None:
        return None
    annotations = query.annotations
    columns = tuple(lookup for lookup, _path in sources if lookup not in annotations)
    model: Any = queryset.model
    if not _columns_of(model, columns):
        return None
    return sources


# The annotation that carries the capped count of the matches on each row of the page.
_MATCHES = "page_matches_counted"

# Each connection's compiled page queries (its SQL and the compiler that converts its rows), by what
# decides their SQL: the SQL of the count's subquery (the page's model, joins and filters, their
# values bound apart), the columns, the ordering and the slice. Compiling a page of fifty projects
# (sixteen columns, their ordering) cost the process more than any other part of a request beyond the
# bare view; the count's subquery is compiled anyway, and names the page's filters in full.
_PAGE_SQL: "weakref.WeakKeyDictionary[BaseDatabaseWrapper, dict[Hashable, tuple[str, SQLCompiler]]]" = (
    weakref.WeakKeyDictionary()
)
_PAGE_SQL_LOCK = threading.Lock()
# Kept per connection up to this many shapes (endpoints × filters × orderings × page sizes), then begun anew.
_PAGE_SQL_KEPT = 256


def _page_key(queryset: QuerySet[Any], count_sql: str, lookups: Sequence[str], offset: int, limit: int) -> Hashable:
    query = queryset.query
    return (
        queryset.model,
        count_sql,
        tuple(lookups),
        tuple(query.order_by),
        query.default_ordering,
        query.standard_ordering,
        tuple(query.extra_order_by),
        offset,
        limit,
    )


def _counted_page(
    queryset: QuerySet[Any], offset: int, limit: int, lookups: list[str], count_cap: int
) -> list[tuple[Any, ...]] | None:
    """The page's rows with the capped count last, in one query whose SQL is compiled once per
    connection and shape; None when the filters match nothing (nor does the page: the caller reads it)."""
    capped = queryset.order_by().values("pk")[: count_cap + 1]
    connection = connections[queryset.db]
    try:
        count_sql, count_params = capped.query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:
        return None
    key = _page_key(queryset, count_sql, lookups, offset, limit)
    kept = _PAGE_SQL.get(connection)
    compiled = kept.get(key) if kept is not None else None
    if compiled is None:
        counted = RawSQL(f"SELECT COUNT(*) FROM ({count_sql}) capped", count_params, output_field=IntegerField())
        page = queryset.annotate(**{_MATCHES: counted})[offset : offset + limit].values_list(*lookups)
        compiler = page.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        # The page's parameters are the count's, then the same again for the page's own WHERE: only
        # then can a later page of this shape bind its own values the same way. Anything else (a
        # parameter in an ordering, a join's condition) is compiled every time.
        if list(params) != [*count_params, *count_params]:
            return [tuple(row) for row in page]
        compiled = (sql, compiler)
        with _PAGE_SQL_LOCK:
            kept = _PAGE_SQL.setdefault(connection, {})
            if len(kept) >= _PAGE_SQL_KEPT:
                kept.clear()
            kept[key] = compiled
    sql, compiler = compiled
    with connection.cursor() as cursor:
        cursor.execute(sql, [*count_params, *count_params])
        fetched = cursor.fetchall()
    return [tuple(row) for row in compiler.results_iter(results=[fetched], tuple_expected=True)]


def rows_as_values(
    queryset: QuerySet[Any], offset: int, limit: int, sources: Sequence[Source], count_cap: int
) -> tuple[list[dict[str, Any]], int | None]:
    """The page of ``queryset`` as the dictionaries pydantic reads ``sources`` from, and the matches
    counted up to ``count_cap + 1`` (core.paging) in the same query: a scalar subquery the database
    evaluates once, instead of a second query. None for the count when the page is empty, or when the
    queryset groups its rows (an annotation), whose count is left to its own query."""
    counted = not queryset.query.annotations and queryset.query.group_by is None
    lookups = [lookup for lookup, _path in sources]
    fetched = _counted_page(queryset, offset, limit, [*lookups, _MATCHES], count_cap) if counted else None
    if fetched is None:
        counted = False
        fetched = list(queryset[offset : offset + limit].values_list(*lookups))
    items = []
    matches = None
    for row in fetched:
        item: dict[str, Any] = {}
        for value, (_lookup, path) in zip(row, sources, strict=False):
            target = item
            for key in path[:-1]:
                target = target.setdefault(key, {})
            target[path[-1]] = value
        items.append(item)
        if counted:
            matches = row[-1]
    return items, matches
