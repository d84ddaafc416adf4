"""How far a list is counted: a national list (nine million persons) is filtered, not paged, and
counting all of it on every request cost seconds. Web lists and API pages count up to ``COUNT_CAP``
matches and say when there are more."""

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import IntegerField, Value
from django.db.models.expressions import RawSQL

COUNT_CAP = 10_000


def count_capped(queryset: Any, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(matches counted up to ``cap``, whether there are more), unordered: the count needs no sort."""
    counted = queryset.order_by()[: cap + 1].count()
    return min(counted, cap), counted > cap


def count_capped_expression(queryset: Any, cap: int = COUNT_CAP) -> RawSQL | Value:
    """The matches of ``queryset`` counted up to ``cap + 1``, as an expression: a page's own query can
    carry its count (an uncorrelated scalar subquery, evaluated once) instead of a second round trip."""
    capped = queryset.order_by().values("pk")[: cap + 1]
    try:
        sql, params = capped.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:  # a filter that matches nothing (a user with no scope): so does the page
        return Value(0, output_field=IntegerField())
    return RawSQL(f"SELECT COUNT(*) FROM ({sql}) capped", params, output_field=IntegerField())
