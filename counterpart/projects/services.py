"""Writes for projects: proposal, lifecycle transitions and outputs. Atomic and audited."""

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from counterpart.access.policy import Target, policy_check
from counterpart.core.audit import Actor, audit_record, audit_record_bulk, snapshot
from counterpart.core.bulk import bulk_insert
from counterpart.core.distribution import county_of
from counterpart.core.errors import InvalidInput
from counterpart.registry.models import Area, AreaLevel, Pairing, Program
from counterpart.registry.services import period_lock_check

from .models import (
    DAC_PURPOSE_BY_CATEGORY,
    OUTPUT_UNITS,
    PROJECT_WORKFLOW,
    AttachmentType,
    OutputIndicator,
    Project,
    ProjectAttachment,
    ProjectCategory,
    ProjectOutput,
    ProjectStatus,
    ProjectTransition,
)
from .policy import STEP_VERBS


@dataclass(frozen=True)
class ProjectDraft:
    """A project as proposed, before it is written: what ``project_check`` validates."""

    program: Program
    code: str
    title_zh: str
    category: str
    recipient_area: Area
    year: int
    budget_fen: int
    title_en: str = ""
    description: str = ""
    pairing: Pairing | None = None
    purpose_code: str | None = None
    reported_beneficiaries: int | None = None
    is_illustrative: bool = False


_CATEGORIES = frozenset(ProjectCategory.values)
_PROJECT_PLACE_LEVELS = frozenset({AreaLevel.COUNTY.value, AreaLevel.TOWNSHIP.value, AreaLevel.VILLAGE.value})


def project_check(draft: ProjectDraft) -> None:
    """Refuse a project that may not be proposed, naming the field. Reads nothing from the database."""
    program, recipient_area, pairing = draft.program, draft.recipient_area, draft.pairing
    if not draft.code:
        raise InvalidInput("code", draft.code, _("项目编号不能为空"))
    if len(draft.code) > 40:
        raise InvalidInput("code", draft.code, _("项目编号不能超过40个字符"))
    if not draft.title_zh.strip():
        raise InvalidInput("title_zh", draft.title_zh, _("项目名称不能为空"))
    if draft.category not in _CATEGORIES:
        raise InvalidInput("category", draft.category, _("未知的项目类别"))
    if recipient_area.level not in _PROJECT_PLACE_LEVELS:
        raise InvalidInput("recipient_area", recipient_area.code, _("项目实施地点应为县、乡或村"))
    if pairing is not None:
        if pairing.program_id != program.id:
            raise InvalidInput("pairing", pairing.pk, _("结对关系不属于该协作项目"))
        if not recipient_area.code.startswith(pairing.recipient_area_id):
            raise InvalidInput("recipient_area", recipient_area.code, _("项目地点不在该结对关系的受援地区内"))
    year = draft.year
    if year < program.start_year or (program.end_year is not None and year > program.end_year):
        raise InvalidInput("year", year, _("年份不在协作项目的期限内"))
    budget_fen = draft.budget_fen
    if isinstance(budget_fen, bool) or not isinstance(budget_fen, int) or budget_fen < 0:
        raise InvalidInput("budget", budget_fen, _("预算必须是非负的金额"))
    purpose_code = draft.purpose_code
    if purpose_code is not None and (len(purpose_code) != 5 or not purpose_code.isdigit()):
        raise InvalidInput("purpose_code", purpose_code, _("DAC 用途代码应为5位数字"))
    if draft.reported_beneficiaries is not None and draft.reported_beneficiaries < 0:
        raise InvalidInput("reported_beneficiaries", draft.reported_beneficiaries, _("受益人数不能为负数"))


def project_target(project: Project | ProjectDraft) -> Target:
    """Where a project (or a proposal) lands, for the policy: its program, its place, its pairing's donor."""
    if isinstance(project, ProjectDraft):
        program, area = project.program.pk, project.recipient_area.code
    else:
        program, area = project.program_id, project.recipient_area_id
    pairing = project.pairing
    return Target(program=program, area=area, donor_area=pairing.donor_area_id if pairing is not None else None)


