"""Reads of the funds ledger. Balances are always sums of postings, never stored totals."""

from collections.abc import Sequence
from typing import Any

from django.db.models import F, FilteredRelation, Q, QuerySet, Sum

from counterpart.core.distribution import COUNTY_CODE_LENGTH, county_filter
from counterpart.registry.models import Program

from .models import (
    DELIVERED_ACCOUNTS,
    FISCAL_SOURCES,
    SOCIAL_SOURCES,
    AccountType,
    LedgerTransaction,
    Posting,
)

CASH_ACCOUNTS = frozenset({AccountType.DISBURSED, AccountType.SPENT})
GOODS_ACCOUNTS = frozenset({AccountType.IN_KIND})

# The report's ledger figures: the account types whose postings each sums, and the sources it counts
# (None: every source). The annual report computes them from these, and the funds list's
# ``?figure=<key>`` shows exactly the transactions behind one of them, with the same total.
LEDGER_FIGURES: dict[str, tuple[frozenset[str], frozenset[str] | None]] = {
    "total_support": (DELIVERED_ACCOUNTS, None),
    "fiscal_aid": (DELIVERED_ACCOUNTS, FISCAL_SOURCES),
    "fiscal_aid_by_level": (DELIVERED_ACCOUNTS, FISCAL_SOURCES),
    "social_donation_cash": (CASH_ACCOUNTS, SOCIAL_SOURCES),
    "social_donation_in_kind": (GOODS_ACCOUNTS, SOCIAL_SOURCES),
    "in_kind_value": (GOODS_ACCOUNTS, None),
    "funds_disbursed": (CASH_ACCOUNTS, None),
    "funds_spent": (frozenset({AccountType.SPENT}), None),
}


def _figure_postings(key: str) -> QuerySet[Posting]:
    accounts, sources = LEDGER_FIGURES[key]
    postings = Posting.objects.filter(account__type__in=list(accounts))
    return postings.filter(transaction__source__in=list(sources)) if sources is not None else postings


def ledger_figure_transactions(transactions: QuerySet[LedgerTransaction], key: str) -> QuerySet[LedgerTransaction]:
    """The transactions of ``transactions`` that move one of the report's ledger figures (``key``):
    those whose postings in the figure's accounts do not sum to zero (an expenditure moves money from
    disbursed to spent and leaves "delivered" as it was)."""
    moving = (
        _figure_postings(key)
        .values("transaction_id")
        .annotate(net=Sum("amount_fen"))
        .exclude(net=0)
        .values("transaction_id")
    )
    return transactions.filter(pk__in=moving)


def ledger_figure_fen(transactions: QuerySet[LedgerTransaction], key: str) -> int:
    """A ledger figure summed over the given transactions, exactly as the report sums it (fen)."""
    total = _figure_postings(key).filter(transaction_id__in=transactions.values("pk")).aggregate(n=Sum("amount_fen"))
    return int(total["n"] or 0)


# Dimensions a balance can be grouped by, mapped to posting lookups.
GROUPINGS = {
    "source": "transaction__source",
    "year": "transaction__year",
    "pairing": "transaction__pairing_id",
    "recipient_area": "transaction__recipient_area_id",
    "project": "transaction__project_id",
    "account": "account__type",
    "kind": "transaction__kind",
}


def postings_for(
    program: Program,
    *,
    accounts: Sequence[str] | None = None,
    year: int | None = None,
    year_to: int | None = None,
    sources: Sequence[str] | None = None,
    area_code: str | None = None,
    pairing_ids: Sequence[int] | None = None,
) -> QuerySet[Posting]:
    """Postings of a program, filtered by account type, year range, source, area prefix and pairings.

    The join to the transaction names the county as well as the id (a posting carries its
    transaction's): on Citus (docs/scale.md) that keeps the join on the shard of the county.
    """
    postings = Posting.objects.filter(transaction__program=program, transaction__county_code=F("county_code"))
    if accounts is not None:
        postings = postings.filter(account__type__in=list(accounts))
    if year is not None:
        postings = postings.filter(transaction__year__gte=year, transaction__year__lte=year_to or year)
    if sources is not None:
        postings = postings.filter(transaction__source__in=list(sources))
    if area_code is not None:
        postings = postings.filter(county_filter("county_code", area_code))
        if len(area_code) > COUNTY_CODE_LENGTH:  # a township or village within the county
            postings = postings.filter(transaction__recipient_area__code__startswith=area_code)
    if pairing_ids is not None:
        postings = postings.filter(transaction__pairing_id__in=list(pairing_ids))
    return postings


