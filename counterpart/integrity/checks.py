"""Declarative integrity checks over the whole database, each a query that finds violations.

Each check has a code, a severity and a query returning offending rows (at most a sample is
shown). ``counterpart check-integrity`` runs them all; it exits non-zero when an error-level
check finds anything. The rules are the domain's own (services enforce them on every write);
these checks prove they hold on what is stored — after a bulk load, a restore or a crash.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce

from counterpart.funds.models import AccountType, LedgerTransaction, Posting
from counterpart.funds.summary import ledger_summary_mismatches
from counterpart.indicators.models import Indicator, ReportedValue
from counterpart.people.pairing_reach import pairing_reach_mismatches
from counterpart.people.summary import beneficiary_summary_mismatches
from counterpart.people.township_reach import township_reach_mismatches
from counterpart.people.years_reached import years_reached_mismatches
from counterpart.projects.models import Project
from counterpart.registry.models import Pairing


class Severity:
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class IntegrityCheck:
    code: str
    severity: str
    description_zh: str
    description_en: str
    find: Callable[[], list[Any]]


@dataclass(frozen=True)
class Finding:
    check: IntegrityCheck
    count: int
    sample: list[Any]


def _unbalanced() -> list[Any]:
    rows = (
        LedgerTransaction.objects.annotate(total=Coalesce(Sum("postings__amount_fen"), 0))
        .exclude(total=0)
        .values_list("id", "total")
    )
    return list(rows)


def _transactions_without_postings() -> list[Any]:
    return list(LedgerTransaction.objects.filter(postings__isnull=True).values_list("id", flat=True))


def _drawn_below_zero() -> list[Any]:
    """A stage account of a commitment (and, below allocation, a project) that went negative."""
    found: list[Any] = []
    for account in (AccountType.COMMITTED, AccountType.ALLOCATED, AccountType.DISBURSED):
        group = ["commitment_group"] + ([] if account == AccountType.COMMITTED else ["transaction__project_id"])
        rows = (
            Posting.objects.filter(account__type=account)
            .annotate(commitment_group=Coalesce("transaction__commitment_id", "transaction_id"))
            .values(*group)
            .annotate(total=Sum("amount_fen"))
            .filter(total__lt=0)
        )
        found += [(account, *row.values()) for row in rows[:20]]
    return found


def _disbursed_above_committed() -> list[Any]:
    committed = dict(
        Posting.objects.filter(account__type=AccountType.COMMITTED, transaction__kind="commitment")
        .values_list("transaction_id")
        .annotate(total=Sum("amount_fen"))
    )
    disbursed = (
        Posting.objects.filter(account__type=AccountType.DISBURSED, transaction__commitment__isnull=False)
        .filter(transaction__kind__in=["disbursement", "refund", "reversal"])
        .values_list("transaction__commitment_id")
        .annotate(total=Sum("amount_fen"))
    )
    return [
        (commitment, total, committed.get(commitment, 0))
        for commitment, total in disbursed
        if total > committed.get(commitment, 0)
    ]


def _overlapping_pairings() -> list[Any]:
    found = []
    pairings = Pairing.objects.order_by(
        "donor_area_id", "recipient_area_id", "donor_organisation_id", "recipient_organisation_id", "valid_from"
    ).values_list(
        "id",
        "donor_area_id",
        "recipient_area_id",
        "donor_organisation_id",
        "recipient_organisation_id",
        "valid_from",
        "valid_to",
    )
    previous = None
    for row in pairings.iterator():
        if previous and previous[1:5] == row[1:5] and (previous[6] is None or previous[6] >= row[5]):
            found.append((previous[0], row[0]))
        if previous is None or previous[1:5] != row[1:5] or previous[6] is not None:
            previous = row
    return found


def _projects_outside_their_pairing() -> list[Any]:
    rows = Project.objects.filter(pairing__isnull=False).exclude(
        recipient_area__code__startswith=F("pairing__recipient_area_id")
    )
    mismatched_program = Project.objects.filter(pairing__isnull=False).exclude(pairing__program_id=F("program_id"))
    return list(rows.values_list("id", flat=True)[:20]) + list(mismatched_program.values_list("id", flat=True)[:20])


def _ledger_dimensions_outside_program() -> list[Any]:
    rows = LedgerTransaction.objects.filter(
        Q(project__isnull=False) & ~Q(project__program_id=F("program_id"))
        | Q(pairing__isnull=False) & ~Q(pairing__program_id=F("program_id"))
    )
    return list(rows.values_list("id", flat=True)[:20])


def _reversals_before_their_original() -> list[Any]:
    """Reversals dated before the entry they reverse (ledger_reverse refuses them since issue 14;
    rows written earlier, or by a bulk load, may hold them)."""
    rows = LedgerTransaction.objects.filter(reverses__isnull=False, date__lt=F("reverses__date"))
    return list(rows.values_list("id", "date", "reverses_id")[:20])


def _reported_values_without_indicator() -> list[Any]:
    known = Indicator.objects.values_list("key", flat=True)
    return list(ReportedValue.objects.exclude(indicator_key__in=known).values_list("id", "indicator_key")[:20])


CHECKS: list[IntegrityCheck] = [
    IntegrityCheck(
        "ledger.unbalanced",
        Severity.ERROR,
        "借贷不平衡的交易",
        "transactions whose postings do not sum to zero",
        _unbalanced,
    ),
    IntegrityCheck(
        "ledger.empty",
        Severity.ERROR,
        "没有分录的交易",
        "transactions without postings",
        _transactions_without_postings,
    ),
    IntegrityCheck(
        "ledger.drawn_below_zero",
        Severity.ERROR,
        "承诺、安排或拨付余额为负",
        "a commitment's committed, allocated or disbursed balance below zero",
        _drawn_below_zero,
    ),
    IntegrityCheck(
        "ledger.disbursed_above_committed",
        Severity.ERROR,
        "拨付超过承诺",
        "more disbursed against a commitment than was committed",
        _disbursed_above_committed,
    ),
    IntegrityCheck(
        "ledger.dimension_outside_program",
        Severity.ERROR,
        "交易的项目或结对属于其他协作项目",
        "a transaction's project or pairing belongs to another program",
        _ledger_dimensions_outside_program,
    ),
    IntegrityCheck(
        "ledger.reversal_before_original",
        Severity.ERROR,
        "冲销日期早于被冲销的交易",
        "a reversal dated before the transaction it reverses: (id, date, reversed id)",
        _reversals_before_their_original,
    ),
    IntegrityCheck(
        "pairing.overlap",
        Severity.ERROR,
        "同一双方的结对关系时间重叠",
        "pairings of the same parties with overlapping periods",
        _overlapping_pairings,
    ),
    IntegrityCheck(
        "project.outside_pairing",
        Severity.ERROR,
        "项目地点不在其结对关系的受援地区内或属于其他协作项目",
        "a project outside its pairing's recipient area, or in another program",
        _projects_outside_their_pairing,
    ),
    IntegrityCheck(
        "ledger.summary",
        Severity.ERROR,
        "台账汇总与分录不一致（可用 ledger_summary_rebuild 重算）",
        "ledger summary rows that differ from the sums of the postings: (key, stored, recomputed)",
        ledger_summary_mismatches,
    ),
    IntegrityCheck(
        "people.beneficiary_summary",
        Severity.ERROR,
        "受益人数汇总与受益记录不一致（可用 beneficiary_summary_refresh 按键重算）",
        "persons-reached summary rows that differ from a recount of the benefits: (key, stored, recomputed)",
        beneficiary_summary_mismatches,
    ),
    IntegrityCheck(
        "people.years_reached_summary",
        Severity.ERROR,
        "受益年份人数汇总与受益记录不一致（可用 years_reached_refresh 按县重算）",
        "years-reached summary rows (persons by the set of years they were reached in the program) that "
        "differ from a recount of the benefits: (key, stored, recomputed)",
        years_reached_mismatches,
    ),
    IntegrityCheck(
        "people.pairing_reach_summary",
        Severity.ERROR,
        "结对受益人数汇总与受益记录不一致（可用 pairing_reach_refresh 按键重算）",
        "pairing-reach summary rows (persons by the set of pairings they were reached through in a year) that "
        "differ from a recount of the benefits: (key, stored, recomputed)",
        pairing_reach_mismatches,
    ),
    IntegrityCheck(
        "people.township_reach_summary",
        Severity.ERROR,
        "乡镇受益人数汇总与受益记录不一致（可用 township_reach_refresh 按键重算）",
        "township-reach summary rows (persons reached per program, year, county and township) that differ "
        "from a recount of the benefits: (key, stored, recomputed)",
        township_reach_mismatches,
    ),
    IntegrityCheck(
        "reported_value.unknown_indicator",
        Severity.WARNING,
        "上报数的指标不在指标目录中",
        "a reported value whose indicator is not in the catalogue",
        _reported_values_without_indicator,
    ),
]


def integrity_check_register(check: IntegrityCheck) -> None:
    """Other domains (people, enterprise) add their checks here."""
    CHECKS.append(check)


# Cleaners of what interrupted work left behind (an import's sealed spool, expired uploads): each
# returns what it removed by kind. Registered by the app that owns the files, as checks are.
SWEEPERS: dict[str, Callable[[], dict[str, int]]] = {}


def integrity_sweeper_register(name: str, sweep: Callable[[], dict[str, int]]) -> None:
    SWEEPERS[name] = sweep


def integrity_sweep() -> dict[str, dict[str, int]]:
    """Run every registered sweeper; ``check-integrity`` does this before its checks."""
    return {name: sweep() for name, sweep in SWEEPERS.items()}


def integrity_run(codes: list[str] | None = None) -> list[Finding]:
    findings = []
    for check in CHECKS:
        if codes and check.code not in codes:
            continue
        rows = check.find()
        findings.append(Finding(check=check, count=len(rows), sample=rows[:5]))
    return findings
