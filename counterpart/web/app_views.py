"""The signed-in application: lists, detail pages, forms, the project workflow, imports, the audit trail.

Views parse input, check the role (``permissions``) and call one domain service; they never write
a model themselves. Records are found only through ``scoped()`` / ``scoped_get_or_404`` (out of
scope: 404). A role that may see a record but not act on it gets 403 for the action.
"""

import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from counterpart.access.scoping import scoped, scoped_get_or_404
from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.core.models import AuditEvent
from counterpart.enterprise.models import EnterpriseReport
from counterpart.enterprise.services import (
    enterprise_report_confirm,
    enterprise_report_draft,
    enterprise_report_return,
    enterprise_report_submit,
    enterprise_report_update,
)
from counterpart.funds.services import ledger_commit, ledger_disburse
from counterpart.intake.at_rest import upload_opened, upload_seal
from counterpart.intake.exporters import errors_workbook_write
from counterpart.intake.kinds import kind_get, kinds_all
from counterpart.intake.limits import import_limits_of
from counterpart.intake.models import BatchStatus, ImportBatch
from counterpart.intake.readers import file_inspect
from counterpart.intake.services import batch_enqueue
from counterpart.intake.validation import FileRejected, RowError
from counterpart.people.models import BenefitKind, Person, Relation
from counterpart.people.selectors import project_beneficiaries
from counterpart.people.services import (
    PersonRow,
    benefit_record,
    household_register,
    person_identity_reveal,
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

from . import forms, permissions
from .lists import EXPORT_FORMATS, ListSpec, list_export, list_page, list_queryset
from .specs import SPECS


def _spec(slug: str) -> ListSpec:
    try:
        return SPECS[slug]
    except KeyError:
        raise Http404 from None


def _invalid_to_form(form: Any, error: InvalidInput) -> None:
    message = error.messages[0] if error.messages else str(error)
    form.add_error(error.field if error.field in form.fields else None, message)


# --- lists and detail pages ------------------------------------------------------------------------------


@login_required
def record_list(request: HttpRequest, slug: str) -> HttpResponseBase:
    spec = _spec(slug)
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
    grants = permissions.grants_of(request.user)
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
            "drill": [p for p in ("program", "year", "area") if getattr(spec, p)],
            "kept_query": urlencode(kept),
            "sort_query": urlencode({k: v for k, v in kept.items() if k != "sort"}),
            "may_create": spec.create_url and spec.may_create(grants),
            "may_export_clear": spec.has_sensitive_columns and permissions.may_reveal_identity(request.user),
        },
    )


def _export_revealed(request: HttpRequest, spec: ListSpec, result: Any) -> bool:
    """An export shows clear identity numbers only when asked with a reason by a user allowed to
    reveal them, and the export is audited; otherwise the exporter masks them."""
    reason = (request.POST.get("reveal_reason") or "").strip()
    if not spec.has_sensitive_columns or "reveal_reason" not in request.POST:
        return False
    if not permissions.may_reveal_identity(request.user):
        raise PermissionDenied
    persons_identity_export_authorise(
        Actor.of(request.user), count=result.queryset.count(), reason=reason, filters=result.applied
    )
    return True


@login_required
def record_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    spec = _spec(slug)
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
            _invalid_to_form(form, error)
        else:
            messages.success(request, success)
            return redirect(detail_url, pk=record.pk)
    return _form_page(request, form, title)


