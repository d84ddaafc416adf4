"""Program set-up: programs, pairings (start, end, successor), organisations, indicators, targets, and
the accounts and roles of a program — each endpoint calls one action, which asks the one policy.

The endpoints on ``/programs``, ``/pairings``, ``/organisations`` and ``/indicators`` join the reading
routers' paths (one path, several methods), so they are declared on those routers.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Status
from pydantic import AliasPath

from counterpart.access.models import Membership, Role
from counterpart.access.scoping import scoped
from counterpart.access.services import (
    account_invite,
    membership_grant,
    membership_revoke,
    membership_update,
    program_found,
)
from counterpart.indicators.assessment import target_set
from counterpart.indicators.models import AssessmentArea, Topic
from counterpart.indicators.services import indicator_create
from counterpart.registry.models import Area, Organisation, OrganisationKind, Pairing, PairingLevel, Program
from counterpart.registry.services import organisation_create, pairing_create, pairing_end, program_update

from ..common import WRITE_ERRORS, AreaCode, Id, InputSchema, OutSchema, Slug, Year, actor_of, text, user_of
from . import indicators, registry
from .indicators import IndicatorOut
from .registry import OrganisationOut, PairingOut, ProgramOut
from .shared import get_or_422, program_named

router = Router(tags=["setup"])


def _area(field: str, code: str | None) -> Area | None:
    return get_or_422(Area.objects.all(), field, code, code=code)


def _area_given(field: str, code: str) -> Area:
    area = _area(field, code)
    assert area is not None  # a required field: the schema refuses it missing
    return area


class ProgramIn(InputSchema):
    slug: Slug
    name_zh: text(200, min_length=1)  # type: ignore[valid-type]
    name_en: text(200) = ""  # type: ignore[valid-type]
    donor_area: AreaCode
    other_donor_areas: list[AreaCode] = Field(default_factory=list, max_length=50)
    start_year: Year
    end_year: Year | None = None
    description: text(5000) = ""  # type: ignore[valid-type]


@registry.router.post("/programs", response={201: ProgramOut, **WRITE_ERRORS})
def program_create_endpoint(request: HttpRequest, payload: ProgramIn):
    """Found a program: a program office founds it and holds its office."""
    donor = _area_given("donor_area", payload.donor_area)
    others = [_area("other_donor_areas", code) for code in payload.other_donor_areas]
    program = program_found(
        actor=actor_of(request),
        slug=payload.slug,
        name_zh=payload.name_zh,
        name_en=payload.name_en,
        donor_area=donor,
        other_donor_areas=[area for area in others if area is not None],
        start_year=payload.start_year,
        end_year=payload.end_year,
        description=payload.description,
    )
    return Status(201, program)


class ProgramPatch(InputSchema):
    name_zh: text(200, min_length=1) | None = None  # type: ignore[valid-type]
    name_en: text(200) | None = None  # type: ignore[valid-type]
    end_year: Year | None = None
    description: text(5000) | None = None  # type: ignore[valid-type]
    other_donor_areas: list[AreaCode] | None = Field(None, max_length=50)
    reason: text(500) = ""  # type: ignore[valid-type]


@registry.router.patch("/programs/{slug}", response={200: ProgramOut, **WRITE_ERRORS})
def program_update_endpoint(request: HttpRequest, slug: Slug, payload: ProgramPatch):
    """Correct a program's names, last year, description or further donor areas (the program office)."""
    program = get_or_422(scoped(Program, user_of(request)), "slug", slug, slug=slug)
    assert program is not None
    fields = payload.model_dump(exclude_unset=True, exclude={"reason", "other_donor_areas"})
    if payload.other_donor_areas is not None:
        fields["other_donor_areas"] = [_area("other_donor_areas", code) for code in payload.other_donor_areas]
    return Status(200, program_update(actor=actor_of(request), program=program, reason=payload.reason, **fields))


class PairingIn(InputSchema):
    program: Slug
    level: PairingLevel
    donor_area: AreaCode
    recipient_area: AreaCode
    donor_organisation: Id | None = None
    recipient_organisation: Id | None = None
    valid_from: datetime.date
    valid_to: datetime.date | None = None
    note: text(2000) = ""  # type: ignore[valid-type]


@registry.router.post("/pairings", response={201: PairingOut, **WRITE_ERRORS})
def pairing_create_endpoint(request: HttpRequest, payload: PairingIn):
    """Pair a donor with a recipient in a program, from a date (the program office)."""
    organisations = Organisation.objects.all()
    pairing = pairing_create(
        actor=actor_of(request),
        program=program_named(payload.program),
        level=payload.level,
        donor_area=_area_given("donor_area", payload.donor_area),
        recipient_area=_area_given("recipient_area", payload.recipient_area),
        donor_organisation=get_or_422(
            organisations, "donor_organisation", payload.donor_organisation, pk=payload.donor_organisation
        ),
        recipient_organisation=get_or_422(
            organisations, "recipient_organisation", payload.recipient_organisation, pk=payload.recipient_organisation
        ),
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        note=payload.note,
    )
    return Status(201, pairing)


