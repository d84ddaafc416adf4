"""The indicator catalogue (reference data) and reported values (scoped; entered as published)."""

import datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from pydantic import AliasPath

from counterpart.access.scoping import scoped, scoped_get_or_404
from counterpart.indicators.models import Indicator, ReportedValue
from counterpart.indicators.services import reported_value_enter
from counterpart.registry.models import Area, Pairing

from ..common import (
    ERRORS,
    WRITE_ERRORS,
    AreaCode,
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

router = Router(tags=["indicators"])


class IndicatorOut(OutSchema):
    key: str
    name_zh: str
    name_en: str
    topic: str
    assessment_area: str
    unit: str
    aggregation: str
    usual_source: str
    description: str
    is_builtin: bool


@router.get("/indicators", response={200: list[IndicatorOut], **ERRORS})
@paginated
def indicator_list(request: HttpRequest, topic: text(20) | None = None):  # type: ignore[valid-type]
    queryset = Indicator.objects.all()
    if topic:
        queryset = queryset.filter(topic=topic)
    return queryset.order_by("key")


@router.get("/indicators/{key}", response={200: IndicatorOut, **ERRORS})
def indicator_detail(request: HttpRequest, key: Slug):
    return get_object_or_404(Indicator, key=key)


class ReportedValueOut(OutSchema):
    id: int
    program: str = Field(validation_alias=AliasPath("program", "slug"))
    indicator_key: str
    year: int
    year_to: int | None
    area: str | None = Field(validation_alias="area_id")
    pairing: int | None = Field(validation_alias="pairing_id")
    value: Decimal
    unit: str
    qualifier: str
    breakdown_dimension: str
    breakdown_code: str
    citation: str
    stated_change_percent: Decimal | None
    is_illustrative: bool
    created_at: datetime.datetime


class ReportedValueFilter(Schema):
    program: Slug | None = None
    indicator_key: Slug | None = None
    year: Year | None = None
    area: AreaCode | None = None


@router.get("/reported-values", response={200: list[ReportedValueOut], **ERRORS})
@paginated
def reported_value_list(
    request: HttpRequest,
    filters: Query[ReportedValueFilter],
    ordering: Literal["id", "-id", "year", "-year", "indicator_key"] | None = None,
):
    queryset = scoped(ReportedValue, user_of(request)).select_related("program")
    queryset = filtered(
        queryset,
        filters,
        program="program__slug",
        indicator_key="indicator_key",
        year="year",
        area="area__code__startswith",
    )
    return ordered(queryset, ordering)


@router.get("/reported-values/{value_id}", response={200: ReportedValueOut, **ERRORS})
def reported_value_detail(request: HttpRequest, value_id: Id):
    return scoped_get_or_404(ReportedValue.objects.select_related("program"), user_of(request), pk=value_id)


class ReportedValueIn(InputSchema):
    program: Slug
    indicator_key: Slug
    year: Year
    year_to: Year | None = None
    # Bounded as the column is (20 digits, 2 places): a figure it cannot hold is refused, not rounded.
    value: Decimal = Field(ge=0, lt=Decimal("1e18"), decimal_places=2, description="in the indicator's unit")
    unit: text(20) = ""  # type: ignore[valid-type]
    qualifier: Literal["", "more_than", "nearly", "about"] = Field("", description="余 more than, 近 nearly, 约 about")
    area: AreaCode | None = None
    pairing: Id | None = None
    breakdown_dimension: text(40) = ""  # type: ignore[valid-type]
    breakdown_code: text(40) = ""  # type: ignore[valid-type]
    citation: text(500) = ""  # type: ignore[valid-type]
    stated_change_percent: Decimal | None = Field(None, gt=Decimal("-1e7"), lt=Decimal("1e7"), decimal_places=2)


@router.post("/reported-values", response={201: ReportedValueOut, **WRITE_ERRORS})
def reported_value_create(request: HttpRequest, payload: ReportedValueIn, idempotency_key: IdempotencyKey = None):
    """Enter a figure as it was published (a yearbook, a bulletin), with its qualifier and citation. A
    program-wide figure is the program office's; an area's, whoever may write in that area. Send
    ``Idempotency-Key`` to retry safely."""
    user = user_of(request)
    program = program_named(payload.program)
    area = get_or_422(Area.objects.all(), "area", payload.area, code=payload.area)
    pairing = get_or_422(scoped(Pairing, user), "pairing", payload.pairing, pk=payload.pairing)

    def write() -> tuple[int, object]:
        reported = reported_value_enter(
            actor=actor_of(request),
            program=program,
            indicator_key=payload.indicator_key,
            year=payload.year,
            year_to=payload.year_to,
            value=payload.value,
            unit=payload.unit,
            qualifier=payload.qualifier,
            area=area,
            pairing=pairing,
            breakdown_dimension=payload.breakdown_dimension,
            breakdown_code=payload.breakdown_code,
            citation=payload.citation,
            stated_change_percent=payload.stated_change_percent,
        )
        return 201, ReportedValueOut.from_orm(reported).model_dump(mode="json")

    return idempotent(request, idempotency_key, write)
