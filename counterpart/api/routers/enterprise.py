"""Enterprises (read; register), their annual reports (read; draft, correct and submit; confirm or return) and
market events (their operations, agreements and participants: routers/enterprise_setup.py)."""

from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import AliasPath

from counterpart.access.scoping import scoped, scoped_get_or_404
from counterpart.core.errors import InvalidInput
from counterpart.core.money import MONEY_MAX_FEN
from counterpart.enterprise.models import (
    Enterprise,
    EnterpriseReport,
    EventKind,
    MarketEvent,
    Operation,
    ReportStatus,
    Sector,
    Side,
)
from counterpart.enterprise.services import (
    ReportFigures,
    enterprise_register,
    enterprise_report_confirm,
    enterprise_report_draft,
    enterprise_report_return,
    enterprise_report_submit,
    enterprise_report_update,
    market_event_record,
)
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


class EnterpriseOut(OutSchema):
    id: int
    organisation: int = Field(validation_alias="organisation_id")
    name_zh: str = Field(validation_alias=AliasPath("organisation", "name_zh"))
    name_en: str = Field(validation_alias=AliasPath("organisation", "name_en"))
    area: str = Field(validation_alias=AliasPath("organisation", "area_id"))
    side: Side
    sector: str
    programs: list[str]
    is_illustrative: bool

    @staticmethod
    def resolve_programs(obj: Enterprise) -> list[str]:
        return sorted(p.slug for p in obj.programs.all())


class EnterpriseFilter(Schema):
    program: Slug | None = None
    side: Side | None = None
    sector: Sector | None = None


@router.get("/enterprises", response={200: list[EnterpriseOut], **ERRORS})
@paginated
def enterprise_list(
    request: HttpRequest, filters: Query[EnterpriseFilter], ordering: Literal["id", "-id"] | None = None
):
    queryset = scoped(Enterprise, user_of(request)).select_related("organisation").prefetch_related("programs")
    queryset = filtered(queryset, filters, program="programs__slug", side="side", sector="sector")
    return ordered(queryset, ordering)


@router.get("/enterprises/{enterprise_id}", response={200: EnterpriseOut, **ERRORS})
def enterprise_detail(request: HttpRequest, enterprise_id: Id):
    return scoped_get_or_404(Enterprise.objects.select_related("organisation"), user_of(request), pk=enterprise_id)


class EnterpriseRegisterIn(InputSchema):
    organisation: Id = Field(description="an organisation of kind enterprise (``GET /organisations``)")
    side: Side
    sector: Sector | Literal[""] = ""
    programs: list[Slug] = Field(min_length=1, max_length=50, description="the programs it acts in")


@router.post("/enterprises", response={201: EnterpriseOut, **WRITE_ERRORS})
def enterprise_create(request: HttpRequest, payload: EnterpriseRegisterIn, idempotency_key: IdempotencyKey = None):
    """Register an organisation of kind enterprise as acting in programs on one side (the program office
    of each of them). Send ``Idempotency-Key`` to retry safely."""
    organisation = get_or_422(Organisation.objects.all(), "organisation", payload.organisation, pk=payload.organisation)
    assert organisation is not None
    programs = [program_named(slug) for slug in dict.fromkeys(payload.programs)]

    def write() -> tuple[int, object]:
        enterprise = enterprise_register(
            actor=actor_of(request),
            organisation=organisation,
            side=payload.side,
            sector=payload.sector,
            programs=programs,
        )
        enterprise = Enterprise.objects.select_related("organisation").get(pk=enterprise.pk)
        return 201, EnterpriseOut.from_orm(enterprise).model_dump(mode="json")

    return idempotent(request, idempotency_key, write)


class FiguresIn(InputSchema):
    actual_investment_fen: int | None = Field(None, ge=0, le=MONEY_MAX_FEN)
    taxes_paid_fen: int | None = Field(None, ge=0, le=MONEY_MAX_FEN)
    jobs_created: int | None = Field(None, ge=0, le=2**31 - 1)
    people_helped_into_jobs: int | None = Field(None, ge=0, le=2**31 - 1)
    total_assets_fen: int | None = Field(None, ge=0, le=MONEY_MAX_FEN)
    annual_output_fen: int | None = Field(None, ge=0, le=MONEY_MAX_FEN)
    capacity_quantity: Decimal | None = Field(None, ge=0, le=Decimal("99999999999999.99"), decimal_places=2)
    capacity_unit: text(40) = ""  # type: ignore[valid-type]
    employees: int | None = Field(None, ge=0, le=2**31 - 1)
    employees_from_poor_households: int | None = Field(None, ge=0, le=2**31 - 1)
    average_staff_income_fen: int | None = Field(None, ge=0, le=MONEY_MAX_FEN)
    matching_enterprises: int | None = Field(None, ge=0, le=2**31 - 1)
    certifications: text(300) = ""  # type: ignore[valid-type]


FigureName = Literal[
    "actual_investment_fen",
    "taxes_paid_fen",
    "jobs_created",
    "people_helped_into_jobs",
    "total_assets_fen",
    "annual_output_fen",
    "capacity_quantity",
    "employees",
    "employees_from_poor_households",
    "average_staff_income_fen",
    "matching_enterprises",
]


