"""Secondments, student aid and consumption-assistance purchases: reads and writes. Each write calls
one action, which asks the policy (403 with its words); a refused value is a 422 naming it."""

from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import AliasPath

from counterpart.access.scoping import scoped, scoped_get_or_404
from counterpart.core.errors import InvalidInput
from counterpart.core.money import MONEY_MAX_FEN
from counterpart.enterprise.models import BuyerKind, Enterprise, MarketEvent, Purchase
from counterpart.enterprise.services import purchase_record
from counterpart.funds.models import LedgerTransaction, TransactionKind
from counterpart.people.identity import identity_blind_index, identity_mask, identity_normalise
from counterpart.people.models import Direction, Person, Secondment, SecondmentKind, StudentAid
from counterpart.people.services import secondment_record, student_aid_grant
from counterpart.registry.models import Area, Organisation, Pairing

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

router = Router(tags=["assistance"])


# --- secondments ---------------------------------------------------------------------------------------------


class SecondmentOut(OutSchema):
    id: int
    program: str = Field(validation_alias=AliasPath("program", "slug"))
    pairing: int | None = Field(validation_alias="pairing_id")
    kind: SecondmentKind
    direction: Direction
    person: int | None = Field(validation_alias="person_id")
    person_name: str
    position: str
    from_area: str = Field(validation_alias="from_area_id")
    to_area: str = Field(validation_alias="to_area_id")
    from_organisation: int | None = Field(validation_alias="from_organisation_id")
    to_organisation: int | None = Field(validation_alias="to_organisation_id")
    start_date: Day
    end_date: Day | None
    is_illustrative: bool


class SecondmentFilter(Schema):
    program: Slug | None = None
    kind: SecondmentKind | None = None
    direction: Direction | None = None


@router.get("/secondments", response={200: list[SecondmentOut], **ERRORS})
@paginated
def secondment_list(
    request: HttpRequest,
    filters: Query[SecondmentFilter],
    ordering: Literal["id", "-id", "start_date", "-start_date"] | None = None,
):
    queryset = scoped(Secondment, user_of(request)).select_related("program")
    queryset = filtered(queryset, filters, program="program__slug", kind="kind", direction="direction")
    return ordered(queryset, ordering)


@router.get("/secondments/{secondment_id}", response={200: SecondmentOut, **ERRORS})
def secondment_detail(request: HttpRequest, secondment_id: Id):
    return scoped_get_or_404(Secondment.objects.select_related("program"), user_of(request), pk=secondment_id)


class SecondmentIn(InputSchema):
    program: Slug
    kind: SecondmentKind
    direction: Direction
    person_name: text(100, min_length=1)  # type: ignore[valid-type]
    from_area: AreaCode
    to_area: AreaCode
    start_date: Day
    end_date: Day | None = None
    position: text(200) = ""  # type: ignore[valid-type]
    person: Id | None = None
    from_organisation: Id | None = None
    to_organisation: Id | None = None
    pairing: Id | None = None


@router.post("/secondments", response={201: SecondmentOut, **WRITE_ERRORS})
def secondment_create(request: HttpRequest, payload: SecondmentIn, idempotency_key: IdempotencyKey = None):
    """A cadre seconded or a professional sent, either way, for a period. Send ``Idempotency-Key`` to
    retry safely."""
    user = user_of(request)
    program = program_named(payload.program)
    from_area = get_or_422(Area.objects.all(), "from_area", payload.from_area, code=payload.from_area)
    to_area = get_or_422(Area.objects.all(), "to_area", payload.to_area, code=payload.to_area)
    assert from_area is not None and to_area is not None
    person = get_or_422(scoped(Person, user), "person", payload.person, pk=payload.person)
    organisations = Organisation.objects.all()
    from_org = get_or_422(organisations, "from_organisation", payload.from_organisation, pk=payload.from_organisation)
    to_org = get_or_422(organisations, "to_organisation", payload.to_organisation, pk=payload.to_organisation)
    pairing = get_or_422(scoped(Pairing, user), "pairing", payload.pairing, pk=payload.pairing)

    def write() -> tuple[int, object]:
        secondment = secondment_record(
            actor=actor_of(request),
            program=program,
            kind=payload.kind,
            direction=payload.direction,
            person_name=payload.person_name,
            from_area=from_area,
            to_area=to_area,
            start_date=payload.start_date,
            end_date=payload.end_date,
            position=payload.position,
            person=person,
            from_organisation=from_org,
            to_organisation=to_org,
            pairing=pairing,
        )
        return 201, SecondmentOut.from_orm(secondment).model_dump(mode="json")

    return idempotent(request, idempotency_key, write)


