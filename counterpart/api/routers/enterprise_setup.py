"""An enterprise's operations in the recipient region and its cooperation agreements (read; record), and
the enterprises registered at a market event with their sales (issue 18: the same actions as the web's
pages, so the same policy, period guard and messages)."""

from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import AliasPath

from counterpart.access.scoping import scoped, scoped_get_or_404
from counterpart.core.money import MONEY_MAX_FEN
from counterpart.enterprise.models import (
    CooperationAgreement,
    Enterprise,
    EventParticipation,
    MarketEvent,
    Operation,
    OperationKind,
    Sector,
)
from counterpart.enterprise.services import agreement_sign, event_participation_record, operation_record
from counterpart.registry.models import Area, Organisation

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

router = Router(tags=["enterprise"])


class OperationOut(OutSchema):
    id: int
    enterprise: int = Field(validation_alias="enterprise_id")
    organisation: int = Field(validation_alias="organisation_id")
    name_zh: str = Field(validation_alias=AliasPath("organisation", "name_zh"))
    kind: OperationKind
    area: str = Field(validation_alias="area_id")
    sector: Sector
    start_year: int | None
    restructured_factory_name: str
    restructured_organisation: int | None = Field(validation_alias="restructured_organisation_id")
    description: str
    is_illustrative: bool


def _enterprise(request: HttpRequest, enterprise_id: int) -> Enterprise:
    return scoped_get_or_404(Enterprise.objects.select_related("organisation"), user_of(request), pk=enterprise_id)


@router.get("/enterprises/{enterprise_id}/operations", response={200: list[OperationOut], **ERRORS})
@paginated
def operation_list(request: HttpRequest, enterprise_id: Id, ordering: Literal["id", "-id"] | None = None):
    """What an enterprise runs in the recipient region: subsidiaries, restructured factories, parks."""
    enterprise = _enterprise(request, enterprise_id)
    queryset = scoped(Operation.objects.select_related("organisation"), user_of(request)).filter(enterprise=enterprise)
    return ordered(queryset, ordering)


class OperationIn(InputSchema):
    organisation: Id = Field(description="the operation's own organisation (kind enterprise)")
    kind: OperationKind
    area: AreaCode = Field(description="a prefecture or a county of the recipient region")
    sector: Sector
    start_year: Year | None = None
    restructured_factory_name: text(200) = ""  # type: ignore[valid-type]
    restructured_organisation: Id | None = None
    description: text(2000) = ""  # type: ignore[valid-type]


@router.post("/enterprises/{enterprise_id}/operations", response={201: OperationOut, **WRITE_ERRORS})
def operation_create(
    request: HttpRequest, enterprise_id: Id, payload: OperationIn, idempotency_key: IdempotencyKey = None
):
    """Record a donor-side enterprise's subsidiary, restructured factory or park in a recipient area (the
    program office of a program the enterprise takes part in). Send ``Idempotency-Key`` to retry safely."""
    enterprise = _enterprise(request, enterprise_id)
    organisations = Organisation.objects.all()
    organisation = get_or_422(organisations, "organisation", payload.organisation, pk=payload.organisation)
    restructured = get_or_422(
        organisations,
        "restructured_organisation",
        payload.restructured_organisation,
        pk=payload.restructured_organisation,
    )
    area = get_or_422(Area.objects.all(), "area", payload.area, code=payload.area)
    assert organisation is not None and area is not None

    def write() -> tuple[int, object]:
        operation = operation_record(
            actor=actor_of(request),
            enterprise=enterprise,
            organisation=organisation,
            kind=payload.kind,
            area=area,
            sector=payload.sector,
            start_year=payload.start_year,
            restructured_factory_name=payload.restructured_factory_name,
            restructured_organisation=restructured,
            description=payload.description,
        )
        operation = Operation.objects.select_related("organisation").get(pk=operation.pk)
        return 201, OperationOut.from_orm(operation).model_dump(mode="json")

    return idempotent(request, idempotency_key, write)


class AgreementOut(OutSchema):
    id: int
    program: str = Field(validation_alias=AliasPath("program", "slug"))
    enterprise: int = Field(validation_alias="enterprise_id")
    operation: int | None = Field(validation_alias="operation_id")
    recipient_area: str = Field(validation_alias="recipient_area_id")
    title: str
    signed_on: Day
    agreed_investment_fen: int
    note: str
    is_illustrative: bool


