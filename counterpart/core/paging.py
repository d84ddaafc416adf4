"""How far a list is counted: a national list (nine million persons) is filtered, not paged, and
counting all of it on every request cost seconds. Web lists and API pages count up to ``COUNT_CAP``
matches and say when there are more."""

from typing import Any

COUNT_CAP = 10_000


def count_capped(queryset: Any, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(matches counted up to ``cap``, whether there are more), unordered: the count needs no sort."""
    counted = queryset.order_by()[: cap + 1].count()
    return min(counted, cap), counted > cap
