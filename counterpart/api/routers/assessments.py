"""The yearly two-sided assessment of a pairing: read it; open it, score it, confirm or dispute its
figures, submit it, cross-check it, return it or finalise it — each step the action of
``indicators.assessment``, which asks the one policy (403 for a role that never takes the step, 422
for a record outside the user's scope, a locked year or a step out of turn, with the same messages
as the web pages)."""

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import AliasPath

from counterpart.access.scoping import scoped
from counterpart.core.attachments import ATTACHMENT_MAX_BYTES, attachment_path
from counterpart.indicators import assessment as actions
from counterpart.indicators.models import Assessment, AssessmentArea, AssessmentEvidence, AssessmentStatus, Verdict
from counterpart.registry.models import Pairing
from counterpart.reports import scorecard

from ..common import (
    ERRORS,
    WRITE_ERRORS,
    Id,
    InputSchema,
    OutSchema,
    Slug,
    Year,
    actor_of,
    filtered,
    paginated,
    text,
    user_of,
)
from .shared import get_or_422

router = Router(tags=["assessments"])

Score = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]


class ScoreOut(Schema):
    area: AssessmentArea
    self_score: Decimal | None
    evidence: str
    final_score: Decimal | None


class FigureOut(Schema):
    id: int
    indicator: str = Field(description="the indicator's key")
    value: Decimal
    unit: str
    source: str
    verdict: str = Field(description="'' pending, confirmed or disputed")
    comment: str


class EvidenceOut(Schema):
    id: int
    area: str = Field(description="one of the six areas, or '' for the whole self-assessment")
    file_name: str
    content_type: str
    size: int
    sha256: str
    caption: str
    uploaded_by: str
    uploaded_at: datetime.datetime


def _evidence(e: AssessmentEvidence) -> dict[str, object]:
    return {
        "id": e.pk,
        "area": e.area,
        "file_name": e.file_name,
        "content_type": e.content_type,
        "size": e.size,
        "sha256": e.sha256,
        "caption": e.caption,
        "uploaded_by": e.uploaded_by_label,
        "uploaded_at": e.uploaded_at,
    }


class AssessmentOut(OutSchema):
    id: int
    program: str = Field(validation_alias=AliasPath("program", "slug"))
    pairing: int = Field(validation_alias="pairing_id")
    year: int
    status: AssessmentStatus
    self_assessment: str
    self_assessed_by: str
    self_assessed_at: datetime.datetime | None
    recipient_comment: str
    commented_by: str
    commented_at: datetime.datetime | None
    submitted_by: str
    submitted_at: datetime.datetime | None
    cross_check_notes: str
    cross_checked_by: str
    cross_checked_at: datetime.datetime | None
    return_reason: str = Field(description="why a reviewer last returned it ('' if never)")
    returned_by: str
    returned_at: datetime.datetime | None
    finalised_by: str
    finalised_at: datetime.datetime | None
    scores: list[ScoreOut]
    figures: list[FigureOut]
    evidence: list[EvidenceOut] = Field(description="files the donor side gave as evidence")

    @staticmethod
    def resolve_scores(obj: Assessment) -> list[dict[str, object]]:
        return [
            {"area": r.area, "self_score": r.self_score, "evidence": r.self_comment, "final_score": r.final_score}
            for r in obj.scores.all()
        ]

    @staticmethod
    def resolve_evidence(obj: Assessment) -> list[dict[str, object]]:
        return [_evidence(e) for e in obj.evidence.all()]

    @staticmethod
    def resolve_figures(obj: Assessment) -> list[dict[str, object]]:
        return [
            {
                "id": f.pk,
                "indicator": f.indicator.key,
                "value": f.value,
                "unit": f.unit,
                "source": f.source,
                "verdict": f.verdict,
                "comment": f.verdict_comment,
            }
            for f in obj.figures.all()
        ]


class AssessmentFilter(Schema):
    program: Slug | None = None
    pairing: Id | None = None
    year: Year | None = None
    status: AssessmentStatus | None = None


def _visible(request: HttpRequest) -> QuerySet[Assessment]:
    pairings = scoped(Pairing, user_of(request)).values("pk")
    return Assessment.objects.filter(pairing__in=pairings).select_related("program", "pairing")


def _assessment(request: HttpRequest, assessment_id: int) -> Assessment:
    assessment = _visible(request).filter(pk=assessment_id).first()
    if assessment is None:
        raise Http404
    return assessment