def with_project(postings: QuerySet[Posting], name: str = "posting_project") -> QuerySet[Posting]:
    """Postings with their transaction's project (or none) joined on the id and the county, as ``name``."""
    return postings.annotate(
        **{
            name: FilteredRelation(
                "transaction__project", condition=Q(transaction__project__county_code=F("county_code"))
            )
        }
    )


def fund_balance(
    program: Program,
    account_type: str,
    *,
    group_by: Sequence[str] = (),
    year: int | None = None,
    area_code: str | None = None,
) -> Any:
    """Balance of one account type in fen: a number, or rows grouped by the named dimensions.

    Contributions are credit-normal and returned as positive numbers.
    """
    sign = -1 if account_type == AccountType.CONTRIBUTIONS else 1
    postings = postings_for(program, accounts=[account_type], year=year, area_code=area_code)
    if not group_by:
        return sign * (postings.aggregate(total=Sum("amount_fen"))["total"] or 0)
    lookups = [GROUPINGS[name] for name in group_by]
    rows = postings.values(*lookups).annotate(total=Sum("amount_fen")).order_by(*lookups)
    return [
        {
            **{name: row[lookup] for name, lookup in zip(group_by, lookups, strict=True)},
            "fen": sign * row["total"],
        }
        for row in rows
    ]


def support_delivered_fen(
    program: Program,
    *,
    year: int | None = None,
    year_to: int | None = None,
    sources: Sequence[str] | None = None,
    in_kind: bool | None = None,
    area_code: str | None = None,
    pairing_ids: Sequence[int] | None = None,
) -> int:
    """Support that reached the recipient side: cash disbursed (net of refunds) plus goods in kind.

    Computed as the net increase of the disbursed, spent and in-kind accounts, so expenditure
    (disbursed → spent) does not count twice and reversals cancel what they reverse.
    ``in_kind`` True counts only goods, False only cash, None both.
    """
    if in_kind is None:
        accounts = list(DELIVERED_ACCOUNTS)
    elif in_kind:
        accounts = [AccountType.IN_KIND]
    else:
        accounts = [AccountType.DISBURSED, AccountType.SPENT]
    postings = postings_for(
        program,
        accounts=accounts,
        year=year,
        year_to=year_to,
        sources=sources,
        area_code=area_code,
        pairing_ids=pairing_ids,
    )
    return postings.aggregate(total=Sum("amount_fen"))["total"] or 0


def support_delivered_by(
    program: Program, dimension: str, *, year: int | None = None, sources: Sequence[str] | None = None
) -> dict[Any, int]:
    """Support delivered grouped by one dimension (source, recipient_area, pairing, project, year)."""
    lookup = GROUPINGS[dimension]
    postings = postings_for(program, accounts=list(DELIVERED_ACCOUNTS), year=year, sources=sources)
    rows = postings.values(lookup).annotate(total=Sum("amount_fen")).order_by(lookup)
    return {row[lookup]: row["total"] for row in rows if row["total"]}


def in_kind_items(
    program: Program,
    *,
    year: int | None = None,
    year_to: int | None = None,
    unit: str | None = None,
    area_code: str | None = None,
    pairing_ids: Sequence[int] | None = None,
) -> dict[str, Any]:
    """Quantities of goods donated in kind, by unit (reversals carry negative quantities)."""
    transactions = LedgerTransaction.objects.filter(program=program, item_quantity__isnull=False)
    if year is not None:
        transactions = transactions.filter(year__gte=year, year__lte=year_to or year)
    if area_code is not None:
        transactions = transactions.filter(county_filter("county_code", area_code))
        if len(area_code) > COUNTY_CODE_LENGTH:
            transactions = transactions.filter(recipient_area__code__startswith=area_code)
    if pairing_ids is not None:
        transactions = transactions.filter(pairing_id__in=list(pairing_ids))
    if unit is not None:
        transactions = transactions.filter(item_unit=unit)
    rows = transactions.values("item_unit").annotate(total=Sum("item_quantity")).order_by("item_unit")
    return {row["item_unit"]: row["total"] for row in rows if row["total"]}


def transaction_is_balanced(record: LedgerTransaction) -> bool:
    return (record.postings.aggregate(total=Sum("amount_fen"))["total"] or 0) == 0


def unbalanced_transactions(program: Program | None = None) -> QuerySet[LedgerTransaction]:
    """Transactions whose postings do not sum to zero (should always be empty)."""
    transactions = LedgerTransaction.objects.all()
    if program is not None:
        transactions = transactions.filter(program=program)
    return transactions.annotate(total=Sum("postings__amount_fen")).filter(~Q(total=0) | Q(total__isnull=True))
