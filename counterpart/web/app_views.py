"""The signed-in application: lists, detail pages, forms and the project workflow (imports: import_views.py;
identity numbers and the audit trail: audit_views.py).

Views parse input and call one domain action; they never write a model and never decide who may:
the action asks the one policy, and its refusal (a role that may never act: 403 on a form page, a
message on a record's page; a record outside the user's area or program, a locked year, invalid
input: on the form's field) is shown in the user's language. What a page shows as possible asks the
same policy (``can``). Records are found only through ``scoped()`` / ``scoped_get_or_404`` (out of
scope: 404).
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from counterpart.access.scoping import scoped, scoped_get_or_404
from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.core.numbers import is_english
from counterpart.enterprise.models import Enterprise, EnterpriseReport
from counterpart.enterprise.services import (
    enterprise_report_confirm,
    enterprise_report_draft,
    enterprise_report_return,
    enterprise_report_submit,
    enterprise_report_update,
)
from counterpart.funds.services import ledger_commit, ledger_disburse
from counterpart.indicators.models import Indicator
from counterpart.people.models import BenefitKind, Relation
from counterpart.people.selectors import project_beneficiaries
from counterpart.people.services import (
    PersonRow,
    benefit_record,
    household_register,
    person_register,
    persons_identity_export_authorise,
    training_create,
    training_participants_add,
)
from counterpart.projects.models import Project, ProjectAttachment
from counterpart.projects.services import (
    ATTACHMENT_MAX_BYTES,
    project_attachment_add,
    project_attachment_path,
    project_propose,
    project_transition,
)

from . import can, forms
from .forms import form_error_from
from .list_filters import DrillForm
from .lists import EXPORT_FORMATS, ListSpec, list_export, list_page, list_queryset
from .specs import spec_get


def _refusal(refused: InvalidInput) -> str:
    """The domain's refusal as one sentence for a message (it names the value refused)."""
    return refused.messages[0] if refused.messages else str(refused)


# --- lists and detail pages ------------------------------------------------------------------------------


def _figure_name(key: str) -> str:
    """The name of the report figure a list is filtered to, in the page's language."""
    if not key:
        return ""
    indicator = Indicator.objects.filter(key=key).only("name_zh", "name_en").first()
    if indicator is None:
        return key
    return indicator.name_en if is_english() and indicator.name_en else indicator.name_zh


@login_required
def record_list(request: HttpRequest, slug: str) -> HttpResponseBase:
    spec = spec_get(slug)
    # The clear export writes an audit event with a reason: a POST, behind CSRF, never a GET a link
    # from another site could make an auditor's browser send. A GET exports masked, whatever it says.
    params = request.POST if request.method == "POST" else request.GET
    result = list_queryset(spec, request.user, params)
    file_format = params.get("format", "")
    if request.method == "POST" and file_format not in EXPORT_FORMATS:
        return redirect(request.path)
    if file_format in EXPORT_FORMATS:
        try:
            revealed = request.method == "POST" and _export_revealed(request, spec, result)
        except InvalidInput as error:
            messages.error(request, error.messages[0])
            return redirect(request.path)
        return list_export(spec, result, file_format, may_see_sensitive=revealed)
    page = list_page(result, request.GET.get("page"))
    kept = {k: v for k, v in request.GET.items() if k in (*spec.params, "q", "sort") and v}
    rows = [{"pk": record.pk, "cells": [(col, col.get(record)) for col in spec.columns]} for record in page.object_list]
    return render(
        request,
        "web/list.html",
        {
            "spec": spec,
            "page": page,
            "rows": rows,
            "result": result,
            "filters": [(f, list(f.choices()), result.applied.get(f.param, "")) for f in spec.filters],
            "drill": DrillForm(spec, request.user, result.applied),
            "figure_name": _figure_name(result.applied.get("figure", "")),
            "kept_query": urlencode(kept),
            "sort_query": urlencode({k: v for k, v in kept.items() if k != "sort"}),
            "may_create": bool(spec.create_url) and can.can_any(request.user, spec.create_verbs),
            "may_export_clear": spec.has_sensitive_columns and can.may_reveal_identity(request.user),
        },
    )


