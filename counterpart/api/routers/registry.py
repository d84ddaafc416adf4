"""Areas and organisations (reference data, readable by every token holder), programs and pairings (scoped)."""

import datetime
from typing import Literal

from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from pydantic import AliasPath

from counterpart.access.scoping import scoped, scoped_get_or_404
from counterpart.registry.models import Area, AreaLevel, Organisation, OrganisationKind, Pairing, PairingLevel, Program

from ..common import ERRORS, AreaCode, Day, Id, OutSchema, Slug, Year, filtered, ordered, paginated, text, user_of

router = Router(tags=["registry"])


class AreaOut(OutSchema):
    code: str
    level: AreaLevel
    parent: str | None = Field(validation_alias="parent_id")
    name_zh: str
    name_en: str
    is_key_poverty_county: bool
    is_poverty_village: bool
    abolished_year: int | None
    successor: str | None = Field(validation_alias="successor_id")


class AreaFilter(Schema):
    level: AreaLevel | None = None
    parent: AreaCode | None = None
    under: AreaCode | None = None
    name: text(100) | None = None  # type: ignore[valid-type]


@router.get("/areas", response={200: list[AreaOut], **ERRORS}, summary="Administrative divisions (GB/T 2260)")
@paginated
def area_list(
    request: HttpRequest, filters: Query[AreaFilter], ordering: Literal["code", "-code", "name_zh"] | None = None
):
    queryset = Area.objects.all()
    queryset = filtered(queryset, filters, level="level", parent="parent_id", under="code__startswith")
    if filters.name:
        queryset = queryset.filter(Q(name_zh__contains=filters.name) | Q(name_en__icontains=filters.name))
    return queryset.order_by(ordering or "code", "code")


@router.get("/areas/{code}", response={200: AreaOut, **ERRORS})
def area_detail(request: HttpRequest, code: AreaCode):
    return get_object_or_404(Area, code=code)


class OrganisationOut(OutSchema):
    id: int
    name_zh: str
    name_en: str
    kind: OrganisationKind
    area: str = Field(validation_alias="area_id")
    credit_code: str
    parent: int | None = Field(validation_alias="parent_id")
    is_illustrative: bool


class OrganisationFilter(Schema):
    kind: OrganisationKind | None = None
    area: AreaCode | None = None
    name: text(100) | None = None  # type: ignore[valid-type]


@router.get("/organisations", response={200: list[OrganisationOut], **ERRORS})
@paginated
def organisation_list(
    request: HttpRequest,
    filters: Query[OrganisationFilter],
    ordering: Literal["id", "-id", "name_zh", "area"] | None = None,
):
    queryset = Organisation.objects.all()
    queryset = filtered(queryset, filters, kind="kind", area="area__code__startswith")
    if filters.name:
        queryset = queryset.filter(Q(name_zh__contains=filters.name) | Q(name_en__icontains=filters.name))
    return ordered(queryset, ordering)


@router.get("/organisations/{organisation_id}", response={200: OrganisationOut, **ERRORS})
def organisation_detail(request: HttpRequest, organisation_id: Id):
    return get_object_or_404(Organisation, pk=organisation_id)


class ProgramOut(OutSchema):
    id: int
    slug: str
    name_zh: str
    name_en: str
    donor_area: str = Field(validation_alias="donor_area_id")
    lead_organisation: int | None = Field(validation_alias="lead_organisation_id")
    start_year: int
    end_year: int | None
    description: str


@router.get("/programs", response={200: list[ProgramOut], **ERRORS})
@paginated
def program_list(request: HttpRequest, ordering: Literal["slug", "-slug", "start_year", "-start_year"] | None = None):
    return ordered(scoped(Program, user_of(request)), ordering, default="slug")


@router.get("/programs/{slug}", response={200: ProgramOut, **ERRORS})
def program_detail(request: HttpRequest, slug: Slug):
    return scoped_get_or_404(Program, user_of(request), slug=slug)


class PairingOut(OutSchema):
    id: int
    program: str = Field(validation_alias=AliasPath("program", "slug"))
    level: PairingLevel
    parent: int | None = Field(validation_alias="parent_id")
    donor_area: str = Field(validation_alias="donor_area_id")
    recipient_area: str = Field(validation_alias="recipient_area_id")
    donor_organisation: int | None = Field(validation_alias="donor_organisation_id")
    recipient_organisation: int | None = Field(validation_alias="recipient_organisation_id")
    valid_from: Day
    valid_to: Day | None
    is_illustrative: bool
    note: str


class PairingFilter(Schema):
    program: Slug | None = None
    level: PairingLevel | None = None
    donor_area: AreaCode | None = None
    recipient_area: AreaCode | None = None
    in_force_in: Year | None = None


@router.get("/pairings", response={200: list[PairingOut], **ERRORS})
@paginated
def pairing_list(
    request: HttpRequest,
    filters: Query[PairingFilter],
    ordering: Literal["id", "-id", "valid_from", "-valid_from", "recipient_area"] | None = None,
):
    queryset = scoped(Pairing, user_of(request)).select_related("program")
    queryset = filtered(
        queryset,
        filters,
        program="program__slug",
        level="level",
        donor_area="donor_area__code__startswith",
        recipient_area="recipient_area__code__startswith",
    )
    if filters.in_force_in:
        year = filters.in_force_in
        queryset = queryset.filter(valid_from__lte=datetime.date(year, 12, 31)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=datetime.date(year, 1, 1))
        )
    return ordered(queryset, ordering)


@router.get("/pairings/{pairing_id}", response={200: PairingOut, **ERRORS})
def pairing_detail(request: HttpRequest, pairing_id: Id):
    return scoped_get_or_404(Pairing.objects.select_related("program"), user_of(request), pk=pairing_id)
