"""Corrections and yearly records: reversing a ledger entry, a household's status by year, a village's
five advancement components. Each write calls one action, which asks the policy (403 with its words)."""

import datetime

from django.http import HttpRequest
from ninja import Field, Router, Status
from pydantic import AliasPath

from counterpart.access.scoping import scoped, scoped_get_or_404
from counterpart.funds.models import LedgerTransaction
from counterpart.funds.services import ledger_reverse
from counterpart.people.models import Household, HouseholdStatus, PovertyStatus
from counterpart.people.services import household_status_set
from counterpart.projects.models import (
    ComponentStatus,
    Project,
    VillageAdvancement,
    VillageComponent,
    VillageComponentKind,
)
from counterpart.projects.village_selectors import village_advanced_in
from counterpart.projects.villages import village_advancement_start, village_component_update
from counterpart.registry.models import Area, Pairing

from ..common import ERRORS, WRITE_ERRORS, AreaCode, Id, InputSchema, OutSchema, Slug, Year, actor_of, text, user_of
from ..idempotency import idempotent
from .funds import TransactionDetailOut
from .shared import IdempotencyKey, get_or_422, program_named

router = Router(tags=["corrections"])


class ReversalIn(InputSchema):
    date: datetime.date = Field(description="on or after the date of the entry reversed")
    reason: text(255, min_length=1)  # type: ignore[valid-type]


@router.post("/ledger/transactions/{transaction_id}/reversal", response={201: TransactionDetailOut, **WRITE_ERRORS})
def reversal_create(
    request: HttpRequest, transaction_id: Id, payload: ReversalIn, idempotency_key: IdempotencyKey = None
):
    """Correct a ledger entry by posting its mirror image, with the reason; the original stays as it
    was and links to its reversal (``reverses``). Send ``Idempotency-Key`` to retry safely."""
    original = scoped_get_or_404(
        LedgerTransaction.objects.select_related("program"), user_of(request), pk=transaction_id
    )

    def write() -> tuple[int, object]:
        reversal = ledger_reverse(actor=actor_of(request), original=original, date=payload.date, reason=payload.reason)
        return 201, TransactionDetailOut.from_orm(reversal).model_dump(mode="json")

    return idempotent(request, idempotency_key, write)


class HouseholdStatusOut(OutSchema):
    household: int = Field(validation_alias="household_id")
    year: int
    status: PovertyStatus
    reason: str


class HouseholdStatusIn(InputSchema):
    status: PovertyStatus
    reason: text(255) = ""  # type: ignore[valid-type]


@router.get("/households/{household_id}/statuses", response={200: list[HouseholdStatusOut], **ERRORS})
def household_status_list(request: HttpRequest, household_id: Id):
    household = scoped_get_or_404(Household, user_of(request), pk=household_id)
    return list(HouseholdStatus.objects.filter(household=household).order_by("year"))


@router.put("/households/{household_id}/statuses/{year}", response={200: HouseholdStatusOut, **WRITE_ERRORS})
def household_status_put(request: HttpRequest, household_id: Id, year: Year, payload: HouseholdStatusIn):
    """Record a household's status for a year (registered, lifted out, returned to poverty) and why;
    a return must give its cause."""
    household = scoped_get_or_404(Household.objects.select_related("village"), user_of(request), pk=household_id)
    record = household_status_set(
        actor=actor_of(request), household=household, year=year, status=payload.status, reason=payload.reason
    )
    return Status(200, record)


class ComponentOut(OutSchema):
    component: VillageComponentKind
    status: ComponentStatus
    completed_on: datetime.date | None
    evidence: str
    projects: list[int]

    @staticmethod
    def resolve_projects(obj: VillageComponent) -> list[int]:
        return [project.pk for project in obj.projects.all()]


class VillageAdvancementOut(OutSchema):
    id: int
    program: str = Field(validation_alias=AliasPath("program", "slug"))
    village: str = Field(validation_alias="village_id")
    pairing: int | None = Field(validation_alias="pairing_id")
    start_year: int
    advanced_in: int | None = Field(description="the year its last component completed, once all five are")
    components: list[ComponentOut]
    is_illustrative: bool

    @staticmethod
    def resolve_components(obj: VillageAdvancement) -> list:
        return list(obj.components.all())

    @staticmethod
    def resolve_advanced_in(obj: VillageAdvancement) -> int | None:
        return village_advanced_in(list(obj.components.all()))


def _advancements(request: HttpRequest):
    return (
        scoped(VillageAdvancement, user_of(request)).select_related("program").prefetch_related("components__projects")
    )


@router.get("/village-advancements", response={200: list[VillageAdvancementOut], **ERRORS})
def village_advancement_list(request: HttpRequest, program: str | None = None):
    queryset = _advancements(request)
    if program:
        queryset = queryset.filter(program__slug=program)
    return list(queryset.order_by("village_id", "pk")[:500])


@router.get("/village-advancements/{advancement_id}", response={200: VillageAdvancementOut, **ERRORS})
def village_advancement_detail(request: HttpRequest, advancement_id: Id):
    return scoped_get_or_404(_advancements(request), user_of(request), pk=advancement_id)


class VillageAdvancementIn(InputSchema):
    program: Slug
    village: AreaCode
    start_year: Year
    pairing: Id | None = None


@router.post("/village-advancements", response={201: VillageAdvancementOut, **WRITE_ERRORS})
def village_advancement_create(request: HttpRequest, payload: VillageAdvancementIn):
    """Take on a development-oriented village: its five components start as planned."""
    user = user_of(request)
    program = program_named(payload.program)
    village = get_or_422(Area.objects.all(), "village", payload.village, code=payload.village)
    assert village is not None
    pairing = get_or_422(scoped(Pairing, user), "pairing", payload.pairing, pk=payload.pairing)
    advancement = village_advancement_start(
        actor=actor_of(request), program=program, village=village, start_year=payload.start_year, pairing=pairing
    )
    return Status(201, _advancements(request).get(pk=advancement.pk))


class ComponentIn(InputSchema):
    status: ComponentStatus
    completed_on: datetime.date | None = Field(None, description="required when complete")
    evidence: text(2000) | None = None  # type: ignore[valid-type]
    projects: list[Id] = Field(default_factory=list, description="projects that delivered it")


@router.put(
    "/village-advancements/{advancement_id}/components/{component}",
    response={200: VillageAdvancementOut, **WRITE_ERRORS},
)
def village_component_put(
    request: HttpRequest, advancement_id: Id, component: VillageComponentKind, payload: ComponentIn
):
    """The county office sets one of the five components' status, completion date and evidence; the
    village counts as advanced in the year its last component completes."""
    user = user_of(request)
    advancement = scoped_get_or_404(_advancements(request), user, pk=advancement_id)
    projects = [get_or_422(scoped(Project, user), "projects", pk, pk=pk) for pk in payload.projects]
    village_component_update(
        actor=actor_of(request),
        advancement=advancement,
        component=component,
        status=payload.status,
        completed_on=payload.completed_on,
        evidence=payload.evidence,
        projects=[p for p in projects if p is not None],
    )
    return Status(200, _advancements(request).get(pk=advancement.pk))
