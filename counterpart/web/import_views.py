"""Spreadsheet imports in the signed-in application: upload (queued for the worker), a batch's page and
its progress, and the workbook of its errors. The import itself runs in counterpart.intake.
"""

import tempfile
import uuid
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
from counterpart.intake.at_rest import upload_opened, upload_seal
from counterpart.intake.exporters import errors_workbook_write
from counterpart.intake.kinds import kind_get, kinds_all
from counterpart.intake.limits import import_limits_of
from counterpart.intake.models import BatchStatus, ImportBatch
from counterpart.intake.readers import file_inspect
from counterpart.intake.tasks import batch_queue
from counterpart.intake.validation import FileRejected, RowError

from . import can, forms
from .forms import form_error_from

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
                form.add_error("file", f"{message} (“file” = {upload.name!r})")
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
                    form.add_error("file", f"{rejected.message_zh} / {rejected.message_en} (“file” = {upload.name!r})")
                except InvalidInput as error:
                    path.unlink(missing_ok=True)
                    form_error_from(form, error)
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