def _export_revealed(request: HttpRequest, spec: ListSpec, result: Any) -> bool:
    """An export shows clear identity numbers only when asked with a reason by a user allowed to
    reveal them, and the export is audited; otherwise the exporter masks them."""
    reason = (request.POST.get("reveal_reason") or "").strip()
    if not spec.has_sensitive_columns or "reveal_reason" not in request.POST:
        return False
    persons_identity_export_authorise(
        actor=Actor.of(request.user), count=result.queryset.count(), reason=reason, filters=result.applied
    )
    return True


@login_required
def record_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    spec = spec_get(slug)
    record = scoped_get_or_404(spec.base(scoped(spec.model, request.user)), request.user, pk=pk)
    context: dict[str, Any] = {
        "spec": spec,
        "record": record,
        "fields": [(col.label, col.get(record)) for col in spec.detail_fields],
    }
    if spec.detail_context is not None:
        context.update(spec.detail_context(request, record))
    return render(request, spec.detail_template, context)


# --- forms ----------------------------------------------------------------------------------------------------


def _form_page(request: HttpRequest, form: Any, title: str, *, multipart: bool = False) -> HttpResponse:
    return render(request, "web/form.html", {"form": form, "title": title, "multipart": multipart})


def _form_open(request: HttpRequest, *verbs: str) -> None:
    """A form page opens for a user the policy grants one of its verbs somewhere (the menu and the
    lists link to it only then); where the record lands is the action's to check."""
    if not can.can_any(request.user, verbs):
        raise PermissionDenied(_("您的角色不能进行此操作"))


def _form_submit(
    request: HttpRequest,
    form: Any,
    title: str,
    write: Callable[[dict[str, Any]], Any],
    success: str,
    detail_url: str,
) -> HttpResponse:
    """The one flow of every form: on a valid POST, ``write`` the cleaned data through the domain
    services; the domain's refusal lands on the form's field (naming the value), success goes to
    the new record's page."""
    if request.method == "POST" and form.is_valid():
        try:
            record = write(form.cleaned_data)
        except InvalidInput as error:
            form_error_from(form, error)
        except PermissionDenied as refused:
            form.add_error(None, str(refused) or _("您的角色不能进行此操作"))
        else:
            messages.success(request, success)
            return redirect(detail_url, pk=record.pk)
    return _form_page(request, form, title)


@login_required
def project_propose_view(request: HttpRequest) -> HttpResponse:
    _form_open(request, "project_propose")
    form = forms.ProjectProposeForm(request.POST or None, user=request.user)

    def write(data: dict[str, Any]) -> Any:
        project = project_propose(
            actor=Actor.of(request.user),
            program=data["program"],
            code=data["code"],
            title_zh=data["title_zh"],
            title_en=data["title_en"],
            category=data["category"],
            recipient_area=data["recipient_area"],
            pairing=data["pairing"],
            year=data["year"],
            budget_fen=data["budget"],
            description=data["description"],
        )
        return project

    return _form_submit(request, form, _("申报项目"), write, _("项目已申报"), "web:projects_detail")


@login_required
def ledger_record_view(request: HttpRequest) -> HttpResponse:
    _form_open(request, "ledger_commit", "ledger_disburse")
    form = forms.LedgerRecordForm(request.POST or None, user=request.user)

    def write(data: dict[str, Any]) -> Any:
        actor = Actor.of(request.user)
        if data["kind"] == "commitment":
            record = ledger_commit(
                actor=actor,
                program=data["program"],
                date=data["date"],
                source=data["source"],
                amount_fen=data["amount"],
                recipient_area=data["recipient_area"],
                description=data["description"],
                external_ref=data["external_ref"],
            )
        else:
            record = ledger_disburse(
                actor=actor,
                commitment=data["commitment"],
                date=data["date"],
                amount_fen=data["amount"],
                project=data["project"],
                recipient_area=data["recipient_area"],
                description=data["description"],
                external_ref=data["external_ref"],
            )
        return record

    return _form_submit(request, form, _("记录资金承诺或拨付"), write, _("已记账"), "web:funds_detail")


