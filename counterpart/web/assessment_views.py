"""The yearly two-sided assessment in the web app: its list by pairing and year, and its page, where
each step is offered to the person whose turn it is, with who did what and when.

The program office opens it (the figures of the pairing's report as they stand), the donor district
scores itself in the six areas with evidence, the recipient office confirms or disputes each figure,
the program office submits, a reviewer cross-checks and returns it (saying why) or finalises it; the
final scorecard downloads as XLSX or PDF. Views parse and call the actions of
``indicators.assessment``, which ask the one policy; what a page offers asks it too (``can``).
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from counterpart.access.scoping import scoped
from counterpart.core.attachments import ATTACHMENT_MAX_BYTES, attachment_path
from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.core.language import pick
from counterpart.core.models import AuditEvent
from counterpart.dashboard.labels import choice_label, figure_text
from counterpart.indicators import assessment as actions
from counterpart.indicators.models import Assessment, AssessmentEvidence, AssessmentStatus, Verdict
from counterpart.registry.models import Pairing
from counterpart.reports import scorecard

from . import can
from .assessment_forms import (
    ConfirmForm,
    CrossCheckForm,
    EmptyForm,
    EvidenceForm,
    OpenForm,
    ReturnForm,
    SelfAssessForm,
    area_label,
)

# Whose turn it is in each status, in words.
WAITING_FOR: dict[str, Any] = {
    AssessmentStatus.OPEN: gettext_lazy("等待帮扶方区县自评"),
    AssessmentStatus.SELF_ASSESSED: gettext_lazy("等待受援方确认数据"),
    AssessmentStatus.COMMENTED: gettext_lazy("等待协作办报送"),
    AssessmentStatus.SUBMITTED: gettext_lazy("等待审核人交叉核查"),
    AssessmentStatus.CROSS_CHECKED: gettext_lazy("等待审核人定稿"),
    AssessmentStatus.FINAL: gettext_lazy("已定稿，不可再修改"),
}

# What each audited step is called on the page.
EVENT_LABELS = {
    "assessment.open": gettext_lazy("开启考核"),
    "assessment.self_assess": gettext_lazy("帮扶方自评"),
    "assessment.evidence_attach": gettext_lazy("帮扶方上传佐证材料"),
    "assessment.confirm_figures": gettext_lazy("受援方确认数据"),
    "assessment.submit": gettext_lazy("协作办报送"),
    "assessment.cross_check": gettext_lazy("审核人交叉核查"),
    "assessment.return": gettext_lazy("审核人退回"),
    "assessment.finalise": gettext_lazy("审核人定稿"),
}


def _step(form: Any, verb: str, write: Callable[[Actor, Any], Any]) -> dict[str, Any]:
    return {"form": form, "verb": verb, "write": write}


def _steps(assessment: Assessment, data: Any = None) -> dict[str, dict[str, Any]]:
    """The steps of the assessment's current status: (form, verb, the action with the form's data)."""
    status = assessment.status
    steps: dict[str, dict[str, Any]] = {}
    if status == AssessmentStatus.OPEN:
        steps["self-assess"] = _step(
            SelfAssessForm(data, assessment=assessment, prefix="self"),
            "assessment_self_assess",
            lambda actor, f: actions.assessment_self_assess(
                actor=actor, assessment=assessment, scores=f.scores(), summary=f.cleaned_data["summary"]
            ),
        )
    elif status == AssessmentStatus.SELF_ASSESSED:
        steps["confirm"] = _step(
            ConfirmForm(data, assessment=assessment, prefix="confirm"),
            "assessment_confirm_figures",
            lambda actor, f: actions.assessment_confirm_figures(
                actor=actor, assessment=assessment, verdicts=f.verdicts(), comment=f.cleaned_data["comment"]
            ),
        )
    elif status == AssessmentStatus.COMMENTED:
        steps["submit"] = _step(
            EmptyForm(data, prefix="submit"), "assessment_submit",
            lambda actor, f: actions.assessment_submit(actor=actor, assessment=assessment),
        )  # fmt: skip
    elif status == AssessmentStatus.SUBMITTED:
        steps["cross-check"] = _step(
            CrossCheckForm(data, assessment=assessment, prefix="check"),
            "assessment_cross_check",
            lambda actor, f: actions.assessment_cross_check(
                actor=actor, assessment=assessment, final_scores=f.final_scores(), notes=f.cleaned_data["notes"]
            ),
        )
    elif status == AssessmentStatus.CROSS_CHECKED:
        steps["finalise"] = _step(
            EmptyForm(data, prefix="final"), "assessment_finalise",
            lambda actor, f: actions.assessment_finalise(actor=actor, assessment=assessment),
        )  # fmt: skip
    if status in (AssessmentStatus.SUBMITTED, AssessmentStatus.CROSS_CHECKED):
        steps["return"] = _step(
            ReturnForm(data, prefix="return"), "assessment_return",
            lambda actor, f: actions.assessment_return(
                actor=actor, assessment=assessment, reason=f.cleaned_data["reason"]
            ),
        )  # fmt: skip
    return steps


def _assessments(user: Any) -> QuerySet[Assessment]:
    """The assessments of the pairings the user may see."""
    pairings = scoped(Pairing, user).values("pk")
    return Assessment.objects.filter(pairing__in=pairings).select_related(
        "program", "pairing__donor_area", "pairing__recipient_area", "pairing__donor_organisation",
        "pairing__recipient_organisation",
    )  # fmt: skip


def _assessment_or_404(user: Any, pk: int) -> Assessment:
    assessment = _assessments(user).filter(pk=pk).first()
    if assessment is None:
        raise Http404
    return assessment


def _openable_pairings(user: Any) -> QuerySet[Pairing]:
    pairings = scoped(Pairing.objects.select_related("donor_area", "recipient_area"), user)
    allowed = [p.pk for p in pairings if can.can(user, "assessment_open", actions.pairing_target(p))]
    return pairings.filter(pk__in=allowed).order_by("program_id", "level", "donor_area_id", "recipient_area_id")


@login_required
def assessment_list(request: HttpRequest, open_form: OpenForm | None = None) -> HttpResponse:
    queryset = _assessments(request.user).order_by("-year", "pairing_id")
    pairing, year = request.GET.get("pairing", ""), request.GET.get("year", "")
    if pairing.isdigit():
        queryset = queryset.filter(pairing_id=int(pairing))
    if year.isdigit():
        queryset = queryset.filter(year=int(year))
    may_open = can.can(request.user, "assessment_open")
    if may_open and open_form is None:
        open_form = OpenForm(pairings=_openable_pairings(request.user))
    rows = [
        {"record": a, "status": choice_label(a.get_status_display()), "waiting": WAITING_FOR[a.status]}
        for a in queryset[:500]
    ]
    return render(
        request,
        "web/assessment_list.html",
        {"rows": rows, "open_form": open_form if may_open else None, "pairing": pairing, "year": year},
        status=422 if open_form is not None and open_form.errors else 200,
    )


@login_required
@require_POST
def assessment_open_view(request: HttpRequest) -> HttpResponse:
    if not can.can(request.user, "assessment_open"):
        raise PermissionDenied(_("您的角色不能进行此操作"))
    form = OpenForm(request.POST, pairings=_openable_pairings(request.user))
    if form.is_valid():
        try:
            assessment = actions.assessment_open(
                actor=Actor.of(request.user), pairing=form.cleaned_data["pairing"], year=form.cleaned_data["year"]
            )
        except InvalidInput as refused:
            form.refusal(refused)
        except PermissionDenied as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("考核已开启，数据取自该结对关系本年度的报告"))
            return redirect("web:assessment_detail", pk=assessment.pk)
    return assessment_list(request, open_form=form)


def _trail(assessment: Assessment) -> list[dict[str, Any]]:
    events = AuditEvent.objects.filter(object_type="indicators.assessment", object_id=str(assessment.pk))
    return [
        {"at": e.at, "who": e.actor_label, "what": EVENT_LABELS.get(e.action, e.action), "reason": e.reason}
        for e in events.order_by("at", "id")
    ]


def _detail(
    request: HttpRequest,
    assessment: Assessment,
    steps: dict[str, dict[str, Any]] | None = None,
    evidence_form: EvidenceForm | None = None,
) -> Any:
    steps = steps if steps is not None else _steps(assessment)
    target = actions.pairing_target(assessment.pairing)
    may_attach = assessment.status == AssessmentStatus.OPEN and can.can(
        request.user, "assessment_evidence_attach", target
    )
    mine = {name: step["form"] for name, step in steps.items() if can.can(request.user, step["verb"], target)}
    scores = [
        {"area": area_label(s.area), "self": s.self_score, "evidence": s.self_comment, "final": s.final_score}
        for s in assessment.scores.all()
    ]
    figures = [
        {
            "name": pick(f.indicator.name_zh, f.indicator.name_en),
            "value": figure_text(f.value, f.unit),
            "verdict": choice_label(f.get_verdict_display()) if f.verdict else _("待确认"),
            "disputed": f.verdict == Verdict.DISPUTED,
            "comment": f.verdict_comment,
        }
        for f in assessment.figures.select_related("indicator").order_by("indicator__key")
    ]
    evidence = [
        {"record": e, "area": area_label(e.area) if e.area else _("（全部）")}
        for e in assessment.evidence.order_by("uploaded_at", "id")
    ]
    has_errors = any(form.errors for form in mine.values()) or bool(evidence_form and evidence_form.errors)
    return render(
        request,
        "web/assessment_detail.html",
        {
            "record": assessment,
            "status": choice_label(assessment.get_status_display()),
            "waiting": WAITING_FOR[assessment.status],
            "scores": scores,
            "figures": figures,
            "steps": mine,
            "trail": _trail(assessment),
            "is_final": assessment.status == AssessmentStatus.FINAL,
            "evidence": evidence,
            # A refused upload shows its form with the refusal even when no longer offered.
            "evidence_form": evidence_form or (EvidenceForm() if may_attach else None),
        },
        status=422 if has_errors else 200,
    )


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _assessment_or_404(request.user, pk))


@login_required
@require_POST
def assessment_step_view(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    assessment = _assessment_or_404(request.user, pk)
    steps = _steps(assessment, request.POST)
    if step not in steps:
        messages.error(request, _("考核当前状态下不能进行此步骤"))
        return redirect("web:assessment_detail", pk=assessment.pk)
    form = steps[step]["form"]
    if form.is_valid():
        try:
            steps[step]["write"](Actor.of(request.user), form)
        except InvalidInput as refused:
            form.refusal(refused)
        except PermissionDenied as refused:
            raise PermissionDenied(str(refused) or _("您的角色不能进行此操作")) from None
        else:
            messages.success(request, _("已保存：%(status)s") % {"status": WAITING_FOR[_status_now(assessment)]})
            return redirect("web:assessment_detail", pk=assessment.pk)
    if not can.can(request.user, steps[step]["verb"], actions.pairing_target(assessment.pairing)):
        raise PermissionDenied(_("您的角色不能进行此操作"))
    return _detail(request, assessment, {step: steps[step]})


def _status_now(assessment: Assessment) -> str:
    return Assessment.objects.values_list("status", flat=True).get(pk=assessment.pk)


@login_required
def assessment_scorecard(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    """The final scorecard, once the assessment is locked."""
    assessment = _assessment_or_404(request.user, pk)
    if assessment.status != AssessmentStatus.FINAL or file_format not in scorecard.FORMATS:
        raise Http404
    content, kind, name = scorecard.scorecard_file(assessment, file_format)
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def assessment_evidence_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The donor side uploads a file as evidence; a refusal shows on the page, beside the form."""
    assessment = _assessment_or_404(request.user, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        # One byte past the limit is enough for the action to refuse the size without reading it all.
        content = upload.read(ATTACHMENT_MAX_BYTES + 1)
        try:
            actions.assessment_evidence_attach(
                actor=Actor.of(request.user),
                assessment=assessment,
                file_name=upload.name or "",
                content=content,
                area=form.cleaned_data["area"],
                caption=form.cleaned_data["caption"],
            )
        except InvalidInput as refused:
            form.refusal(refused)
        except PermissionDenied as refused:
            raise PermissionDenied(str(refused) or _("您的角色不能进行此操作")) from None
        else:
            messages.success(request, _("材料已上传"))
            return redirect("web:assessment_detail", pk=assessment.pk)
    return _detail(request, assessment, evidence_form=form)


@login_required
def assessment_evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    """A file of the assessment's evidence, for whoever sees the assessment."""
    assessment = _assessment_or_404(request.user, pk)
    evidence = AssessmentEvidence.objects.filter(assessment=assessment, pk=evidence_pk).first()
    if evidence is None:
        raise Http404
    path = attachment_path(evidence.stored_name)
    if not path.exists():
        raise Http404
    response = FileResponse(
        path.open("rb"), content_type=evidence.content_type, as_attachment=True, filename=evidence.file_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
