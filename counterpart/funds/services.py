"""Writes to the funds ledger. Every write goes through ``_ledger_post``.

Rules enforced here (and, on PostgreSQL, again by the database — see migration 0002):
- amounts are positive whole fen; each transaction's postings sum to zero;
- a transaction that draws money (allocation, disbursement, expenditure, refund, reversal) may
  not take a stage account below zero for its commitment, so nothing is ever disbursed beyond
  what was committed and allocated; the commitment row is locked while this is checked;
- nothing is updated or deleted: a correction is ``ledger_reverse``.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils.translation import gettext as _

from counterpart.access.policy import Target, policy_check
from counterpart.core.audit import Actor, audit_record
from counterpart.core.distribution import county_of
from counterpart.core.errors import InvalidInput
from counterpart.core.retry import retry_on_conflict
from counterpart.projects.models import Project
from counterpart.registry.models import Area, Pairing, Program
from counterpart.registry.services import period_lock_check

from .models import (
    DRAWN_ACCOUNTS,
    Account,
    AccountType,
    FundSource,
    LedgerTransaction,
    Posting,
    TransactionKind,
)
from .summary import ledger_summary_add

STANDARD_CHART: dict[str, tuple[str, str]] = {
    AccountType.CONTRIBUTIONS: ("资金来源", "Contributions"),
    AccountType.COMMITTED: ("已承诺未安排资金", "Committed, not yet allocated"),
    AccountType.ALLOCATED: ("已安排到项目资金", "Allocated to projects"),
    AccountType.DISBURSED: ("已拨付未支出资金", "Disbursed, not yet spent"),
    AccountType.SPENT: ("已支出资金", "Spent"),
    AccountType.IN_KIND: ("捐赠物资", "Goods donated in kind"),
}


def ledger_accounts_ensure(program: Program) -> dict[str, Account]:
    """The program's standard chart of accounts, created on first use."""
    accounts = {a.type: a for a in Account.objects.filter(program=program)}
    for account_type, (name_zh, name_en) in STANDARD_CHART.items():
        if account_type not in accounts:
            accounts[account_type] = Account.objects.get_or_create(
                program=program, type=account_type, defaults={"name_zh": name_zh, "name_en": name_en}
            )[0]
    return accounts


@dataclass(frozen=True)
class Dimensions:
    """What a transaction is reported by: source, and where and for what the money went."""

    source: str
    pairing: Pairing | None = None
    recipient_area: Area | None = None
    project: Project | None = None

    @classmethod
    def of(cls, record: LedgerTransaction) -> "Dimensions":
        """The dimensions of an existing transaction, for one that follows from it."""
        return cls(
            source=record.source, pairing=record.pairing, recipient_area=record.recipient_area, project=record.project
        )


def _amount_check(amount_fen: int) -> None:
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int):
        raise InvalidInput("amount", amount_fen, _("金额必须是以分为单位的整数"))
    if amount_fen <= 0:
        raise InvalidInput("amount", amount_fen / 100, _("金额必须大于零"))


def _dimensions_check(program: Program, dims: Dimensions) -> None:
    if dims.source not in FundSource.values:
        raise InvalidInput("source", dims.source, _("未知的资金来源"))
    if dims.pairing is not None and dims.pairing.program_id != program.id:
        raise InvalidInput("pairing", dims.pairing.pk, _("结对关系不属于该协作项目"))
    if dims.project is not None and dims.project.program_id != program.id:
        raise InvalidInput("project", dims.project.code, _("项目不属于该协作项目"))


def _draw_balance(commitment: LedgerTransaction, account_type: str, project: Project | None) -> int:
    """What is left in a stage account for one commitment (and project, below allocation)."""
    group = Q(transaction_id=commitment.id) | Q(transaction__commitment_id=commitment.id)
    # joined to its transaction on the county too (co-located on Citus, docs/scale.md)
    postings = Posting.objects.filter(group, account__type=account_type, transaction__county_code=F("county_code"))
    if account_type != AccountType.COMMITTED:
        # Below allocation money belongs to one project (or to none): never draw across projects.
        postings = postings.filter(transaction__project=project)
    return postings.aggregate(total=Sum("amount_fen"))["total"] or 0


_DRAW_ERRORS: dict[str, str] = {
    AccountType.COMMITTED: "超出承诺资金的未安排余额：可用 %(available)s 元，申请 %(requested)s 元",
    AccountType.ALLOCATED: "超出已安排到该项目的资金：可用 %(available)s 元，申请 %(requested)s 元",
    AccountType.DISBURSED: "超出已拨付未支出的资金：可用 %(available)s 元，申请 %(requested)s 元",
}