def project_propose(
    *,
    actor: Actor,
    program: Program,
    code: str,
    title_zh: str,
    category: str,
    recipient_area: Area,
    year: int,
    budget_fen: int,
    title_en: str = "",
    description: str = "",
    pairing: Pairing | None = None,
    purpose_code: str | None = None,
    reported_beneficiaries: int | None = None,
    is_illustrative: bool = False,
) -> Project:
    """Record a project proposed for a recipient county or village (status: proposed)."""
    code = (code or "").strip()
    draft = ProjectDraft(
        program=program,
        code=code,
        title_zh=title_zh,
        category=category,
        recipient_area=recipient_area,
        year=year,
        budget_fen=budget_fen,
        title_en=title_en,
        description=description,
        pairing=pairing,
        purpose_code=purpose_code,
        reported_beneficiaries=reported_beneficiaries,
        is_illustrative=is_illustrative,
    )
    project_check(draft)
    policy_check(actor, "project_propose", project_target(draft))
    with transaction.atomic():
        period_lock_check(program, year)
        if Project.objects.filter(program=program, code=code).exists():
            raise InvalidInput("code", code, _("该项目编号已存在"))
        project = Project.objects.create(
            program=program,
            code=code,
            title_zh=title_zh.strip(),
            title_en=title_en.strip(),
            description=description,
            category=category,
            purpose_code=purpose_code or DAC_PURPOSE_BY_CATEGORY[category],
            recipient_area=recipient_area,
            county_code=county_of(recipient_area.code),
            pairing=pairing,
            year=year,
            budget_fen=budget_fen,
            status=ProjectStatus.PROPOSED,
            reported_beneficiaries=reported_beneficiaries,
            is_illustrative=is_illustrative,
        )
        ProjectTransition.objects.create(
            project=project,
            from_status="",
            to_status=ProjectStatus.PROPOSED,
            actor=actor.db_user,
            actor_label=actor.label,
        )
        audit_record(actor, "project.propose", project)
    return project


_PROJECT_COLUMNS = (
    "program_id",
    "code",
    "title_zh",
    "title_en",
    "description",
    "category",
    "purpose_code",
    "recipient_area_id",
    "pairing_id",
    "year",
    "budget_fen",
    "status",
    "reported_beneficiaries",
    "is_illustrative",
)


def projects_propose_bulk(*, actor: Actor, drafts: Sequence[ProjectDraft], reason: str = "") -> int:
    """Propose many projects at once (a spreadsheet of them), all or nothing, with one audit event.

    The same rules as ``project_propose``, checked per draft (under this action's own verb, granted
    as ``project_propose`` is: projects/policy.py); the codes must be new in their
    program (the importer matches existing ones and sends changes to ``project_update``).
    Written with ``core.bulk.bulk_insert`` (COPY on PostgreSQL) with each project's first step.
    """
    if not drafts:
        return 0
    for draft in drafts:
        project_check(draft)
        policy_check(actor, "projects_propose_bulk", project_target(draft))
    with transaction.atomic():
        by_program: dict[int, set[int]] = {}
        for draft in drafts:
            by_program.setdefault(draft.program.pk, set()).add(draft.year)
        for program_id, years in by_program.items():
            period_lock_check(program_id, *years)
            codes = [draft.code for draft in drafts if draft.program.pk == program_id]
            taken = Project.objects.filter(program_id=program_id, code__in=codes).values_list("code", flat=True)[:1]
            if taken:
                raise InvalidInput("code", taken[0], _("该项目编号已存在"))
        ids = bulk_insert(
            Project,
            _PROJECT_COLUMNS,
            [
                (
                    draft.program.pk,
                    draft.code,
                    draft.title_zh.strip(),
                    draft.title_en.strip(),
                    draft.description,
                    draft.category,
                    draft.purpose_code or DAC_PURPOSE_BY_CATEGORY[draft.category],
                    draft.recipient_area.pk,
                    draft.pairing.pk if draft.pairing else None,
                    draft.year,
                    draft.budget_fen,
                    ProjectStatus.PROPOSED.value,
                    draft.reported_beneficiaries,
                    draft.is_illustrative,
                )
                for draft in drafts
            ],
        )
        bulk_insert(
            ProjectTransition,
            ("project_id", "from_status", "to_status", "actor_id", "actor_label", "note"),
            [
                (pk, "", ProjectStatus.PROPOSED.value, actor.db_user.pk if actor.db_user else None, actor.label, "")
                for pk in ids
            ],
        )
        audit_record_bulk(
            actor,
            "project.propose_bulk",
            Project._meta.label_lower,
            after={"count": len(ids), "first_code": drafts[0].code, "last_code": drafts[-1].code},
            reason=reason,
        )
    return len(ids)