class PairingEndIn(InputSchema):
    valid_to: datetime.date
    successor: Id | None = None
    reason: text(500) = ""  # type: ignore[valid-type]


@registry.router.post("/pairings/{pairing_id}/end", response={200: PairingOut, **WRITE_ERRORS})
def pairing_end_endpoint(request: HttpRequest, pairing_id: Id, payload: PairingEndIn):
    """End a pairing on a day (inclusive), naming the pairing that takes over if there is one."""
    pairings = scoped(Pairing.objects.select_related("program"), user_of(request))
    pairing = get_or_422(pairings, "pairing", pairing_id, pk=pairing_id)
    assert pairing is not None
    successor = get_or_422(pairings, "successor", payload.successor, pk=payload.successor)
    ended = pairing_end(
        actor=actor_of(request), pairing=pairing, valid_to=payload.valid_to, successor=successor, reason=payload.reason
    )
    return Status(200, ended)


class OrganisationIn(InputSchema):
    name_zh: text(200, min_length=1)  # type: ignore[valid-type]
    name_en: text(200) = ""  # type: ignore[valid-type]
    kind: OrganisationKind
    area: AreaCode
    credit_code: text(18) = ""  # type: ignore[valid-type]


@registry.router.post("/organisations", response={201: OrganisationOut, **WRITE_ERRORS})
def organisation_create_endpoint(request: HttpRequest, payload: OrganisationIn):
    """Add a government office, enterprise, school, hospital or social organisation in an area."""
    organisation = organisation_create(
        actor=actor_of(request),
        name_zh=payload.name_zh,
        name_en=payload.name_en,
        kind=payload.kind,
        area=_area_given("area", payload.area),
        credit_code=payload.credit_code,
    )
    return Status(201, organisation)


class IndicatorIn(InputSchema):
    key: text(60, min_length=1)  # type: ignore[valid-type]
    name_zh: text(100, min_length=1)  # type: ignore[valid-type]
    name_en: text(150) = ""  # type: ignore[valid-type]
    topic: Topic
    unit: text(30, min_length=1)  # type: ignore[valid-type]
    aggregation: str = Field(pattern=r"^(sum|unique|latest)$")
    assessment_area: AssessmentArea | None = Field(None, description="omitted: the one the topic falls in")
    description: text(5000) = ""  # type: ignore[valid-type]


@indicators.router.post("/indicators", response={201: IndicatorOut, **WRITE_ERRORS})
def indicator_create_endpoint(request: HttpRequest, payload: IndicatorIn):
    """Add an indicator to the shared catalogue (a program office); its topic decides its assessment area
    unless another is named."""
    indicator = indicator_create(
        actor=actor_of(request),
        key=payload.key,
        name_zh=payload.name_zh,
        name_en=payload.name_en,
        topic=payload.topic,
        unit=payload.unit,
        aggregation=payload.aggregation,
        assessment_area=payload.assessment_area,
        description=payload.description,
    )
    return Status(201, indicator)


class TargetIn(InputSchema):
    program: Slug
    indicator_key: text(60, min_length=1)  # type: ignore[valid-type]
    year: Year
    value: Decimal = Field(ge=0, lt=Decimal("1e18"), decimal_places=2)
    pairing: Id | None = None
    agreement: text(300) = ""  # type: ignore[valid-type]


class TargetOut(OutSchema):
    id: int
    program: str = Field(validation_alias=AliasPath("program", "slug"))
    indicator_key: str = Field(validation_alias=AliasPath("indicator", "key"))
    year: int
    pairing: int | None = Field(validation_alias="pairing_id")
    value: Decimal
    agreement: str


@router.put("/targets", response={200: TargetOut, **WRITE_ERRORS})
def target_set_endpoint(request: HttpRequest, payload: TargetIn):
    """Set (or change) an indicator's target for a year, program-wide or for one pairing."""
    program = program_named(payload.program)
    pairing = get_or_422(scoped(Pairing, user_of(request)), "pairing", payload.pairing, pk=payload.pairing)
    target = target_set(
        actor=actor_of(request),
        program=program,
        indicator_key=payload.indicator_key,
        year=payload.year,
        value=payload.value,
        pairing=pairing,
        agreement=payload.agreement,
    )
    return Status(200, target)