# The policy's verb for each kind of transaction (funds/policy.py declares who may take it).
_VERB_OF_KIND: dict[str, str] = {
    TransactionKind.COMMITMENT: "ledger_commit",
    TransactionKind.ALLOCATION: "ledger_allocate",
    TransactionKind.DISBURSEMENT: "ledger_disburse",
    TransactionKind.EXPENDITURE: "ledger_spend",
    TransactionKind.IN_KIND_DONATION: "ledger_donate_in_kind",
    TransactionKind.REFUND: "ledger_refund",
    TransactionKind.REVERSAL: "ledger_reverse",
}


def ledger_target(program: Program, dims: Dimensions) -> Target:
    return Target(
        program=program.pk,
        area=dims.recipient_area.pk if dims.recipient_area is not None else None,
        donor_area=dims.pairing.donor_area_id if dims.pairing is not None else None,
    )


@retry_on_conflict
def _ledger_post(
    actor: Actor,
    *,
    program: Program,
    kind: str,
    date: datetime.date,
    dims: Dimensions,
    lines: list[tuple[str, int]],
    commitment: LedgerTransaction | None = None,
    reverses: LedgerTransaction | None = None,
    description: str = "",
    item_description: str = "",
    item_quantity: Decimal | None = None,
    item_unit: str = "",
    is_illustrative: bool = False,
    idempotency_key: str | None = None,
    external_ref: str = "",
) -> LedgerTransaction:
    """Write one balanced transaction, all or nothing, with its audit event.

    Run again from the start when the database aborts it for a conflict (SERIALIZABLE, deadlock);
    see core/retry.py.
    """
    if sum(amount for _account, amount in lines) != 0 or len(lines) < 2:
        raise InvalidInput("postings", lines, _("借贷不平衡"))
    if not isinstance(date, datetime.date):
        raise InvalidInput("date", date, _("日期无效"))
    _dimensions_check(program, dims)
    policy_check(actor, _VERB_OF_KIND[kind], ledger_target(program, dims))
    with transaction.atomic():
        period_lock_check(program, date.year, field="date")
        if idempotency_key:
            existing = LedgerTransaction.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
        external_ref = external_ref.strip()
        if external_ref and LedgerTransaction.objects.filter(program=program, external_ref=external_ref).exists():
            raise InvalidInput("external_ref", external_ref, _("该外部编号已用于本协作项目的另一笔交易"))
        accounts = ledger_accounts_ensure(program)
        if commitment is not None:
            # Serialise every draw on this commitment: concurrent disbursements queue here.
            commitment = LedgerTransaction.objects.select_for_update().get(
                pk=commitment.pk, county_code=commitment.county_code
            )
            for account_type, amount in lines:
                if account_type in DRAWN_ACCOUNTS and amount < 0:
                    available = _draw_balance(commitment, account_type, dims.project)
                    if available + amount < 0:
                        raise InvalidInput(
                            "amount",
                            f"{-amount / 100:.2f}",
                            _(_DRAW_ERRORS[account_type])
                            % {"available": f"{available / 100:,.2f}", "requested": f"{-amount / 100:,.2f}"},
                        )
        try:
            record = LedgerTransaction.objects.create(
                program=program,
                kind=kind,
                date=date,
                year=date.year,
                source=dims.source,
                pairing=dims.pairing,
                recipient_area=dims.recipient_area,
                county_code=county_of(dims.recipient_area.code if dims.recipient_area else None),
                project=dims.project,
                commitment=commitment,
                reverses=reverses,
                description=description,
                item_description=item_description,
                item_quantity=item_quantity,
                item_unit=item_unit,
                is_illustrative=is_illustrative,
                idempotency_key=idempotency_key,
                external_ref=external_ref,
                created_by=actor.db_user,
                created_by_label=actor.label,
            )
        except IntegrityError as error:
            if reverses is not None:
                raise InvalidInput("reverses", reverses.pk, _("该交易已被冲销")) from error
            raise
        Posting.objects.bulk_create(
            [
                Posting(
                    transaction=record,
                    account=accounts[account_type],
                    amount_fen=amount,
                    county_code=record.county_code,
                )
                for account_type, amount in lines
            ]
        )
        ledger_summary_add(record, lines)
        audit_record(
            actor,
            f"ledger.{kind}",
            record,
            after={
                "kind": kind,
                "date": date.isoformat(),
                "source": dims.source,
                "project": dims.project.code if dims.project else None,
                "postings": [[account_type, amount] for account_type, amount in lines],
            },
        )
    return record


