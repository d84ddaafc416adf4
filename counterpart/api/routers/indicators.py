"""The indicator catalogue (reference data) and reported values (scoped)."""

import datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import AliasPath

from counterpart.access.scoping import scoped, scoped_get_or_404
from counterpart.indicators.models import Indicator, ReportedValue

from ..common import ERRORS, AreaCode, Id, OutSchema, Page, Slug, Year, filtered, ordered, text, user_of

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
@paginate(Page)
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
@paginate(Page)
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