@login_required
def household_register_view(request: HttpRequest) -> HttpResponse:
    _form_open(request, "household_register")
    form = forms.HouseholdRegisterForm(request.POST or None, user=request.user)

    def write(data: dict[str, Any]) -> Any:
        household = household_register(
            actor=Actor.of(request.user),
            number=data["number"],
            village=data["village"],
            poverty_cause=data["poverty_cause"],
            year=data["year"],
            helper_name=data["helper_name"],
        )
        return household

    return _form_submit(request, form, _("登记贫困户"), write, _("贫困户已登记"), "web:households_detail")


@login_required
def person_register_view(request: HttpRequest) -> HttpResponse:
    _form_open(request, "person_register")
    form = forms.PersonRegisterForm(request.POST or None, user=request.user)

    def write(data: dict[str, Any]) -> Any:
        person = person_register(
            actor=Actor.of(request.user),
            row=PersonRow(
                name=data["name"],
                sex=data["sex"],
                area=data["area"],
                birth_date=data["birth_date"],
                identity_number=data["identity_number"] or None,
                household=data["household"],
                relation=data["relation"] or Relation.NONE,
            ),
        )
        return person

    return _form_submit(request, form, _("登记人员"), write, _("人员已登记"), "web:people_detail")


@login_required
def training_record_view(request: HttpRequest) -> HttpResponse:
    _form_open(request, "training_create")
    form = forms.TrainingRecordForm(request.POST or None, user=request.user)

    def write(data: dict[str, Any]) -> Any:
        actor = Actor.of(request.user)
        training = training_create(
            actor=actor,
            program=data["program"],
            kind=data["kind"],
            title=data["title"],
            place=data["place"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            organiser_name=data["organiser_name"],
            reported_participants=data["reported_participants"],
        )
        if data["participants"]:
            training_participants_add(actor=actor, training=training, persons=data["participants"])
        return training

    return _form_submit(request, form, _("记录培训"), write, _("培训已记录"), "web:trainings_detail")


@login_required
def enterprise_report_view(request: HttpRequest) -> HttpResponse:
    _form_open(request, "enterprise_report_draft")
    enterprises = scoped(Enterprise.objects.select_related("organisation"), request.user)
    form = forms.EnterpriseReportForm(request.POST or None, user=request.user, enterprises=enterprises)

    def write(data: dict[str, Any]) -> Any:
        actor = Actor.of(request.user)
        report = enterprise_report_draft(
            actor=actor,
            program=data["program"],
            enterprise=data["enterprise"],
            year=data["year"],
            area=data["area"],
            note=data["note"],
            figures=form.report_figures(),
        )
        enterprise_report_submit(actor=actor, report=report)
        return report

    return _form_submit(
        request, form, _("提交企业年度报告"), write, _("年度报告已提交，待协作办确认"), "web:enterprise-reports_detail"
    )


@login_required
def enterprise_report_correct_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The enterprise corrects a report the program office returned (or a draft) and submits it again."""
    report = scoped_get_or_404(EnterpriseReport.objects.select_related("enterprise"), request.user, pk=pk)
    if not can.report_correctable(request.user, report):
        raise PermissionDenied(_("只有本企业的草稿或被退回的报告可以修改"))
    initial = forms.EnterpriseReportFiguresForm.initial_of(report)
    form = forms.EnterpriseReportFiguresForm(request.POST or None, initial=initial, user=request.user)

    def write(data: dict[str, Any]) -> Any:
        actor = Actor.of(request.user)
        return enterprise_report_submit(
            actor=actor, report=enterprise_report_update(actor=actor, report=report, figures=form.report_figures())
        )

    return _form_submit(
        request,
        form,
        _("修改并重新提交年度报告"),
        write,
        _("年度报告已重新提交，待协作办确认"),
        "web:enterprise-reports_detail",
    )


@login_required
@require_POST
def enterprise_report_review_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The program office, the other side of an enterprise's report, confirms it (its figures count from
    then on) or returns it to the enterprise with a reason."""
    report = scoped_get_or_404(EnterpriseReport.objects.select_related("enterprise"), request.user, pk=pk)
    if action not in ("confirm", "return"):
        raise Http404
    form = forms.TransitionForm(request.POST)
    reason = form.cleaned_data["note"] if form.is_valid() else ""
    actor = Actor.of(request.user)
    try:
        if action == "confirm":
            enterprise_report_confirm(actor=actor, report=report)
        else:
            enterprise_report_return(actor=actor, report=report, reason=reason)
    except InvalidInput as refused:  # a role that may never act: 403, with the policy's words
        messages.error(request, _refusal(refused))
    else:
        messages.success(request, _("报告已确认，其数据计入报表") if action == "confirm" else _("报告已退回企业"))
    return redirect("web:enterprise-reports_detail", pk=report.pk)


# --- the project workflow and evidence ---------------------------------------------------------------------


@login_required
@require_POST
def project_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    project = scoped_get_or_404(Project.objects.select_related("pairing"), request.user, pk=pk)
    if action not in can.PROJECT_ACTIONS:
        raise Http404
    form = forms.TransitionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        project_transition(
            actor=Actor.of(request.user), project=project, to_status=can.PROJECT_ACTIONS[action], note=note
        )
    except InvalidInput as refused:  # a role that may never act: 403, with the policy's words
        messages.error(request, _refusal(refused))
    else:
        messages.success(request, _("项目状态已更新"))
    return redirect("web:projects_detail", pk=project.pk)


@login_required
@require_POST
def project_beneficiary_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The county records a household or a person its project reached, from the project's page."""
    project = scoped_get_or_404(Project.objects.select_related("program", "pairing"), request.user, pk=pk)
    _form_open(request, "benefit_record")  # a role the policy never grants it: 403 before the form is read
    form = forms.BeneficiaryForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("web:projects_detail", pk=project.pk)
    data = form.cleaned_data
    try:
        benefit_record(
            actor=Actor.of(request.user),
            program=project.program,
            kind=BenefitKind.PROJECT,
            date=data["date"],
            household=data["household"],
            person=data["person"],
            project=project,
        )
    except InvalidInput as refused:  # a role that may never act: 403, with the policy's words
        messages.error(request, _refusal(refused))
    else:
        persons, households = project_beneficiaries(project)
        messages.success(
            request,
            _("已记录。本项目惠及 %(persons)s 人（%(households)s 户）")
            % {"persons": persons, "households": households},
        )
    return redirect("web:projects_detail", pk=project.pk)


@login_required
@require_POST
def attachment_upload_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = scoped_get_or_404(Project.objects.select_related("pairing"), request.user, pk=pk)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的文件"))
        return redirect("web:projects_detail", pk=project.pk)
    upload = form.cleaned_data["file"]
    # One byte past the limit is enough for the service to refuse the size without reading it all.
    content = upload.read(ATTACHMENT_MAX_BYTES + 1)
    try:
        project_attachment_add(
            actor=Actor.of(request.user),
            project=project,
            file_name=upload.name or "",
            content=content,
            caption=form.cleaned_data["caption"],
        )
    except InvalidInput as refused:  # a role that may never act: 403, with the policy's words
        messages.error(request, _refusal(refused))
    else:
        messages.success(request, _("材料已上传"))
    return redirect("web:projects_detail", pk=project.pk)


@login_required
def attachment_download_view(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    project = scoped_get_or_404(Project, request.user, pk=pk)
    attachment = ProjectAttachment.objects.filter(project=project, pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    path = project_attachment_path(attachment)
    if not path.exists():
        raise Http404
    response = FileResponse(
        path.open("rb"), content_type=attachment.content_type, as_attachment=True, filename=attachment.file_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
