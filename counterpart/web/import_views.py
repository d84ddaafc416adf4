"""Spreadsheet imports in the signed-in application: upload (queued for the worker), a batch's page and
its progress, and the workbook of its errors. The import itself runs in counterpart.intake.
"""

import tempfile
import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.core.language import is_english, pick
from counterpart.core.models import AuditEvent
from counterpart.intake.at_rest import upload_opened, upload_seal
from counterpart.intake.exporters import errors_workbook_write, template_workbook_write, template_write
from counterpart.intake.kinds import Kind, kind_get, kinds_all, kinds_in_dependency_order
from counterpart.intake.limits import import_limits_of
from counterpart.intake.models import BatchStatus, ImportBatch
from counterpart.intake.readers import file_inspect
from counterpart.intake.tasks import batch_queue
from counterpart.intake.validation import FileRejected, RowError
from counterpart.intake.workbooks import WORKBOOK, workbook_plan

from . import can, forms
from .forms import form_error_from
from .specs import SPECS

# --- imports -----------------------------------------------------------------------------------------------------


def _batches_visible(request: HttpRequest) -> QuerySet[ImportBatch]:
    """Import batches carry no program or area: a user sees the ones they uploaded; auditors see all."""
    batches = ImportBatch.objects.all()
    if can.reads_audit_trail(request.user):
        return batches
    return batches.filter(created_by_label=request.user.get_username())


def _uploads_directory() -> Path:
    directory = Path(settings.DATA_DIR) / "uploads"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@login_required
def imports_view(request: HttpRequest) -> HttpResponse:
    # The kinds this user may load (intake/limits.py, which asks the policy for every row): all for a
    # program office, their own for others, none for a read-only role.
    limits = import_limits_of(request.user)
    kinds = [kind for kind in kinds_all() if limits is None or limits.allows(kind)]
    may_upload = bool(kinds)
    form = forms.ImportUploadForm(request.POST or None, request.FILES or None, kinds=kinds)
    if request.method == "POST":
        if not may_upload:
            raise PermissionDenied(_("您的角色不能进行此操作"))
        if form.is_valid():
            upload = form.cleaned_data["file"]
            suffix = Path(upload.name or "").suffix.lower()
            if suffix not in (".xlsx", ".csv"):
                message = _("只接受 XLSX 或 CSV 文件")
                form.add_error("file", _("%(name)s：%(reason)s") % {"name": upload.name, "reason": message})
            else:
                path = _uploads_directory() / f"{uuid.uuid4().hex}{suffix}"
                upload_seal(upload.chunks(), path)  # never in clear on disk (intake/at_rest.py)
                try:
                    batch = batch_queue(
                        Actor.of(request.user),
                        path,
                        kind=form.cleaned_data["kind"] or None,
                        file_name=upload.name or path.name,
                        dry_run=form.cleaned_data["dry_run"],
                    )
                except FileRejected as rejected:
                    path.unlink(missing_ok=True)
                    reason = pick(rejected.message_zh, rejected.message_en)
                    form.add_error("file", _("%(name)s：%(reason)s") % {"name": upload.name, "reason": reason})
                except InvalidInput as error:
                    path.unlink(missing_ok=True)
                    form_error_from(form, error)
                else:
                    return redirect("web:import_detail", pk=batch.pk)
    batches = list(_batches_visible(request)[:50])
    for batch in batches:
        batch.kind_name = kind_name(batch.kind)  # type: ignore[attr-defined]
    own_rows_only = limits is not None
    templates = [{"key": kind.key, "name": kind_name(kind.key)} for kind in kinds]
    if _workbook_kinds(kinds):
        templates.append(
            {"key": WORKBOOK, "name": _("多类数据工作簿（协作项目、结对关系、上报指标数，每类一个工作表）")}
        )
    context = {
        "form": form,
        "batches": batches,
        "may_upload": may_upload,
        "own_rows_only": own_rows_only,
        "templates": templates,
    }
    return render(request, "web/imports.html", context)


def _workbook_kinds(kinds: list[Kind]) -> list[Kind]:
    """The sheets of the published record's workbook template among the kinds a user may import, in load order."""
    return kinds_in_dependency_order([kind for kind in kinds if kind.record_workbook])


def kind_name(key: str) -> str:
    """A kind's name in the page's language (the key itself for a kind no longer registered)."""
    if key == WORKBOOK:
        return _("多类数据工作簿")
    try:
        kind: Kind = kind_get(key)
    except InvalidInput:
        return key
    return pick(kind.name_zh, kind.name_en)


@login_required
def import_template_view(request: HttpRequest, kind: str) -> HttpResponse:
    """The XLSX template of a kind this user may import, in the page's language."""
    limits = import_limits_of(request.user)
    language = "en" if is_english() else "zh"
    if kind == WORKBOOK:
        sheets = _workbook_kinds([k for k in kinds_all() if limits is None or limits.allows(k)])
        if not sheets:
            raise Http404
        write: Callable[[Path], None] = partial(template_workbook_write, sheets, language=language)
    else:
        try:
            record_kind = kind_get(kind)
        except InvalidInput:
            raise Http404 from None
        if limits is not None and not limits.allows(record_kind):
            raise Http404
        write = partial(template_write, record_kind, language=language)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "template.xlsx"
        write(path)
        content = path.read_bytes()
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.xlsx"'
    return response


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
        "outcome": outcome(batch),
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