# Fields a proposal's author may correct after the fact; the place, year and pairing identify the
# project's context and change only by cancelling and proposing again.
PROJECT_EDITABLE_FIELDS = ("title_zh", "title_en", "description", "category", "budget_fen", "reported_beneficiaries")


def project_update(*, actor: Actor, project: Project, reason: str = "", **changes: object) -> Project:
    """Correct a project's descriptive fields (title, description, category, budget, beneficiaries).

    Refused for other fields and for a year that is locked; unchanged values are no-ops.
    """
    for name in changes:
        if name not in PROJECT_EDITABLE_FIELDS:
            raise InvalidInput(name, changes[name], _("该字段不能通过修改变更"))
    with transaction.atomic():
        project = _locked(project)
        policy_check(actor, "project_update", project_target(project))
        updated = {name: value for name, value in changes.items() if getattr(project, name) != value}
        if not updated:
            return project
        period_lock_check(project.program_id, project.year)
        merged = {name: getattr(project, name) for name in PROJECT_EDITABLE_FIELDS} | updated
        project_check(
            ProjectDraft(
                program=project.program,
                code=project.code,
                title_zh=str(merged["title_zh"]),
                category=str(merged["category"]),
                recipient_area=project.recipient_area,
                year=project.year,
                budget_fen=merged["budget_fen"],
                reported_beneficiaries=merged["reported_beneficiaries"],
            )
        )
        before = snapshot(project)
        for name, value in updated.items():
            setattr(project, name, value)
        if "category" in updated and project.purpose_code == DAC_PURPOSE_BY_CATEGORY.get(str(before["category"])):
            project.purpose_code = DAC_PURPOSE_BY_CATEGORY[project.category]
            updated["purpose_code"] = project.purpose_code
        project.save(update_fields=list(updated))
        audit_record(actor, "project.update", project, before=before, reason=reason)
    return project


def _locked(project: Project) -> Project:
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("pairing")
        .get(pk=project.pk, county_code=project.county_code)
    )


def project_transition(*, actor: Actor, project: Project, to_status: str, note: str = "") -> Project:
    """Move a project one step through its lifecycle, refusing steps that skip or go back.

    Each step is its own verb of the policy (``policy.STEP_VERBS``): the program office approves and
    accepts, so a county cannot approve the project it proposed. Cancelling needs a reason.
    """
    if to_status not in STEP_VERBS:
        raise InvalidInput("status", to_status, _("未知的项目状态"))
    if to_status == ProjectStatus.CANCELLED and not note.strip():
        raise InvalidInput("note", note, _("取消项目必须说明原因"))
    with transaction.atomic():
        project = _locked(project)
        policy_check(actor, STEP_VERBS[to_status], project_target(project))
        period_lock_check(project.program_id, project.year)
        PROJECT_WORKFLOW.transition_check(project.status, to_status)
        before = snapshot(project)
        ProjectTransition.objects.create(
            project=project,
            from_status=project.status,
            to_status=to_status,
            actor=actor.db_user,
            actor_label=actor.label,
            note=note,
        )
        project.status = to_status
        project.save(update_fields=["status"])
        audit_record(actor, f"project.{to_status}", project, before=before, reason=note)
    return project


def project_approve(*, actor: Actor, project: Project, note: str = "") -> Project:
    return project_transition(actor=actor, project=project, to_status=ProjectStatus.APPROVED, note=note)


def project_start(*, actor: Actor, project: Project, note: str = "") -> Project:
    return project_transition(actor=actor, project=project, to_status=ProjectStatus.UNDER_CONSTRUCTION, note=note)


def project_complete(*, actor: Actor, project: Project, note: str = "") -> Project:
    return project_transition(actor=actor, project=project, to_status=ProjectStatus.COMPLETED, note=note)


def project_accept(*, actor: Actor, project: Project, note: str = "") -> Project:
    return project_transition(actor=actor, project=project, to_status=ProjectStatus.ACCEPTED, note=note)


