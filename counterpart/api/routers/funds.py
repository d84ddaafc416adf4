"""The funds ledger: transactions with their postings (read); commitments, allocations, disbursements,
expenditures and refunds (write; a correction is a reversal, routers/corrections.py)."""

import datetime
from decimal import Decimal
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import AliasPath

from counterpart.access.scoping import scoped, scoped_get_or_404
from counterpart.core.money import MONEY_MAX_FEN
from counterpart.funds.models import FundSource, LedgerTransaction, TransactionKind
from counterpart.funds.services import ledger_allocate, ledger_commit, ledger_disburse, ledger_refund, ledger_spend
from counterpart.projects.models import Project
from counterpart.registry.models import Area, Pairing

from ..common import (
    ERRORS,
    WRITE_ERRORS,
    AreaCode,
    Day,
    Id,
    InputSchema,
    OutSchema,
    Slug,
    Year,
    actor_of,
    filtered,
    ordered,
    paginated,
    text,
    user_of,
)
from ..idempotency import idempotent
from .shared import IdempotencyKey, get_or_422, program_named

router = Router(tags=["ledger"])


class PostingOut(OutSchema):
    account: str = Field(validation_alias=AliasPath("account", "type"))
    amount_fen: int


class TransactionOut(OutSchema):
    id: int
    program: str = Field(validation_alias=AliasPath("program", "slug"))
    kind: TransactionKind
    date: Day
    year: int
    source: FundSource
    amount_fen: int = Field(description="the amount moved (the transaction's debits), in fen")
    pairing: int | None = Field(validation_alias="pairing_id")
    recipient_area: str | None = Field(validation_alias="recipient_area_id")
    project: int | None = Field(validation_alias="project_id")
    commitment: int | None = Field(validation_alias="commitment_id")
    reverses: int | None = Field(validation_alias="reverses_id")
    description: str
    item_description: str
    item_quantity: Decimal | None
    item_unit: str
    external_ref: str
    is_illustrative: bool
    created_at: datetime.datetime
    created_by: str = Field(validation_alias="created_by_label")

    @staticmethod
    def resolve_amount_fen(obj: LedgerTransaction) -> int:
        return sum(p.amount_fen for p in obj.postings.all() if p.amount_fen > 0)


class TransactionDetailOut(TransactionOut):
    postings: list[PostingOut]

    @staticmethod
    def resolve_postings(obj: LedgerTransaction) -> list:
        return list(obj.postings.all())


class TransactionFilter(Schema):
    program: Slug | None = None
    kind: TransactionKind | None = None
    source: FundSource | None = None
    year: Year | None = None
    project: Id | None = None
    recipient_area: AreaCode | None = None
    commitment: Id | None = None


def _transactions(request: HttpRequest) -> QuerySet[LedgerTransaction]:
    return scoped(LedgerTransaction, user_of(request)).select_related("program").prefetch_related("postings__account")


@router.get("/ledger/transactions", response={200: list[TransactionOut], **ERRORS})
@paginated
def transaction_list(
    request: HttpRequest,
    filters: Query[TransactionFilter],
    ordering: Literal["id", "-id", "date", "-date", "year", "-year"] | None = None,
):
    queryset = filtered(
        _transactions(request),
        filters,
        program="program__slug",
        kind="kind",
        source="source",
        year="year",
        project="project_id",
        commitment="commitment_id",
        recipient_area="recipient_area__code__startswith",
    )
    return ordered(queryset, ordering)


@router.get("/ledger/transactions/{transaction_id}", response={200: TransactionDetailOut, **ERRORS})
def transaction_detail(request: HttpRequest, transaction_id: Id):
    return scoped_get_or_404(_transactions(request), user_of(request), pk=transaction_id)


class CommitmentIn(InputSchema):
    program: Slug
    date: Day
    source: FundSource
    amount_fen: int = Field(ge=1, le=MONEY_MAX_FEN)
    pairing: Id | None = None
    recipient_area: AreaCode | None = None
    description: text(255) = ""  # type: ignore[valid-type]
    external_ref: text(60) = ""  # type: ignore[valid-type]


@router.post("/ledger/commitments", response={201: TransactionDetailOut, **WRITE_ERRORS})
def commitment_create(request: HttpRequest, payload: CommitmentIn, idempotency_key: IdempotencyKey = None):
    """A source commits funds to a program (program office only). Send ``Idempotency-Key`` to retry safely."""
    user = user_of(request)
    program = program_named(payload.program)
    pairing = get_or_422(scoped(Pairing, user), "pairing", payload.pairing, pk=payload.pairing)
    area = get_or_422(Area.objects.all(), "recipient_area", payload.recipient_area, code=payload.recipient_area)

    def write() -> tuple[int, object]:
        record = ledger_commit(
            actor=actor_of(request),
            program=program,
            date=payload.date,
            source=payload.source,
            amount_fen=payload.amount_fen,
            pairing=pairing,
            recipient_area=area,
            description=payload.description,
            external_ref=payload.external_ref,
        )
        return 201, TransactionDetailOut.from_orm(record).model_dump(mode="json")

    return idempotent(request, idempotency_key, write)