class AgreementFilter(Schema):
    program: Slug | None = None
    enterprise: Id | None = None
    year: Year | None = Field(None, description="the year it was signed")


@router.get("/agreements", response={200: list[AgreementOut], **ERRORS})
@paginated
def agreement_list(
    request: HttpRequest,
    filters: Query[AgreementFilter],
    ordering: Literal["id", "-id", "signed_on", "-signed_on"] | None = None,
):
    queryset = scoped(CooperationAgreement.objects.select_related("program"), user_of(request))
    queryset = filtered(queryset, filters, program="program__slug", enterprise="enterprise_id", year="signed_on__year")
    return ordered(queryset, ordering)


@router.get("/agreements/{agreement_id}", response={200: AgreementOut, **ERRORS})
def agreement_detail(request: HttpRequest, agreement_id: Id):
    return scoped_get_or_404(CooperationAgreement.objects.select_related("program"), user_of(request), pk=agreement_id)


class AgreementIn(InputSchema):
    program: Slug
    enterprise: Id
    title: text(200, min_length=1)  # type: ignore[valid-type]
    signed_on: Day
    agreed_investment_fen: int = Field(ge=0, le=MONEY_MAX_FEN)
    recipient_area: AreaCode
    operation: Id | None = Field(None, description="the enterprise's operation the agreement is for, if any")
    note: text(2000) = ""  # type: ignore[valid-type]


@router.post("/agreements", response={201: AgreementOut, **WRITE_ERRORS})
def agreement_create(request: HttpRequest, payload: AgreementIn, idempotency_key: IdempotencyKey = None):
    """Record a signed cooperation agreement and the investment agreed in it (the program office; a locked
    year takes none). Send ``Idempotency-Key`` to retry safely."""
    user = user_of(request)
    program = program_named(payload.program)
    enterprise = get_or_422(
        scoped(Enterprise.objects.select_related("organisation"), user),
        "enterprise",
        payload.enterprise,
        pk=payload.enterprise,
    )
    area = get_or_422(Area.objects.all(), "recipient_area", payload.recipient_area, code=payload.recipient_area)
    operation = get_or_422(scoped(Operation, user), "operation", payload.operation, pk=payload.operation)
    assert enterprise is not None and area is not None

    def write() -> tuple[int, object]:
        agreement = agreement_sign(
            actor=actor_of(request),
            program=program,
            enterprise=enterprise,
            title=payload.title,
            signed_on=payload.signed_on,
            agreed_investment_fen=payload.agreed_investment_fen,
            recipient_area=area,
            operation=operation,
            note=payload.note,
        )
        agreement = CooperationAgreement.objects.select_related("program").get(pk=agreement.pk)
        return 201, AgreementOut.from_orm(agreement).model_dump(mode="json")

    return idempotent(request, idempotency_key, write)


class ParticipationOut(OutSchema):
    event: int = Field(validation_alias="event_id")
    enterprise: int = Field(validation_alias="enterprise_id")
    direct_sales_fen: int | None
    order_value_fen: int | None
    is_illustrative: bool


class ParticipationIn(InputSchema):
    direct_sales_fen: int | None = Field(None, ge=0, le=MONEY_MAX_FEN)
    order_value_fen: int | None = Field(None, ge=0, le=MONEY_MAX_FEN)


@router.put(
    "/market-events/{event_id}/participations/{enterprise_id}", response={200: ParticipationOut, **WRITE_ERRORS}
)
def participation_put(request: HttpRequest, event_id: Id, enterprise_id: Id, payload: ParticipationIn):
    """Register a recipient-side enterprise at a market event, or replace its sales there (the program
    office). Sending the same body again changes nothing."""
    user = user_of(request)
    event = scoped_get_or_404(MarketEvent.objects.select_related("program"), user, pk=event_id)
    enterprise = get_or_422(
        scoped(Enterprise.objects.select_related("organisation"), user), "enterprise", enterprise_id, pk=enterprise_id
    )
    assert enterprise is not None
    participation = event_participation_record(
        actor=actor_of(request),
        event=event,
        enterprise=enterprise,
        direct_sales_fen=payload.direct_sales_fen,
        order_value_fen=payload.order_value_fen,
    )
    return EventParticipation.objects.get(pk=participation.pk)