class EnterpriseReportOut(OutSchema):
    id: int
    program: str = Field(validation_alias=AliasPath("program", "slug"))
    enterprise: int = Field(validation_alias="enterprise_id")
    operation: int | None = Field(validation_alias="operation_id")
    area: str = Field(validation_alias="area_id")
    year: int
    status: ReportStatus
    supersedes: int | None = Field(validation_alias="supersedes_id")
    actual_investment_fen: int | None
    taxes_paid_fen: int | None
    jobs_created: int | None
    people_helped_into_jobs: int | None
    total_assets_fen: int | None
    annual_output_fen: int | None
    capacity_quantity: Decimal | None
    capacity_unit: str
    employees: int | None
    employees_from_poor_households: int | None
    average_staff_income_fen: int | None
    matching_enterprises: int | None
    certifications: str
    qualifiers: dict[str, Any]
    citation: str
    note: str
    is_illustrative: bool


class EnterpriseReportFilter(Schema):
    program: Slug | None = None
    enterprise: Id | None = None
    year: Year | None = None
    status: ReportStatus | None = None


@router.get("/enterprise-reports", response={200: list[EnterpriseReportOut], **ERRORS})
@paginated
def enterprise_report_list(
    request: HttpRequest,
    filters: Query[EnterpriseReportFilter],
    ordering: Literal["id", "-id", "year", "-year"] | None = None,
):
    queryset = scoped(EnterpriseReport, user_of(request)).select_related("program")
    queryset = filtered(
        queryset, filters, program="program__slug", enterprise="enterprise_id", year="year", status="status"
    )
    return ordered(queryset, ordering)


def _report(request: HttpRequest, report_id: int) -> EnterpriseReport:
    return scoped_get_or_404(EnterpriseReport.objects.select_related("program"), user_of(request), pk=report_id)


@router.get("/enterprise-reports/{report_id}", response={200: EnterpriseReportOut, **ERRORS})
def enterprise_report_detail(request: HttpRequest, report_id: Id):
    return _report(request, report_id)


class ReportFiguresIn(InputSchema):
    figures: FiguresIn
    qualifiers: dict[FigureName, Literal["more_than", "nearly", "about"]] = Field(
        default_factory=dict, description="how a figure was published: 余 more than, 近 nearly, 约 about"
    )

    def report_figures(self) -> ReportFigures:
        qualifiers = {str(name): str(qualifier) for name, qualifier in self.qualifiers.items()}
        return ReportFigures(**self.figures.model_dump(), qualifiers=qualifiers)


class EnterpriseReportIn(ReportFiguresIn):
    program: Slug
    enterprise: Id
    year: Year
    operation: Id | None = None
    area: AreaCode | None = None
    citation: text(500) = ""  # type: ignore[valid-type]
    note: text(2000) = ""  # type: ignore[valid-type]


@router.post("/enterprise-reports", response={201: EnterpriseReportOut, **WRITE_ERRORS})
def enterprise_report_create(request: HttpRequest, payload: EnterpriseReportIn):
    """Start an enterprise's report for a year (status *draft*); submit it with ``/submit``."""
    user = user_of(request)
    enterprise = scoped_get_or_404(Enterprise.objects.select_related("organisation"), user, pk=payload.enterprise)
    program = program_named(payload.program)
    operation = get_or_422(scoped(Operation, user), "operation", payload.operation, pk=payload.operation)
    area = get_or_422(Area.objects.all(), "area", payload.area, code=payload.area)
    report = enterprise_report_draft(
        actor=actor_of(request),
        program=program,
        enterprise=enterprise,
        year=payload.year,
        figures=payload.report_figures(),
        operation=operation,
        area=area,
        citation=payload.citation,
        note=payload.note,
    )
    return Status(201, _report(request, report.pk))


@router.post("/enterprise-reports/{report_id}/submit", response={200: EnterpriseReportOut, **WRITE_ERRORS})
def enterprise_report_submit_view(request: HttpRequest, report_id: Id):
    """The enterprise submits its draft (or returned) report to the program office."""
    report = _report(request, report_id)
    enterprise_report_submit(actor=actor_of(request), report=report)
    return Status(200, _report(request, report_id))


@router.put("/enterprise-reports/{report_id}/figures", response={200: EnterpriseReportOut, **WRITE_ERRORS})
def enterprise_report_figures_view(request: HttpRequest, report_id: Id, payload: ReportFiguresIn):
    """Replace the figures of a draft or returned report (then submit it again); confirmed ones are fixed."""
    report = _report(request, report_id)
    enterprise_report_update(actor=actor_of(request), report=report, figures=payload.report_figures())
    return Status(200, _report(request, report_id))


@router.post("/enterprise-reports/{report_id}/confirm", response={200: EnterpriseReportOut, **WRITE_ERRORS})
def enterprise_report_confirm_view(request: HttpRequest, report_id: Id):
    """The program office confirms a submitted report: from then on its figures count in the reports."""
    report = _report(request, report_id)
    enterprise_report_confirm(actor=actor_of(request), report=report)
    return Status(200, _report(request, report_id))