class RoleIn(InputSchema):
    program: Slug = Field(description="the program the role is granted for (its office grants it)")
    role: Role
    area: AreaCode | None = Field(None, description="a recipient or donor district office's area")
    organisation: Id | None = Field(None, description="an enterprise's organisation")


class AccountIn(RoleIn):
    username: text(150, min_length=1)  # type: ignore[valid-type]
    email: text(254) = ""  # type: ignore[valid-type]


class MembershipOut(OutSchema):
    id: int
    username: str = Field(validation_alias=AliasPath("user", "username"))
    role: Role
    program: str | None = Field(None, validation_alias=AliasPath("program", "slug"))
    area: str | None = Field(validation_alias="area_id")
    organisation: int | None = Field(validation_alias="organisation_id")
    is_active: bool


class InvitationOut(OutSchema):
    membership: MembershipOut
    set_password_link: str = Field(description="one-time link where the new account sets its password")


def _role_subjects(payload: RoleIn) -> dict:
    within = program_named(payload.program)
    program = within if payload.role in (Role.PROGRAM_OFFICE, Role.REVIEWER) else None
    organisation = get_or_422(Organisation.objects.all(), "organisation", payload.organisation, pk=payload.organisation)
    return {"within": within, "program": program, "area": _area("area", payload.area), "organisation": organisation}


def _link_for(request: HttpRequest):
    def link(uid: str, token: str) -> str:
        path = reverse("web:password_set", kwargs={"uidb64": uid, "token": token})
        return request.build_absolute_uri(path) if settings.ALLOWED_HOSTS else path

    return link


@router.post("/accounts", response={201: InvitationOut, **WRITE_ERRORS})
def account_invite_endpoint(request: HttpRequest, payload: AccountIn):
    """Make an account with one role of a program (a program office): the answer carries the one-time
    link where it sets its password, also e-mailed when an address is given."""
    invitation = account_invite(
        actor=actor_of(request),
        username=payload.username,
        email=payload.email,
        role=payload.role,
        link_for=_link_for(request),
        **_role_subjects(payload),
    )
    return Status(201, {"membership": invitation.membership, "set_password_link": invitation.set_password_link})


class GrantIn(RoleIn):
    username: text(150, min_length=1)  # type: ignore[valid-type]


@router.post("/memberships", response={201: MembershipOut, **WRITE_ERRORS})
def membership_grant_endpoint(request: HttpRequest, payload: GrantIn):
    """Grant an existing account a role of a program (the program office of that program)."""
    user = get_or_422(get_user_model().objects.all(), "username", payload.username, username=payload.username)
    membership = membership_grant(actor=actor_of(request), user=user, role=payload.role, **_role_subjects(payload))
    return Status(201, membership)


class RevokeIn(InputSchema):
    program: Slug = Field(description="the program the role was granted for")
    reason: text(500) = ""  # type: ignore[valid-type]


@router.post("/memberships/{membership_id}/revoke", response={200: MembershipOut, **WRITE_ERRORS})
def membership_revoke_endpoint(request: HttpRequest, membership_id: Id, payload: RevokeIn):
    """Revoke a role (it stays, inactive, with its history)."""
    membership = get_or_422(
        Membership.objects.select_related("user", "program"), "membership", membership_id, pk=membership_id
    )
    assert membership is not None
    revoked = membership_revoke(
        actor=actor_of(request), membership=membership, within=program_named(payload.program), reason=payload.reason
    )
    return Status(200, revoked)


class MembershipPatch(InputSchema):
    program: Slug = Field(description="the program the role was granted for")
    area: AreaCode | None = Field(None, description="the new area of a recipient or donor district office's role")
    organisation: Id | None = Field(None, description="the new enterprise of an enterprise's role")
    reason: text(500) = ""  # type: ignore[valid-type]


@router.patch("/memberships/{membership_id}", response={200: MembershipOut, **WRITE_ERRORS})
def membership_update_endpoint(request: HttpRequest, membership_id: Id, payload: MembershipPatch):
    """Change a role's area or enterprise in place (the role itself never changes: revoke and grant)."""
    membership = get_or_422(
        Membership.objects.select_related("user", "program"), "membership", membership_id, pk=membership_id
    )
    assert membership is not None
    changes: dict = {}
    if payload.area is not None:
        changes["area"] = _area("area", payload.area)
    if payload.organisation is not None:
        changes["organisation"] = get_or_422(
            Organisation.objects.all(), "organisation", payload.organisation, pk=payload.organisation
        )
    updated = membership_update(
        actor=actor_of(request),
        membership=membership,
        within=program_named(payload.program),
        reason=payload.reason,
        **changes,
    )
    return Status(200, updated)