def _commitment_check(program: Program, commitment: LedgerTransaction) -> None:
    if commitment.kind != TransactionKind.COMMITMENT or commitment.program_id != program.id:
        raise InvalidInput("commitment", commitment.pk, _("不是该协作项目的资金承诺"))
    if LedgerTransaction.objects.filter(reverses=commitment).exists():
        raise InvalidInput("commitment", commitment.pk, _("该资金承诺已被冲销"))


def ledger_commit(
    *,
    actor: Actor,
    program: Program,
    date: datetime.date,
    source: str,
    amount_fen: int,
    pairing: Pairing | None = None,
    recipient_area: Area | None = None,
    description: str = "",
    is_illustrative: bool = False,
    idempotency_key: str | None = None,
    external_ref: str = "",
) -> LedgerTransaction:
    """A source commits funds to the program (资金承诺/下达)."""
    _amount_check(amount_fen)
    return _ledger_post(
        actor,
        program=program,
        kind=TransactionKind.COMMITMENT,
        date=date,
        dims=Dimensions(source=source, pairing=pairing, recipient_area=recipient_area),
        lines=[(AccountType.COMMITTED, amount_fen), (AccountType.CONTRIBUTIONS, -amount_fen)],
        description=description,
        is_illustrative=is_illustrative,
        idempotency_key=idempotency_key,
        external_ref=external_ref,
    )


def ledger_allocate(
    *,
    actor: Actor,
    commitment: LedgerTransaction,
    project: Project,
    date: datetime.date,
    amount_fen: int,
    description: str = "",
    is_illustrative: bool = False,
) -> LedgerTransaction:
    """Earmark committed funds for a project (资金安排)."""
    _amount_check(amount_fen)
    program = commitment.program
    _commitment_check(program, commitment)
    return _ledger_post(
        actor,
        program=program,
        kind=TransactionKind.ALLOCATION,
        date=date,
        dims=Dimensions(
            source=commitment.source,
            pairing=project.pairing,
            recipient_area=project.recipient_area,
            project=project,
        ),
        lines=[(AccountType.ALLOCATED, amount_fen), (AccountType.COMMITTED, -amount_fen)],
        commitment=commitment,
        description=description,
        is_illustrative=is_illustrative,
    )


def ledger_disburse(
    *,
    actor: Actor,
    commitment: LedgerTransaction,
    date: datetime.date,
    amount_fen: int,
    project: Project | None = None,
    recipient_area: Area | None = None,
    pairing: Pairing | None = None,
    description: str = "",
    is_illustrative: bool = False,
    idempotency_key: str | None = None,
    external_ref: str = "",
) -> LedgerTransaction:
    """Pay committed funds out to the recipient side (资金拨付).

    With a project, it draws on what was allocated to that project; without one (student aid,
    a lump transfer to a county), on the commitment's unallocated balance. Either way it is
    refused if it would exceed what is there.
    """
    _amount_check(amount_fen)
    program = commitment.program
    _commitment_check(program, commitment)
    drawn_from = AccountType.ALLOCATED if project is not None else AccountType.COMMITTED
    return _ledger_post(
        actor,
        program=program,
        kind=TransactionKind.DISBURSEMENT,
        date=date,
        dims=Dimensions(
            source=commitment.source,
            pairing=project.pairing if project else pairing or commitment.pairing,
            recipient_area=project.recipient_area if project else recipient_area or commitment.recipient_area,
            project=project,
        ),
        lines=[(AccountType.DISBURSED, amount_fen), (drawn_from, -amount_fen)],
        commitment=commitment,
        description=description,
        is_illustrative=is_illustrative,
        idempotency_key=idempotency_key,
        external_ref=external_ref,
    )


def _draw_from(disbursement: LedgerTransaction, field: str) -> LedgerTransaction:
    if disbursement.kind != TransactionKind.DISBURSEMENT or disbursement.commitment is None:
        raise InvalidInput(field, disbursement.pk, _("必须基于一笔拨付交易"))
    return disbursement.commitment


def _draw_on_disbursement(
    actor: Actor,
    disbursement: LedgerTransaction,
    *,
    kind: str,
    to_account: str,
    date: datetime.date,
    amount_fen: int,
    description: str,
    is_illustrative: bool,
) -> LedgerTransaction:
    """Move money out of what a disbursement put on the recipient side (to spent, or back)."""
    _amount_check(amount_fen)
    commitment = _draw_from(disbursement, "disbursement")
    return _ledger_post(
        actor,
        program=disbursement.program,
        kind=kind,
        date=date,
        dims=Dimensions.of(disbursement),
        lines=[(to_account, amount_fen), (AccountType.DISBURSED, -amount_fen)],
        commitment=commitment,
        description=description,
        is_illustrative=is_illustrative,
    )


