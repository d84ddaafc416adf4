"""Ledger totals per program × year × county × account type × source × project category.

The annual report's ledger figures are sums of postings grouped this way; at national scale the
year's postings are millions of rows, the summary a few thousand. Postings are never updated or
deleted (a correction is a reversing transaction), so the summary is kept by increments:
``_ledger_post`` calls ``ledger_summary_add(record, lines)`` in the transaction that writes the
postings, with an atomic ``INSERT … ON CONFLICT DO UPDATE SET amount_fen = amount_fen + …`` per key
(concurrent posters of the same key queue on its row). Bulk writers of postings (``counterpart
synth``) call ``ledger_summary_rebuild(program_id)`` after writing, set-based; the migration that
created the table did the same for existing postings. ``counterpart check-integrity --check
ledger.summary`` recomputes it from the postings and lists any key that differs.
"""

from collections import defaultdict
from collections.abc import Sequence

from django.db import connection, transaction
from django.db.models import Sum

from .models import LedgerSummary, LedgerTransaction

Key = tuple[int, int, str, str, str, str]  # program, year, county, account type, source, category

_RECOMPUTE_SQL = (
    "SELECT t.program_id, t.year, t.county_code, a.type, t.source, COALESCE(p.category, ''), SUM(po.amount_fen) "
    # the joins name the county too: a posting, its transaction and its project share it, and on Citus
    # (docs/scale.md) that makes each join local to a shard
    "FROM funds_posting po "
    "JOIN funds_ledgertransaction t ON t.id = po.transaction_id AND t.county_code = po.county_code "
    "JOIN funds_account a ON a.id = po.account_id "
    "LEFT JOIN projects_project p ON p.id = t.project_id AND p.county_code = t.county_code "
    "{where} GROUP BY t.program_id, t.year, t.county_code, a.type, t.source, COALESCE(p.category, '')"
)


def ledger_summary_add(record: LedgerTransaction, lines: Sequence[tuple[str, int]]) -> None:
    """Add a new transaction's lines (account type, signed fen) to the summary, atomically per key."""
    category = record.project.category if record.project_id is not None and record.project is not None else ""
    county = record.county_code
    amounts: dict[str, int] = defaultdict(int)
    for account_type, amount in lines:
        amounts[account_type] += amount
    table = LedgerSummary._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        for account_type, amount in sorted(amounts.items()):
            cursor.execute(
                f"INSERT INTO {table} (program_id, year, county_code, account_type, source, category, amount_fen) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (program_id, year, county_code, account_type, source, category) "
                f"DO UPDATE SET amount_fen = {table}.amount_fen + EXCLUDED.amount_fen",
                [record.program_id, record.year, county, account_type, record.source, category, amount],
            )


def ledger_summary_recomputed(program_id: int | None = None) -> dict[Key, int]:
    where, params = ("WHERE t.program_id = %s", [program_id]) if program_id is not None else ("", [])
    with connection.cursor() as cursor:
        cursor.execute(_RECOMPUTE_SQL.format(where=where), params)
        return {(int(p), int(y), c, a, s, g): int(n) for p, y, c, a, s, g, n in cursor.fetchall()}


def ledger_summary_rebuild(program_id: int | None = None) -> int:
    """Replace the summary of one program (or all) by its recomputation, set-based."""
    with transaction.atomic():
        stored = LedgerSummary.objects.all()
        if program_id is not None:
            stored = stored.filter(program_id=program_id)
        stored.delete()
        where, params = ("WHERE t.program_id = %s", [program_id]) if program_id is not None else ("", [])
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {LedgerSummary._meta.db_table} "
                "(program_id, year, county_code, account_type, source, category, amount_fen) "
                + _RECOMPUTE_SQL.format(where=where),
                params,
            )
            return cursor.rowcount


def ledger_summary_mismatches(program_id: int | None = None) -> list[tuple[Key, int, int]]:
    """Keys whose stored total differs from the postings: (key, stored, recomputed)."""
    rows = LedgerSummary.objects.all()
    if program_id is not None:
        rows = rows.filter(program_id=program_id)
    stored: dict[Key, int] = {
        (p, y, c, a, s, g): n
        for p, y, c, a, s, g, n in rows.values_list(
            "program_id", "year", "county_code", "account_type", "source", "category", "amount_fen"
        )
    }
    recomputed = ledger_summary_recomputed(program_id)
    return [
        (key, stored.get(key, 0), recomputed.get(key, 0))
        for key in sorted(stored.keys() | recomputed.keys())
        if stored.get(key, 0) != recomputed.get(key, 0)
    ]


def ledger_totals_summarised(
    program_id: int, year: int, year_to: int | None
) -> tuple[tuple[str, str, str | None, int], ...]:
    """The report's ledger groups (account type, source, category or None, fen) for a program's years."""
    rows = (
        LedgerSummary.objects.filter(program_id=program_id, year__gte=year, year__lte=year_to or year)
        .values_list("account_type", "source", "category")
        .annotate(total=Sum("amount_fen"))
        .order_by()
    )
    return tuple((account, source, category or None, int(total)) for account, source, category, total in rows)