@login_required
def project_propose_view(request: HttpRequest) -> HttpResponse:
    grants = permissions.grants_of(request.user)
    if not permissions.may_propose_project(grants):
        raise PermissionDenied
    form = forms.ProjectProposeForm(request.POST or None, user=request.user, grants=grants)

    def write(data: dict[str, Any]) -> Any:
        project = project_propose(
            Actor.of(request.user),
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
    grants = permissions.grants_of(request.user)
    if not (grants.superuser or grants.program_offices):
        raise PermissionDenied
    form = forms.LedgerRecordForm(request.POST or None, user=request.user, grants=grants)

    def write(data: dict[str, Any]) -> Any:
        actor = Actor.of(request.user)
        if data["kind"] == "commitment":
            record = ledger_commit(
                actor,
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
                actor,
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
    grants = permissions.grants_of(request.user)
    if not permissions.may_register_people(grants):
        raise PermissionDenied
    form = forms.HouseholdRegisterForm(request.POST or None, user=request.user, grants=grants)

    def write(data: dict[str, Any]) -> Any:
        household = household_register(
            Actor.of(request.user),
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
    grants = permissions.grants_of(request.user)
    if not permissions.may_register_people(grants):
        raise PermissionDenied
    form = forms.PersonRegisterForm(request.POST or None, user=request.user, grants=grants)

    def write(data: dict[str, Any]) -> Any:
        person = person_register(
            Actor.of(request.user),
            PersonRow(
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
    grants = permissions.grants_of(request.user)
    if not permissions.may_record_training(grants):
        raise PermissionDenied
    form = forms.TrainingRecordForm(request.POST or None, user=request.user, grants=grants)

    def write(data: dict[str, Any]) -> Any:
        actor = Actor.of(request.user)
        training = training_create(
            actor,
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
            training_participants_add(actor, training, data["participants"])
        return training

    return _form_submit(request, form, _("记录培训"), write, _("培训已记录"), "web:trainings_detail")


@login_required
def enterprise_report_view(request: HttpRequest) -> HttpResponse:
    grants = permissions.grants_of(request.user)
    enterprises = permissions.report_enterprises(grants)
    if not (grants.superuser or grants.organisations):
        raise PermissionDenied
    form = forms.EnterpriseReportForm(request.POST or None, user=request.user, grants=grants, enterprises=enterprises)

    def write(data: dict[str, Any]) -> Any:
        actor = Actor.of(request.user)
        report = enterprise_report_draft(
            actor,
            program=data["program"],
            enterprise=data["enterprise"],
            year=data["year"],
            area=data["area"],
            note=data["note"],
            figures=form.report_figures(),
        )
        enterprise_report_submit(actor, report)
        return report

    return _form_submit(
        request, form, _("提交企业年度报告"), write, _("年度报告已提交，待协作办确认"), "web:enterprise-reports_detail"
    )


@login_required
def enterprise_report_correct_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The enterprise corrects a report the program office returned (or a draft) and submits it again."""
    report = scoped_get_or_404(EnterpriseReport.objects.select_related("enterprise"), request.user, pk=pk)
    grants = permissions.grants_of(request.user)
    if not permissions.may_correct_enterprise_report(grants, report):
        raise PermissionDenied
    initial = forms.EnterpriseReportFiguresForm.initial_of(report)
    form = forms.EnterpriseReportFiguresForm(request.POST or None, initial=initial, user=request.user, grants=grants)

    def write(data: dict[str, Any]) -> Any:
        actor = Actor.of(request.user)
        return enterprise_report_submit(actor, enterprise_report_update(actor, report, figures=form.report_figures()))

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
    report = scoped_get_or_404(EnterpriseReport, request.user, pk=pk)
    if action not in ("confirm", "return"):
        raise Http404
    if not permissions.may_review_enterprise_report(permissions.grants_of(request.user), report):
        raise PermissionDenied
    form = forms.TransitionForm(request.POST)
    reason = form.cleaned_data["note"] if form.is_valid() else ""
    actor = Actor.of(request.user)
    try:
        if action == "confirm":
            enterprise_report_confirm(actor, report)
        else:
            enterprise_report_return(actor, report, reason=reason)
    except InvalidInput as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("报告已确认，其数据计入报表") if action == "confirm" else _("报告已退回企业"))
    return redirect("web:enterprise-reports_detail", pk=report.pk)


# --- the project workflow and evidence ---------------------------------------------------------------------


@login_required
@require_POST
def project_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    project = scoped_get_or_404(Project, request.user, pk=pk)
    grants = permissions.grants_of(request.user)
    if action not in permissions.PROJECT_ACTIONS:
        raise Http404
    if not permissions.may_project_action(grants, project, action):
        raise PermissionDenied
    form = forms.TransitionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        project_transition(Actor.of(request.user), project, permissions.PROJECT_ACTIONS[action], note=note)
    except InvalidInput as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("项目状态已更新"))
    return redirect("web:projects_detail", pk=project.pk)


@login_required
@require_POST
def project_beneficiary_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The county records a household or a person its project reached, from the project's page."""
    project = scoped_get_or_404(Project.objects.select_related("program"), request.user, pk=pk)
    grants = permissions.grants_of(request.user)
    if not permissions.may_record_beneficiaries(grants, project):
        raise PermissionDenied
    form = forms.BeneficiaryForm(request.POST, user=request.user, grants=grants)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("web:projects_detail", pk=project.pk)
    data = form.cleaned_data
    try:
        benefit_record(
            Actor.of(request.user),
            program=project.program,
            kind=BenefitKind.PROJECT,
            date=data["date"],
            household=data["household"],
            person=data["person"],
            project=project,
        )
    except InvalidInput as error:
        messages.error(request, error.messages[0])
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
    project = scoped_get_or_404(Project, request.user, pk=pk)
    if not permissions.may_attach(permissions.grants_of(request.user), project):
        raise PermissionDenied
    form = forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的文件"))
        return redirect("web:projects_detail", pk=project.pk)
    upload = form.cleaned_data["file"]
    # One byte past the limit is enough for the service to refuse the size without reading it all.
    content = upload.read(ATTACHMENT_MAX_BYTES + 1)
    try:
        project_attachment_add(
            Actor.of(request.user),
            project,
            file_name=upload.name or "",
            content=content,
            caption=form.cleaned_data["caption"],
        )
    except InvalidInput as error:
        messages.error(request, error.messages[0])
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


# --- identity numbers and the audit trail ---------------------------------------------------------------


@login_required
@require_POST
def person_reveal_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = scoped_get_or_404(Person, request.user, pk=pk)
    if not permissions.may_reveal_identity(request.user):
        raise PermissionDenied
    form = forms.RevealForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        number = person_identity_reveal(Actor.of(request.user), person, reason=reason)
    except InvalidInput as error:
        messages.error(request, error.messages[0])
        return redirect("web:people_detail", pk=person.pk)
    response = render(request, "web/person_revealed.html", {"record": person, "number": number, "reason": reason})
    response["Cache-Control"] = "no-store"
    return response


AUDIT_PAGE_SIZE = 100


@login_required
def audit_trail_view(request: HttpRequest) -> HttpResponse:
    if not permissions.may_read_audit_trail(permissions.grants_of(request.user)):
        raise PermissionDenied
    events: QuerySet[AuditEvent] = AuditEvent.objects.order_by("-at", "-id")
    query = (request.GET.get("q") or "").strip()[:100]
    if query:
        events = events.filter(
            Q(action__icontains=query) | Q(actor_label__icontains=query) | Q(object_repr__icontains=query)
        )
    action = (request.GET.get("action") or "").strip()
    if action:
        events = events.filter(action=action)
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/audit.html",
        {
            "page": page,
            "query": query,
            "kept_query": urlencode({"q": query, "action": action} if query or action else {}),
        },
    )


# --- imports -----------------------------------------------------------------------------------------------------


def _batches_visible(request: HttpRequest) -> QuerySet[ImportBatch]:
    """Import batches carry no program or area: a user sees the ones they uploaded; auditors see all."""
    grants = permissions.grants_of(request.user)
    batches = ImportBatch.objects.all()
    if grants.superuser or grants.auditor:
        return batches
    return batches.filter(created_by_label=request.user.get_username())


def _uploads_directory() -> Path:
    directory = Path(settings.DATA_DIR) / "uploads"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@login_required
def imports_view(request: HttpRequest) -> HttpResponse:
    grants = permissions.grants_of(request.user)
    may_upload = permissions.may_import(grants)
    # The kinds this user may load (intake/limits.py): all for a program office, their own for others.
    limits = import_limits_of(request.user)
    kinds = [kind for kind in kinds_all() if limits is None or limits.allows(kind)]
    form = forms.ImportUploadForm(request.POST or None, request.FILES or None, kinds=kinds)
    if request.method == "POST":
        if not may_upload:
            raise PermissionDenied
        if form.is_valid():
            upload = form.cleaned_data["file"]
            suffix = Path(upload.name or "").suffix.lower()
            if suffix not in (".xlsx", ".csv"):
                message = _("只接受 XLSX 或 CSV 文件")
                form.add_error("file", f"{message} (“file” = {upload.name!r})")
            else:
                path = _uploads_directory() / f"{uuid.uuid4().hex}{suffix}"
                upload_seal(upload.chunks(), path)  # never in clear on disk (intake/at_rest.py)
                try:
                    batch = batch_enqueue(
                        Actor.of(request.user),
                        path,
                        kind=form.cleaned_data["kind"] or None,
                        file_name=upload.name or path.name,
                        dry_run=form.cleaned_data["dry_run"],
                    )
                except FileRejected as rejected:
                    path.unlink(missing_ok=True)
                    form.add_error("file", f"{rejected.message_zh} / {rejected.message_en} (“file” = {upload.name!r})")
                except InvalidInput as error:
                    path.unlink(missing_ok=True)
                    _invalid_to_form(form, error)
                else:
                    return redirect("web:import_detail", pk=batch.pk)
    batches = _batches_visible(request)[:50]
    own_rows_only = limits is not None
    context = {"form": form, "batches": batches, "may_upload": may_upload, "own_rows_only": own_rows_only}
    return render(request, "web/imports.html", context)


def _progress(batch: ImportBatch) -> dict[str, Any]:
    finished = batch.status in (BatchStatus.DONE, BatchStatus.INVALID, BatchStatus.FAILED)
    if batch.status == BatchStatus.DONE:
        percent = 100
    elif batch.status == BatchStatus.WRITING and batch.rows_total:
        percent = 50 + int(50 * batch.rows_done / batch.rows_total)
    elif batch.status == BatchStatus.VALIDATING:
        validated = getattr(batch, "rows_validated", 0) or 0
        total = getattr(batch, "bytes_total", 0) or 0
        read = getattr(batch, "bytes_read", 0) or 0
        percent = int(50 * read / total) if total else (10 if validated else 5)
    else:
        percent = 0
    return {
        "id": batch.pk,
        "status": batch.status,
        "status_label": batch.get_status_display(),
        "percent": min(percent, 100),
        "finished": finished,
        "dry_run": batch.dry_run,
        "rows_total": batch.rows_total,
        "rows_done": batch.rows_done,
        "rows_new": batch.rows_new,
        "rows_changed": batch.rows_changed,
        "rows_unchanged": batch.rows_unchanged,
        "error_count": batch.error_count,
    }


@login_required
def import_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batches_visible(request).filter(pk=pk).first()
    if batch is None:
        raise Http404
    errors = [RowError(**error).text(request.LANGUAGE_CODE or "zh") for error in batch.errors[:200]]
    return render(
        request,
        "web/import_detail.html",
        {
            "batch": batch,
            "progress": _progress(batch),
            "errors": errors,
            "progress_url": reverse("web:import_progress", args=[pk]),
        },
    )


@login_required
def import_progress_view(request: HttpRequest, pk: int) -> JsonResponse:
    batch = _batches_visible(request).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return JsonResponse(_progress(batch))


@login_required
def import_errors_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The uploaded rows with each row's errors beside it, as a workbook to correct and upload again."""
    batch = _batches_visible(request).filter(pk=pk).first()
    if batch is None or not batch.errors or not batch.file_path or not Path(batch.file_path).exists():
        raise Http404
    with tempfile.TemporaryDirectory() as directory, upload_opened(Path(batch.file_path)) as upload:
        path = Path(directory) / "errors.xlsx"  # identity numbers masked in it, birth dates blank
        errors_workbook_write(file_inspect(upload), kind_get(batch.kind), [RowError(**e) for e in batch.errors], path)
        content = path.read_bytes()
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="errors-{batch.pk}.xlsx"'
    return response