# --- student aid ---------------------------------------------------------------------------------------------


class StudentAidOut(OutSchema):
    id: int
    program: str = Field(validation_alias=AliasPath("program", "slug"))
    pairing: int | None = Field(validation_alias="pairing_id")
    student: int = Field(validation_alias="student_id")
    school_name: str
    school: int | None = Field(validation_alias="school_id")
    year: int
    date: Day
    amount_fen: int
    ledger_transaction: int = Field(validation_alias="ledger_transaction_id")
    county_code: str
    is_illustrative: bool


class StudentAidFilter(Schema):
    program: Slug | None = None
    year: Year | None = None
    county_code: str | None = Field(None, pattern=r"^[0-9]{6}$")


@router.get("/student-aid", response={200: list[StudentAidOut], **ERRORS})
@paginated
def student_aid_list(
    request: HttpRequest,
    filters: Query[StudentAidFilter],
    ordering: Literal["id", "-id", "date", "-date"] | None = None,
):
    queryset = scoped(StudentAid, user_of(request)).select_related("program")
    queryset = filtered(queryset, filters, program="program__slug", year="year", county_code="county_code")
    return ordered(queryset, ordering)


@router.get("/student-aid/{aid_id}", response={200: StudentAidOut, **ERRORS})
def student_aid_detail(request: HttpRequest, aid_id: Id):
    return scoped_get_or_404(StudentAid.objects.select_related("program"), user_of(request), pk=aid_id)


class StudentAidIn(InputSchema):
    commitment: Id = Field(description="the commitment the aid is paid from (its own disbursement)")
    student: Id | None = Field(None, description="a person the user may see (or give the identity number)")
    student_identity_number: str | None = Field(
        None,
        pattern=r"^[0-9]{17}[0-9Xx]$",
        description="the registered person with this number, as the student_aid import names them",
    )
    school_name: text(200, min_length=1)  # type: ignore[valid-type]
    date: Day
    amount_fen: int = Field(ge=1, le=MONEY_MAX_FEN)
    school: Id | None = None
    pairing: Id | None = None


def _student(user: Any, payload: "StudentAidIn") -> Person:
    if payload.student_identity_number:
        number = payload.student_identity_number
        found = Person.objects.filter(identity_blind_index=identity_blind_index(identity_normalise(number))).first()
        if found is None:
            raise InvalidInput("student_identity_number", identity_mask(number), _("没有该身份证号码的登记人员"))
        return found
    student = get_or_422(scoped(Person, user), "student", payload.student, pk=payload.student)
    if student is None:
        raise InvalidInput("student", None, _("请填写受助学生"))
    return student