class DisbursementIn(InputSchema):
    commitment: Id
    date: Day
    amount_fen: int = Field(ge=1, le=MONEY_MAX_FEN)
    project: Id | None = None
    recipient_area: AreaCode | None = None
    pairing: Id | None = None
    description: text(255) = ""  # type: ignore[valid-type]
    external_ref: text(60) = ""  # type: ignore[valid-type]


@router.post("/ledger/disbursements", response={201: TransactionDetailOut, **WRITE_ERRORS})
def disbursement_create(request: HttpRequest, payload: DisbursementIn, idempotency_key: IdempotencyKey = None):
    """Pay committed funds out, to a project (from its allocation) or to an area (from the unallocated
    commitment). Refused beyond what is there. Send ``Idempotency-Key`` to retry safely."""
    user = user_of(request)
    commitment = scoped_get_or_404(
        LedgerTransaction.objects.select_related("program"),
        user,
        pk=payload.commitment,
        kind=TransactionKind.COMMITMENT,
    )
    project = get_or_422(scoped(Project, user), "project", payload.project, pk=payload.project)
    pairing = get_or_422(scoped(Pairing, user), "pairing", payload.pairing, pk=payload.pairing)
    area = get_or_422(Area.objects.all(), "recipient_area", payload.recipient_area, code=payload.recipient_area)

    def write() -> tuple[int, object]:
        record = ledger_disburse(
            actor=actor_of(request),
            commitment=commitment,
            date=payload.date,
            amount_fen=payload.amount_fen,
            project=project,
            recipient_area=area,
            pairing=pairing,
            description=payload.description,
            external_ref=payload.external_ref,
        )
        return 201, TransactionDetailOut.from_orm(record).model_dump(mode="json")

    return idempotent(request, idempotency_key, write)


class AllocationIn(InputSchema):
    commitment: Id
    project: Id
    date: Day
    amount_fen: int = Field(ge=1, le=MONEY_MAX_FEN)
    description: text(255) = ""  # type: ignore[valid-type]


@router.post("/ledger/allocations", response={201: TransactionDetailOut, **WRITE_ERRORS})
def allocation_create(request: HttpRequest, payload: AllocationIn, idempotency_key: IdempotencyKey = None):
    """Earmark committed funds for a project. Refused beyond the unallocated commitment. Send
    ``Idempotency-Key`` to retry safely."""
    user = user_of(request)
    commitment = scoped_get_or_404(
        LedgerTransaction.objects.select_related("program"),
        user,
        pk=payload.commitment,
        kind=TransactionKind.COMMITMENT,
    )
    project = get_or_422(scoped(Project, user), "project", payload.project, pk=payload.project)
    assert project is not None

    def write() -> tuple[int, object]:
        record = ledger_allocate(
            actor=actor_of(request),
            commitment=commitment,
            project=project,
            date=payload.date,
            amount_fen=payload.amount_fen,
            description=payload.description,
        )
        return 201, TransactionDetailOut.from_orm(record).model_dump(mode="json")

    return idempotent(request, idempotency_key, write)


class DrawIn(InputSchema):
    disbursement: Id
    date: Day
    amount_fen: int = Field(ge=1, le=MONEY_MAX_FEN)
    description: text(255) = ""  # type: ignore[valid-type]


def _disbursement(request: HttpRequest, pk: int) -> LedgerTransaction:
    return scoped_get_or_404(
        LedgerTransaction.objects.select_related("program"), user_of(request), pk=pk, kind=TransactionKind.DISBURSEMENT
    )


def _draw(request: HttpRequest, payload: DrawIn, idempotency_key: str | None, action: Any) -> Any:
    """Spend or refund (``action``) from a disbursement the caller may see, once per idempotency key."""
    disbursement = _disbursement(request, payload.disbursement)

    def write() -> tuple[int, object]:
        record = action(
            actor=actor_of(request),
            disbursement=disbursement,
            date=payload.date,
            amount_fen=payload.amount_fen,
            description=payload.description,
        )
        return 201, TransactionDetailOut.from_orm(record).model_dump(mode="json")

    return idempotent(request, idempotency_key, write)


@router.post("/ledger/expenditures", response={201: TransactionDetailOut, **WRITE_ERRORS})
def expenditure_create(request: HttpRequest, payload: DrawIn, idempotency_key: IdempotencyKey = None):
    """Report disbursed funds as spent. Refused beyond what the disbursement has left. Send
    ``Idempotency-Key`` to retry safely."""
    return _draw(request, payload, idempotency_key, ledger_spend)


@router.post("/ledger/refunds", response={201: TransactionDetailOut, **WRITE_ERRORS})
def refund_create(request: HttpRequest, payload: DrawIn, idempotency_key: IdempotencyKey = None):
    """Unspent disbursed funds come back to their commitment. Send ``Idempotency-Key`` to retry safely."""
    return _draw(request, payload, idempotency_key, ledger_refund)