def outcome(batch: ImportBatch) -> str:
    """What became of the file, in words: counts only of what was written (or, in a trial, would be)."""
    counts = {
        "total": batch.rows_total,
        "new": batch.rows_new,
        "changed": batch.rows_changed,
        "unchanged": batch.rows_unchanged,
    }
    if batch.status == BatchStatus.QUEUED:
        return _("已排队，等待后台处理（通常几秒钟内开始）")
    if batch.status == BatchStatus.VALIDATING:
        return _("正在校验，已读 %(rows)s 行") % {"rows": batch.rows_validated}
    if batch.status == BatchStatus.WRITING:
        return _("正在写入，已写 %(done)s / %(total)s 行") % {"done": batch.rows_done, "total": batch.rows_total}
    if batch.status == BatchStatus.DONE and batch.dry_run:
        return (
            _("试运行完成，未写入任何数据：共 %(total)s 行，将新增 %(new)s，修改 %(changed)s，未变 %(unchanged)s")
            % counts
        )
    if batch.status == BatchStatus.DONE:
        return _("导入完成：共 %(total)s 行，新增 %(new)s，修改 %(changed)s，未变 %(unchanged)s") % counts
    if batch.status == BatchStatus.FAILED and batch.rows_done:
        return _("写入中断：已写入 %(done)s 行；再次上传同一文件即从中断处继续") % {"done": batch.rows_done}
    return _("文件未导入，没有写入任何数据：发现 %(errors)s 处错误，请按下面的说明修改后重新上传") % {
        "errors": batch.error_count or len(batch.errors)
    }


def records_loaded(batch: ImportBatch, limit: int = 20) -> tuple[list[dict[str, str]], int]:
    """Links to the records the batch wrote (from the audit events its run wrote), and how many there are."""
    if batch.status != BatchStatus.DONE or batch.dry_run or batch.started_at is None or batch.finished_at is None:
        return [], 0
    slugs = {spec.model._meta.label_lower: slug for slug, spec in SPECS.items()}
    events = AuditEvent.objects.filter(
        at__gte=batch.started_at, at__lte=batch.finished_at, object_type__in=list(slugs)
    ).exclude(object_id="")
    if batch.created_by_id is not None:
        events = events.filter(actor_id=batch.created_by_id)
    # one event per record written (a bulk event names no record: "*") ...
    pairs = list(dict.fromkeys(events.order_by("id").values_list("object_type", "object_id")))
    pairs = [(object_type, object_id) for object_type, object_id in pairs if object_id.isdigit()]
    # ... and the records of the kind's list created while the batch ran (kinds written in bulk)
    spec = next((spec for spec in SPECS.values() if spec.export_kind == batch.kind), None)
    if spec is not None and any(field.name == "created_at" for field in spec.model._meta.get_fields()):
        created = spec.model._default_manager.filter(
            created_at__gte=batch.started_at, created_at__lte=batch.finished_at
        )
        label = spec.model._meta.label_lower
        new = [(label, str(pk)) for pk in created.order_by("pk").values_list("pk", flat=True)[:500]]
        pairs = list(dict.fromkeys(pairs + new))
    links = [
        {"url": f"/app/{slugs[object_type]}/{object_id}/", "label": label}
        for (object_type, object_id), label in zip(pairs[:limit], _labels(pairs[:limit]), strict=True)
    ]
    return links, len(pairs)


def _labels(pairs: list[tuple[str, str]]) -> list[str]:
    """Each record's name as its own list shows it (its __str__), in one query per kind."""
    slugs = {spec.model._meta.label_lower: spec for spec in SPECS.values()}
    names: dict[tuple[str, str], str] = {}
    for object_type in {object_type for object_type, _id in pairs}:
        ids = [object_id for kind, object_id in pairs if kind == object_type]
        for record in slugs[object_type].model._default_manager.filter(pk__in=ids):
            names[(object_type, str(record.pk))] = str(record)
    return [names.get(pair, f"#{pair[1]}") for pair in pairs]


@login_required
def import_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batches_visible(request).filter(pk=pk).first()
    if batch is None:
        raise Http404
    errors = [RowError(**error).text(request.LANGUAGE_CODE or "zh") for error in batch.errors[:200]]
    records, records_count = records_loaded(batch)
    return render(
        request,
        "web/import_detail.html",
        {
            "batch": batch,
            "progress": _progress(batch),
            "errors": errors,
            "kind_name": kind_name(batch.kind),
            "records": records,
            "records_count": records_count,
            "list_url": _list_url(batch.kind),
            "progress_url": reverse("web:import_progress", args=[pk]),
        },
    )


def _list_url(kind: str) -> str:
    """The list the kind's records appear in, if the application has one."""
    for slug, spec in SPECS.items():
        if spec.export_kind == kind or slug == kind:
            return f"/app/{slug}/"
    return ""


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
        info, errors = file_inspect(upload), [RowError(**e) for e in batch.errors]
        if batch.kind == WORKBOOK:
            sheets = [(sheet.name, sheet.kind) for sheet in workbook_plan(info, WORKBOOK) or []]
            errors_workbook_write(info, sheets[0][1], errors, path, sheets=sheets)
        else:
            errors_workbook_write(info, kind_get(batch.kind), errors, path)
        content = path.read_bytes()
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="errors-{batch.pk}.xlsx"'
    return response
