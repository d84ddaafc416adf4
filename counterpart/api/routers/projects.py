"""Projects: list and detail (with outputs and lifecycle history), proposal, lifecycle steps, outputs."""

import datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import AliasPath

from counterpart.access.scoping import scoped, scoped_get_or_404
from counterpart.core.money import MONEY_MAX_FEN
from counterpart.projects.models import OutputIndicator, Project, ProjectCategory, ProjectStatus
from counterpart.projects.services import project_output_set, project_propose, project_transition
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
from .shared import get_or_422, program_named

router = Router(tags=["projects"])


class ProjectOut(OutSchema):
    id: int
    program: str = Field(validation_alias=AliasPath("program", "slug"))
    code: str
    title_zh: str
    title_en: str
    description: str
    category: ProjectCategory
    purpose_code: str
    recipient_area: str = Field(validation_alias="recipient_area_id")
    pairing: int | None = Field(validation_alias="pairing_id")
    year: int
    budget_fen: int
    status: ProjectStatus
    reported_beneficiaries: int | None
    is_illustrative: bool
    created_at: datetime.datetime


class OutputOut(OutSchema):
    indicator: OutputIndicator
    unit: str
    planned_quantity: Decimal
    actual_quantity: Decimal | None


class TransitionOut(OutSchema):
    from_status: str
    to_status: ProjectStatus
    at: datetime.datetime
    actor: str = Field(validation_alias="actor_label")
    note: str


class ProjectDetailOut(ProjectOut):
    outputs: list[OutputOut]
    history: list[TransitionOut]

    @staticmethod
    def resolve_outputs(obj: Project) -> list:
        return list(obj.outputs.all())

    @staticmethod
    def resolve_history(obj: Project) -> list:
        return list(obj.transitions.all())


class ProjectFilter(Schema):
    program: Slug | None = None
    year: Year | None = None
    status: ProjectStatus | None = None
    category: ProjectCategory | None = None
    recipient_area: AreaCode | None = Field(None, description="this area and every area below it")
    pairing: Id | None = None
    code: text(40) | None = None  # type: ignore[valid-type]


@router.get("/projects", response={200: list[ProjectOut], **ERRORS})
@paginated
def project_list(
    request: HttpRequest,
    filters: Query[ProjectFilter],
    ordering: Literal["id", "-id", "code", "-code", "year", "-year", "budget_fen", "-budget_fen"] | None = None,
):
    queryset = filtered(
        scoped(Project, user_of(request)).select_related("program"),
        filters,
        program="program__slug",
        year="year",
        status="status",
        category="category",
        code="code",
        pairing="pairing_id",
        recipient_area="recipient_area__code__startswith",
    )
    return ordered(queryset, ordering)


def _project(request: HttpRequest, project_id: int) -> Project:
    return scoped_get_or_404(
        Project.objects.select_related("program", "recipient_area", "pairing"), user_of(request), pk=project_id
    )


@router.get("/projects/{project_id}", response={200: ProjectDetailOut, **ERRORS})
def project_detail(request: HttpRequest, project_id: Id):
    return _project(request, project_id)


class ProjectIn(InputSchema):
    program: Slug
    code: text(40, min_length=1)  # type: ignore[valid-type]
    title_zh: text(200, min_length=1)  # type: ignore[valid-type]
    title_en: text(200) = ""  # type: ignore[valid-type]
    description: text(5000) = ""  # type: ignore[valid-type]
    category: ProjectCategory
    recipient_area: AreaCode
    pairing: Id | None = None
    year: Year
    budget_fen: int = Field(ge=0, le=MONEY_MAX_FEN)
    purpose_code: str | None = Field(None, pattern=r"^[0-9]{5}$")
    reported_beneficiaries: int | None = Field(None, ge=0, le=2**31 - 1)


@router.post("/projects", response={201: ProjectDetailOut, **WRITE_ERRORS})
def project_create(request: HttpRequest, payload: ProjectIn):
    """Propose a project. It starts as *proposed*; status moves only through ``/transitions``."""
    user = user_of(request)
    program = program_named(payload.program)
    area = get_or_422(Area.objects.all(), "recipient_area", payload.recipient_area, code=payload.recipient_area)
    assert area is not None
    pairing = get_or_422(scoped(Pairing, user), "pairing", payload.pairing, pk=payload.pairing)
    project = project_propose(
        actor=actor_of(request),
        program=program,
        code=payload.code,
        title_zh=payload.title_zh,
        title_en=payload.title_en,
        description=payload.description,
        category=payload.category,
        recipient_area=area,
        pairing=pairing,
        year=payload.year,
        budget_fen=payload.budget_fen,
        purpose_code=payload.purpose_code,
        reported_beneficiaries=payload.reported_beneficiaries,
    )
    return Status(201, _project(request, project.pk))


class TransitionIn(InputSchema):
    to_status: Literal["approved", "under_construction", "completed", "accepted", "cancelled"]
    note: text(2000) = ""  # type: ignore[valid-type]


@router.post("/projects/{project_id}/transitions", response={200: ProjectDetailOut, **WRITE_ERRORS})
def project_transition_create(request: HttpRequest, project_id: Id, payload: TransitionIn):
    """Move a project one step through its lifecycle (proposed → approved → under construction →
    completed → accepted, or cancelled with a note). Approval and acceptance: program office only."""
    project = _project(request, project_id)
    project_transition(actor=actor_of(request), project=project, to_status=payload.to_status, note=payload.note)
    return Status(200, _project(request, project_id))


class OutputIn(InputSchema):
    indicator: OutputIndicator
    planned_quantity: Decimal = Field(ge=0, le=Decimal("999999999999.99"), decimal_places=2)
    actual_quantity: Decimal | None = Field(None, ge=0, le=Decimal("999999999999.99"), decimal_places=2)


@router.put("/projects/{project_id}/outputs", response={200: ProjectDetailOut, **WRITE_ERRORS})
def project_output_put(request: HttpRequest, project_id: Id, payload: OutputIn):
    """Set the planned (and, once known, actual) quantity of one output indicator."""
    project = _project(request, project_id)
    project_output_set(
        actor=actor_of(request),
        project=project,
        indicator=payload.indicator,
        planned_quantity=payload.planned_quantity,
        actual_quantity=payload.actual_quantity,
    )
    return Status(200, _project(request, project_id))