def _fresh(request: HttpRequest, assessment_id: int) -> Assessment:
    return _visible(request).prefetch_related("scores", "figures__indicator", "evidence").get(pk=assessment_id)


@router.get("/assessments", response={200: list[AssessmentOut], **ERRORS})
@paginated
def assessment_list(
    request: HttpRequest,
    filters: Query[AssessmentFilter],
    ordering: Literal["id", "-id", "year", "-year"] | None = None,
):
    queryset = _visible(request).prefetch_related("scores", "figures__indicator", "evidence")
    queryset = filtered(queryset, filters, program="program__slug", pairing="pairing_id", year="year", status="status")
    key = ordering or "id"
    return queryset.order_by(key, "-pk" if key.startswith("-") else "pk")


@router.get("/assessments/{assessment_id}", response={200: AssessmentOut, **ERRORS})
def assessment_detail(request: HttpRequest, assessment_id: Id):
    return _fresh(request, _assessment(request, assessment_id).pk)


class OpenIn(InputSchema):
    pairing: Id
    year: Year


@router.post("/assessments", response={201: AssessmentOut, **WRITE_ERRORS})
def assessment_open_view(request: HttpRequest, payload: OpenIn):
    """The program office opens a pairing's assessment for a year: its figures are the pairing's report's."""
    pairing = get_or_422(scoped(Pairing, user_of(request)), "pairing", payload.pairing, pk=payload.pairing)
    assert pairing is not None
    assessment = actions.assessment_open(actor=actor_of(request), pairing=pairing, year=payload.year)
    return Status(201, _fresh(request, assessment.pk))


class AreaScoreIn(InputSchema):
    score: Score
    evidence: text(4000) = ""  # type: ignore[valid-type]


class SelfAssessmentIn(InputSchema):
    scores: dict[AssessmentArea, AreaScoreIn] = Field(description="each of the six areas: score 0–100 and evidence")
    summary: text(10000)  # type: ignore[valid-type]


@router.post("/assessments/{assessment_id}/self-assessment", response={200: AssessmentOut, **WRITE_ERRORS})
def assessment_self_assess_view(request: HttpRequest, assessment_id: Id, payload: SelfAssessmentIn):
    """The donor district of the pairing scores itself in the six areas, with evidence for each."""
    assessment = _assessment(request, assessment_id)
    scores = {str(area): (row.score, row.evidence) for area, row in payload.scores.items()}
    actions.assessment_self_assess(
        actor=actor_of(request), assessment=assessment, scores=scores, summary=payload.summary
    )
    return Status(200, _fresh(request, assessment_id))


class VerdictIn(InputSchema):
    figure: Id
    verdict: Literal[Verdict.CONFIRMED, Verdict.DISPUTED]
    reason: text(2000) = Field("", description="required when disputed")  # type: ignore[valid-type]


class VerdictsIn(InputSchema):
    verdicts: list[VerdictIn] = Field(max_length=1000, description="one per figure of the assessment")
    comment: text(10000) = ""  # type: ignore[valid-type]


@router.post("/assessments/{assessment_id}/verdicts", response={200: AssessmentOut, **WRITE_ERRORS})
def assessment_confirm_figures_view(request: HttpRequest, assessment_id: Id, payload: VerdictsIn):
    """The recipient office confirms every figure or disputes it, saying why."""
    assessment = _assessment(request, assessment_id)
    verdicts = {row.figure: (str(row.verdict), row.reason) for row in payload.verdicts}
    actions.assessment_confirm_figures(
        actor=actor_of(request), assessment=assessment, verdicts=verdicts, comment=payload.comment
    )
    return Status(200, _fresh(request, assessment_id))


@router.post("/assessments/{assessment_id}/submit", response={200: AssessmentOut, **WRITE_ERRORS})
def assessment_submit_view(request: HttpRequest, assessment_id: Id):
    """The program office submits the assessment to the reviewer once both sides have acted."""
    actions.assessment_submit(actor=actor_of(request), assessment=_assessment(request, assessment_id))
    return Status(200, _fresh(request, assessment_id))


class CrossCheckIn(InputSchema):
    final_scores: dict[AssessmentArea, Score] = Field(description="the final score of each of the six areas")
    notes: text(10000) = ""  # type: ignore[valid-type]


