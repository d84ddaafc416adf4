"""``code_prefix``: rows whose code starts with the given digits, as a range a plain B-tree index serves.

Area codes (GB/T 2260) are digit strings, so the codes starting with ``5204`` are exactly those in
``['5204', '5205')``. ``startswith`` becomes ``LIKE '5204%'``, which on PostgreSQL only a
``varchar_pattern_ops`` index serves under the C.UTF-8 collation; a range is served by the column's plain
index, which the orderings need anyway, so the large tables keep one index per code column instead of
two (docs/benchmarks.md, "2026-12-04"). The bound is the prefix plus one in its own length: digit
strings sort digit by digit under any collation, where a bound such as ``'520:'`` would rely on the C
order of punctuation. A prefix that is not all digits is matched as ``startswith``, as it was.
"""

from typing import Any

from django.db.models import CharField, Lookup
from django.db.models.lookups import StartsWith


def code_prefix_upper(code: str) -> str | None:
    """The first digit string of ``code``'s length after every code starting with it; None when
    ``code`` is all nines (every digit string at or above it starts with it)."""
    if set(code) == {"9"}:
        return None
    return str(int(code) + 1).zfill(len(code))


class CodePrefix(Lookup):
    lookup_name = "code_prefix"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        code = self.rhs
        if not (isinstance(code, str) and code.isascii() and code.isdigit()):
            sql, params = StartsWith(self.lhs, self.rhs).as_sql(compiler, connection)
            return sql, list(params)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        upper = code_prefix_upper(code)
        if upper is None:
            return f"{lhs} >= %s", [*lhs_params, code]
        return f"({lhs} >= %s AND {lhs} < %s)", [*lhs_params, code, *lhs_params, upper]


def lookups_register() -> None:
    CharField.register_lookup(CodePrefix)