class ReturnIn(InputSchema):
    reason: text(500, min_length=1)  # type: ignore[valid-type]


@router.post("/enterprise-reports/{report_id}/return", response={200: EnterpriseReportOut, **WRITE_ERRORS})
def enterprise_report_return_view(request: HttpRequest, report_id: Id, payload: ReturnIn):
    """The program office sends a submitted report back to the enterprise, saying why."""
    report = _report(request, report_id)
    enterprise_report_return(actor=actor_of(request), report=report, reason=payload.reason)
    return Status(200, _report(request, report_id))


class MarketEventOut(OutSchema):
    id: int
    program: str = Field(validation_alias=AliasPath("program", "slug"))
    kind: EventKind
    title: str
    place: str
    area: str = Field(validation_alias="area_id")
    start_date: Day
    end_date: Day
    participating_enterprises_count: int | None
    direct_sales_fen: int | None
    order_value_fen: int | None
    qualifiers: dict[str, Any]
    export_destinations: list[str]
    export_port: str
    citation: str
    registered_participants: list[int]
    is_illustrative: bool

    @staticmethod
    def resolve_registered_participants(obj: MarketEvent) -> list[int]:
        return sorted(p.enterprise_id for p in obj.participations.all())


class MarketEventFilter(Schema):
    program: Slug | None = None
    kind: EventKind | None = None
    year: Year | None = None


@router.get("/market-events", response={200: list[MarketEventOut], **ERRORS})
@paginated
def market_event_list(
    request: HttpRequest,
    filters: Query[MarketEventFilter],
    ordering: Literal["id", "-id", "start_date", "-start_date"] | None = None,
):
    queryset = scoped(MarketEvent, user_of(request)).select_related("program").prefetch_related("participations")
    queryset = filtered(queryset, filters, program="program__slug", kind="kind", year="start_date__year")
    return ordered(queryset, ordering)


@router.get("/market-events/{event_id}", response={200: MarketEventOut, **ERRORS})
def market_event_detail(request: HttpRequest, event_id: Id):
    return scoped_get_or_404(MarketEvent.objects.select_related("program"), user_of(request), pk=event_id)


class MarketEventIn(InputSchema):
    program: Slug
    kind: EventKind
    title: text(200, min_length=1)  # type: ignore[valid-type]
    place: text(200) = ""  # type: ignore[valid-type]
    area: AreaCode = Field(description="the host area")
    start_date: Day
    end_date: Day
    participants: list[Id] = Field(default_factory=list, max_length=1000, description="registered enterprises")
    participating_enterprises_count: int | None = Field(None, ge=0, le=10**7)
    direct_sales_fen: int | None = Field(None, ge=0, le=MONEY_MAX_FEN)
    order_value_fen: int | None = Field(None, ge=0, le=MONEY_MAX_FEN)
    qualifiers: dict[
        Literal["participating_enterprises", "direct_sales", "order_value"], Literal["more_than", "nearly", "about"]
    ] = Field(default_factory=dict, description="how a total was published: 余 more than, 近 nearly, 约 about")
    export_destinations: list[text(60, min_length=1)] = Field(default_factory=list, max_length=100)  # type: ignore[valid-type]
    export_port: text(100) = ""  # type: ignore[valid-type]
    citation: text(500) = ""  # type: ignore[valid-type]
    note: text(2000) = ""  # type: ignore[valid-type]


@router.post("/market-events", response={201: MarketEventOut, **WRITE_ERRORS})
def market_event_create(request: HttpRequest, payload: MarketEventIn, idempotency_key: IdempotencyKey = None):
    """Record a fair, exhibition or promotion with its totals as the organisers published them and the
    enterprises registered as participants (the program office's record). Send ``Idempotency-Key``
    to retry safely."""
    user = user_of(request)
    program = program_named(payload.program)
    area = get_or_422(Area.objects.all(), "area", payload.area, code=payload.area)
    assert area is not None
    participants = list(scoped(Enterprise, user).filter(pk__in=payload.participants))
    if len(participants) != len(set(payload.participants)):
        unknown = sorted(set(payload.participants) - {e.pk for e in participants})
        raise InvalidInput("participants", unknown, _("不存在或不在您的权限范围内"))

    def write() -> tuple[int, object]:
        event = market_event_record(
            actor=actor_of(request),
            program=program,
            kind=payload.kind,
            title=payload.title,
            place=payload.place,
            area=area,
            start_date=payload.start_date,
            end_date=payload.end_date,
            participants=participants,
            participating_enterprises_count=payload.participating_enterprises_count,
            direct_sales_fen=payload.direct_sales_fen,
            order_value_fen=payload.order_value_fen,
            qualifiers={str(key): str(value) for key, value in payload.qualifiers.items()},
            export_destinations=payload.export_destinations,
            export_port=payload.export_port,
            citation=payload.citation,
            note=payload.note,
        )
        event = MarketEvent.objects.select_related("program").prefetch_related("participations").get(pk=event.pk)
        return 201, MarketEventOut.from_orm(event).model_dump(mode="json")

    return idempotent(request, idempotency_key, write)