@router.post("/assessments/{assessment_id}/cross-check", response={200: AssessmentOut, **WRITE_ERRORS})
def assessment_cross_check_view(request: HttpRequest, assessment_id: Id, payload: CrossCheckIn):
    """A reviewer of the program sets the final score of each area."""
    scores = {str(area): score for area, score in payload.final_scores.items()}
    actions.assessment_cross_check(
        actor=actor_of(request),
        assessment=_assessment(request, assessment_id),
        final_scores=scores,
        notes=payload.notes,
    )
    return Status(200, _fresh(request, assessment_id))


class ReturnIn(InputSchema):
    reason: text(2000, min_length=1)  # type: ignore[valid-type]


@router.post("/assessments/{assessment_id}/return", response={200: AssessmentOut, **WRITE_ERRORS})
def assessment_return_view(request: HttpRequest, assessment_id: Id, payload: ReturnIn):
    """A reviewer sends a submitted or cross-checked assessment back to the donor side, saying why."""
    actions.assessment_return(
        actor=actor_of(request), assessment=_assessment(request, assessment_id), reason=payload.reason
    )
    return Status(200, _fresh(request, assessment_id))


@router.post("/assessments/{assessment_id}/finalise", response={200: AssessmentOut, **WRITE_ERRORS})
def assessment_finalise_view(request: HttpRequest, assessment_id: Id):
    """A reviewer locks the cross-checked assessment with its final report; nothing changes after."""
    actions.assessment_finalise(actor=actor_of(request), assessment=_assessment(request, assessment_id))
    return Status(200, _fresh(request, assessment_id))


class EvidenceIn(Schema):
    area: AssessmentArea | Literal[""] = Field("", description="one of the six areas; '' for the whole")
    caption: text(200) = ""  # type: ignore[valid-type]


@router.post("/assessments/{assessment_id}/evidence", response={201: EvidenceOut, **WRITE_ERRORS})
def assessment_evidence_attach_view(
    request: HttpRequest, assessment_id: Id, file: File[UploadedFile], details: Form[EvidenceIn]
):
    """The donor district adds a file (JPEG, PNG or PDF by its bytes, at most 10 MiB; multipart
    ``file``) as evidence for its self-assessment, while the assessment waits for it."""
    assessment = _assessment(request, assessment_id)
    evidence = actions.assessment_evidence_attach(
        actor=actor_of(request),
        assessment=assessment,
        file_name=file.name or "",
        content=file.read(ATTACHMENT_MAX_BYTES + 1),  # one byte past the limit: refused, never read whole
        area=str(details.area),
        caption=details.caption,
    )
    return Status(201, _evidence(evidence))


def _download(content: object, content_type: str, file_name: str) -> HttpResponse | FileResponse:
    response: HttpResponse | FileResponse
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    else:
        response = FileResponse(content, content_type=content_type, as_attachment=True, filename=file_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get(
    "/assessments/{assessment_id}/evidence/{evidence_id}",
    response={200: None, **ERRORS},
    openapi_extra={"responses": {200: {"description": "the file, as uploaded", "content": {"*/*": {}}}}},
)
def assessment_evidence_file(request: HttpRequest, assessment_id: Id, evidence_id: Id):
    """A file of an assessment's evidence, for whoever sees the assessment."""
    evidence = AssessmentEvidence.objects.filter(assessment=_assessment(request, assessment_id), pk=evidence_id).first()
    path = attachment_path(evidence.stored_name) if evidence is not None else None
    if evidence is None or path is None or not path.exists():
        raise Http404
    return _download(path.open("rb"), evidence.content_type, evidence.file_name)


_SCORECARD_TYPES: dict[str, dict] = {kind: {} for kind in scorecard.FORMATS.values()}


@router.get(
    "/assessments/{assessment_id}/scorecard.{file_format}",
    response={200: None, **ERRORS},
    openapi_extra={"responses": {200: {"description": "the final scorecard", "content": _SCORECARD_TYPES}}},
)
def assessment_scorecard(request: HttpRequest, assessment_id: Id, file_format: Literal["xlsx", "pdf"]):
    """The final scorecard of a locked (final) assessment, as a workbook or a PDF (404 before it is final)."""
    assessment = _fresh(request, _assessment(request, assessment_id).pk)
    if assessment.status != AssessmentStatus.FINAL:
        raise Http404
    return _download(*scorecard.scorecard_file(assessment, file_format))