@router.post("/student-aid", response={201: StudentAidOut, **WRITE_ERRORS})
def student_aid_create(request: HttpRequest, payload: StudentAidIn, idempotency_key: IdempotencyKey = None):
    """Aid one poor student: the aid, its disbursement from the commitment and the benefit, together.
    Send ``Idempotency-Key`` to retry safely."""
    user = user_of(request)
    commitment = scoped_get_or_404(
        LedgerTransaction.objects.select_related("program"),
        user,
        pk=payload.commitment,
        kind=TransactionKind.COMMITMENT,
    )
    student = _student(user, payload)
    school = get_or_422(Organisation.objects.all(), "school", payload.school, pk=payload.school)
    pairing = get_or_422(scoped(Pairing, user), "pairing", payload.pairing, pk=payload.pairing)

    def write() -> tuple[int, object]:
        aid = student_aid_grant(
            actor=actor_of(request),
            commitment=commitment,
            student=student,
            school_name=payload.school_name,
            date=payload.date,
            amount_fen=payload.amount_fen,
            pairing=pairing,
            school=school,
        )
        aid = StudentAid.objects.select_related("program").get(pk=aid.pk)
        return 201, StudentAidOut.from_orm(aid).model_dump(mode="json")

    return idempotent(request, idempotency_key, write)


# --- purchases -----------------------------------------------------------------------------------------------


class PurchaseOut(OutSchema):
    id: int
    program: str = Field(validation_alias=AliasPath("program", "slug"))
    buyer: int = Field(validation_alias="buyer_id")
    buyer_kind: BuyerKind
    seller: int = Field(validation_alias="seller_id")
    event: int | None = Field(validation_alias="event_id")
    product: str
    purchased_on: Day
    quantity: Decimal | None
    unit: str
    amount_fen: int
    is_illustrative: bool


class PurchaseFilter(Schema):
    program: Slug | None = None
    year: Year | None = None
    seller: Id | None = None


@router.get("/purchases", response={200: list[PurchaseOut], **ERRORS})
@paginated
def purchase_list(
    request: HttpRequest,
    filters: Query[PurchaseFilter],
    ordering: Literal["id", "-id", "purchased_on", "-purchased_on"] | None = None,
):
    queryset = scoped(Purchase, user_of(request)).select_related("program")
    queryset = filtered(queryset, filters, program="program__slug", year="purchased_on__year", seller="seller_id")
    return ordered(queryset, ordering)


@router.get("/purchases/{purchase_id}", response={200: PurchaseOut, **ERRORS})
def purchase_detail(request: HttpRequest, purchase_id: Id):
    return scoped_get_or_404(Purchase.objects.select_related("program"), user_of(request), pk=purchase_id)


class PurchaseIn(InputSchema):
    program: Slug
    buyer: Id = Field(description="a donor-side organisation")
    buyer_kind: BuyerKind
    seller: Id = Field(description="a recipient-side enterprise")
    product: text(200, min_length=1)  # type: ignore[valid-type]
    purchased_on: Day
    amount_fen: int = Field(ge=1, le=MONEY_MAX_FEN)
    quantity: Decimal | None = Field(None, ge=0, max_digits=16, decimal_places=2)
    unit: text(20) = ""  # type: ignore[valid-type]
    event: Id | None = None


@router.post("/purchases", response={201: PurchaseOut, **WRITE_ERRORS})
def purchase_create(request: HttpRequest, payload: PurchaseIn, idempotency_key: IdempotencyKey = None):
    """A donor-side buyer's purchase of a recipient-side enterprise's products. Send ``Idempotency-Key``
    to retry safely."""
    user = user_of(request)
    program = program_named(payload.program)
    buyer = get_or_422(Organisation.objects.all(), "buyer", payload.buyer, pk=payload.buyer)
    seller = get_or_422(Enterprise.objects.select_related("organisation"), "seller", payload.seller, pk=payload.seller)
    assert buyer is not None and seller is not None
    event = get_or_422(scoped(MarketEvent, user), "event", payload.event, pk=payload.event)

    def write() -> tuple[int, object]:
        purchase = purchase_record(
            actor=actor_of(request),
            program=program,
            buyer=buyer,
            buyer_kind=payload.buyer_kind,
            seller=seller,
            product=payload.product,
            purchased_on=payload.purchased_on,
            amount_fen=payload.amount_fen,
            quantity=payload.quantity,
            unit=payload.unit,
            event=event,
        )
        return 201, PurchaseOut.from_orm(purchase).model_dump(mode="json")

    return idempotent(request, idempotency_key, write)