def ledger_spend(
    *,
    actor: Actor,
    disbursement: LedgerTransaction,
    date: datetime.date,
    amount_fen: int,
    description: str = "",
    is_illustrative: bool = False,
) -> LedgerTransaction:
    """The recipient reports disbursed funds as spent (资金支出)."""
    return _draw_on_disbursement(
        actor,
        disbursement,
        kind=TransactionKind.EXPENDITURE,
        to_account=AccountType.SPENT,
        date=date,
        amount_fen=amount_fen,
        description=description,
        is_illustrative=is_illustrative,
    )


def ledger_refund(
    *,
    actor: Actor,
    disbursement: LedgerTransaction,
    date: datetime.date,
    amount_fen: int,
    description: str = "",
) -> LedgerTransaction:
    """Unspent disbursed funds come back to the commitment (资金退回)."""
    return _draw_on_disbursement(
        actor,
        disbursement,
        kind=TransactionKind.REFUND,
        to_account=AccountType.COMMITTED,
        date=date,
        amount_fen=amount_fen,
        description=description,
        is_illustrative=False,
    )


def ledger_donate_in_kind(
    *,
    actor: Actor,
    program: Program,
    date: datetime.date,
    source: str,
    value_fen: int,
    item_description: str,
    item_quantity: Decimal | int,
    item_unit: str,
    recipient_area: Area | None = None,
    pairing: Pairing | None = None,
    project: Project | None = None,
    description: str = "",
    is_illustrative: bool = False,
    idempotency_key: str | None = None,
    external_ref: str = "",
) -> LedgerTransaction:
    """Goods given in kind, valued in yuan and counted (\"641,000 pieces of clothes and bedding\")."""
    _amount_check(value_fen)
    if not item_description.strip():
        raise InvalidInput("item_description", item_description, _("请填写捐赠物资名称"))
    quantity = Decimal(item_quantity)
    if quantity <= 0:
        raise InvalidInput("item_quantity", item_quantity, _("物资数量必须大于零"))
    if not item_unit.strip():
        raise InvalidInput("item_unit", item_unit, _("请填写物资计量单位"))
    return _ledger_post(
        actor,
        program=program,
        kind=TransactionKind.IN_KIND_DONATION,
        date=date,
        dims=Dimensions(source=source, pairing=pairing, recipient_area=recipient_area, project=project),
        lines=[(AccountType.IN_KIND, value_fen), (AccountType.CONTRIBUTIONS, -value_fen)],
        description=description,
        item_description=item_description.strip(),
        item_quantity=quantity,
        item_unit=item_unit.strip(),
        is_illustrative=is_illustrative,
        idempotency_key=idempotency_key,
        external_ref=external_ref,
    )


def ledger_reverse(*, actor: Actor, original: LedgerTransaction, date: datetime.date, reason: str) -> LedgerTransaction:
    """Correct a transaction by posting its mirror image. The original stays as it was.

    Refused when the money has moved on (reversing a commitment that has been disbursed would
    leave the disbursement without cover), and when the original was already reversed.
    """
    if not reason.strip():
        raise InvalidInput("reason", reason, _("冲销必须说明原因"))
    if original.kind == TransactionKind.REVERSAL:
        raise InvalidInput("reverses", original.pk, _("不能冲销一笔冲销交易，请重新录入原交易"))
    if isinstance(date, datetime.date) and date < original.date:
        raise InvalidInput("date", date.isoformat(), _("冲销日期不能早于被冲销的交易日期"))
    if LedgerTransaction.objects.filter(reverses=original).exists():  # the database refuses it too (one-to-one)
        raise InvalidInput("reverses", original.pk, _("该交易已被冲销"))
    lines = [(posting.account.type, -posting.amount_fen) for posting in original.postings.select_related("account")]
    commitment = original if original.kind == TransactionKind.COMMITMENT else original.commitment
    return _ledger_post(
        actor,
        program=original.program,
        kind=TransactionKind.REVERSAL,
        date=date,
        dims=Dimensions.of(original),
        lines=lines,
        commitment=commitment,
        reverses=original,
        description=reason.strip()[:255],
        item_description=original.item_description,
        item_quantity=-original.item_quantity if original.item_quantity is not None else None,
        item_unit=original.item_unit,
        is_illustrative=original.is_illustrative,
    )