def project_cancel(*, actor: Actor, project: Project, note: str) -> Project:
    return project_transition(actor=actor, project=project, to_status=ProjectStatus.CANCELLED, note=note)


def _quantity(field: str, value: object) -> Decimal:
    if isinstance(value, float):
        value = repr(value)
    try:
        quantity = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput(field, value, _("不是有效的数量")) from None
    if not quantity.is_finite() or quantity < 0:
        raise InvalidInput(field, value, _("数量不能为负数"))
    return quantity


def project_output_set(
    *,
    actor: Actor,
    project: Project,
    indicator: str,
    planned_quantity: object,
    actual_quantity: object | None = None,
) -> ProjectOutput:
    """Set a project's planned (and, once known, actual) output for one indicator."""
    if indicator not in OutputIndicator.values:
        raise InvalidInput("indicator", indicator, _("未知的产出指标"))
    planned = _quantity("planned_quantity", planned_quantity)
    actual = None if actual_quantity is None else _quantity("actual_quantity", actual_quantity)
    with transaction.atomic():
        project = _locked(project)
        policy_check(actor, "project_output_set", project_target(project))
        period_lock_check(project.program_id, project.year)
        output, created = ProjectOutput.objects.get_or_create(
            project=project,
            indicator=indicator,
            defaults={
                "unit": OUTPUT_UNITS[indicator],
                "planned_quantity": planned,
                "actual_quantity": actual,
            },
        )
        before = None if created else snapshot(output)
        if not created:
            output.planned_quantity, output.actual_quantity = planned, actual
            output.save(update_fields=["planned_quantity", "actual_quantity"])
        audit_record(actor, "project.output_set", output, before=before)
    return output


# --- evidence attachments ---------------------------------------------------------------------

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


def attachment_type_sniff(head: bytes) -> str | None:
    """The real type of a file from its first bytes (magic numbers), or None when not accepted."""
    if head.startswith(b"\xff\xd8\xff"):
        return AttachmentType.JPEG.value
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return AttachmentType.PNG.value
    if head.startswith(b"%PDF-"):
        return AttachmentType.PDF.value
    return None


def attachments_directory() -> Path:
    return Path(settings.DATA_DIR) / "attachments"


def project_attachment_add(
    *, actor: Actor, project: Project, file_name: str, content: bytes, caption: str = ""
) -> ProjectAttachment:
    """Keep a photo (JPEG, PNG) or PDF as evidence for a project, checked by its bytes and size.

    The bytes are written under the data directory with a random name; the record and its audit
    event are written in one transaction, and the file is removed again if that fails.
    """
    if not content:
        raise InvalidInput("file", file_name, _("文件为空"))
    if len(content) > ATTACHMENT_MAX_BYTES:
        raise InvalidInput(
            "file",
            file_name,
            _("文件过大：%(size)s 字节，上限 %(limit)s 字节") % {"size": len(content), "limit": ATTACHMENT_MAX_BYTES},
        )
    content_type = attachment_type_sniff(content[:16])
    if content_type is None:
        raise InvalidInput("file", file_name, _("只接受 JPEG、PNG 照片或 PDF 文件（按文件内容判断）"))
    policy_check(actor, "project_attachment_add", project_target(project))
    if project.status == ProjectStatus.CANCELLED:
        raise InvalidInput("project", project.code, _("已取消的项目不能上传材料"))
    directory = attachments_directory()
    directory.mkdir(parents=True, exist_ok=True)
    stored_name = f"{uuid.uuid4().hex}{_EXTENSIONS[content_type]}"
    path = directory / stored_name
    path.write_bytes(content)
    try:
        with transaction.atomic():
            attachment = ProjectAttachment.objects.create(
                project=project,
                file_name=Path(file_name).name[:255] or stored_name,
                stored_name=stored_name,
                content_type=content_type,
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                caption=caption.strip()[:200],
                uploaded_by=actor.db_user,
                uploaded_by_label=actor.label,
            )
            audit_record(actor, "project.attachment_add", attachment)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return attachment


_EXTENSIONS = {AttachmentType.JPEG.value: ".jpg", AttachmentType.PNG.value: ".png", AttachmentType.PDF.value: ".pdf"}


def project_attachment_path(attachment: ProjectAttachment) -> Path:
    return attachments_directory() / attachment.stored_name
