"""What waits for the signed-in user: each task is a record at a step the one policy lets this user
take (``can``), among the records they may see (``scoped``) — so a task never leads to a refusal —
with a link one click away: the record itself when there is one, else its list filtered to them.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from counterpart.access.scoping import scoped
from counterpart.enterprise.models import EnterpriseReport, ReportStatus
from counterpart.indicators.models import Assessment, AssessmentStatus
from counterpart.intake.models import BatchStatus, ImportBatch
from counterpart.projects.models import Project, ProjectStatus
from counterpart.registry.models import Pairing

from . import can

# How many candidate records a task looks at: the workbench shows what waits, not a whole list.
CANDIDATES = 200
SHOWN = 5


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass
class Task:
    title: str | Promise
    count: int
    url: str  # the list of them (or the one record)
    records: list[Link] = field(default_factory=list)


def _mine(user: Any, verb: str, rows: Iterable[Any], target_of: Any) -> list[Any]:
    if not can.can(user, verb):
        return []
    return [row for row in rows if can.can(user, verb, target_of(row))]


def _list_url(slug: str, **params: str) -> str:
    url = reverse(f"web:{slug}_list")
    return f"{url}?{urlencode(params)}" if params else url


def _task(title: str | Promise, rows: list[Any], list_url: str, link: Any) -> Task | None:
    if not rows:
        return None
    records = [link(row) for row in rows[:SHOWN]]
    url = records[0].url if len(rows) == 1 else list_url
    return Task(title=title, count=len(rows), url=url, records=records)


def _project_link(project: Project) -> Link:
    return Link(f"{project.code} {project.title_zh}", reverse("web:projects_detail", args=[project.pk]))


def _report_link(report: EnterpriseReport) -> Link:
    name = report.enterprise.organisation.name_zh
    return Link(f"{name} {report.year}", reverse("web:enterprise-reports_detail", args=[report.pk]))


# The project's steps a user may have waiting: (status it waits in, verb that moves it, what it says).
PROJECT_STEPS: tuple[tuple[str, str, str | Promise], ...] = (
    (ProjectStatus.PROPOSED, "project_approve", _("待审批的项目申报")),
    (ProjectStatus.APPROVED, "project_start", _("已批准、待开工的项目")),
    (ProjectStatus.COMPLETED, "project_accept", _("已完工、待验收的项目")),
)

# The assessment's steps: who acts in each status (the donor side, the recipient side, the office).
ASSESSMENT_STEPS: tuple[tuple[str, str, str | Promise], ...] = (
    (AssessmentStatus.OPEN, "assessment_self_assess", _("待帮扶方自评的考核")),
    (AssessmentStatus.SELF_ASSESSED, "assessment_confirm_figures", _("待您确认数据的考核")),
    (AssessmentStatus.COMMENTED, "assessment_submit", _("待报送的考核")),
    (AssessmentStatus.SUBMITTED, "assessment_cross_check", _("待交叉核查的考核")),
    (AssessmentStatus.CROSS_CHECKED, "assessment_finalise", _("待定稿的考核")),
)


def _project_tasks(user: Any) -> list[Task]:
    tasks = []
    projects = scoped(Project.objects.select_related("pairing"), user)
    for status, verb, title in PROJECT_STEPS:
        candidates: QuerySet[Project] = projects.filter(status=status).order_by("year", "code")[:CANDIDATES]
        rows = _mine(user, verb, candidates, can.project_target)
        task = _task(title, rows, _list_url("projects", status=status), _project_link)
        if task:
            tasks.append(task)
    return tasks


def _report_tasks(user: Any) -> list[Task]:
    tasks = []
    reports = scoped(EnterpriseReport.objects.select_related("enterprise__organisation"), user).order_by("year", "pk")
    submitted = reports.filter(status=ReportStatus.SUBMITTED)[:CANDIDATES]
    rows = _mine(user, "enterprise_report_confirm", submitted, can.enterprise_report_target)
    task = _task(
        _("待确认的企业年度报告"),
        rows,
        _list_url("enterprise-reports", status=ReportStatus.SUBMITTED),
        _report_link,
    )
    if task:
        tasks.append(task)
    open_reports = reports.filter(status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED])[:CANDIDATES]
    rows = _mine(user, "enterprise_report_update", open_reports, can.enterprise_report_target)
    task = _task(_("待修改并提交的企业年度报告（草稿或被退回）"), rows, _list_url("enterprise-reports"), _report_link)
    if task:
        tasks.append(task)
    return tasks


def _assessment_url(assessment: Assessment) -> str:
    return reverse("web:assessment_detail", args=[assessment.pk])


def _assessment_tasks(user: Any) -> list[Task]:
    tasks = []
    pairings = scoped(Pairing, user).values("pk")
    assessments = Assessment.objects.filter(pairing__in=pairings).select_related("pairing", "program")
    for status, verb, title in ASSESSMENT_STEPS:
        candidates = assessments.filter(status=status).order_by("year", "pk")[:CANDIDATES]
        rows = _mine(user, verb, candidates, can.assessment_target)
        if not rows:
            continue
        links = [Link(f"{row.pairing} {row.year}", _assessment_url(row)) for row in rows[:SHOWN]]
        url = links[0].url if len(rows) == 1 else reverse("web:assessment_list")
        tasks.append(Task(title=title, count=len(rows), url=url, records=links))
    return tasks


def _import_tasks(user: Any) -> list[Task]:
    mine = ImportBatch.objects.filter(created_by_label=user.get_username()).order_by("-pk")
    tasks = []
    steps = (
        ([BatchStatus.QUEUED, BatchStatus.VALIDATING, BatchStatus.WRITING], _("正在进行的导入")),
        ([BatchStatus.INVALID, BatchStatus.FAILED], _("未完成的导入（数据有误或写入中断）")),
    )
    for statuses, title in steps:
        rows = list(mine.filter(status__in=statuses)[:CANDIDATES])
        task = _task(
            title,
            rows,
            reverse("web:imports"),
            lambda batch: Link(batch.file_name, reverse("web:import_detail", args=[batch.pk])),
        )
        if task:
            tasks.append(task)
    return tasks


def tasks_for(user: Any) -> list[Task]:
    """Everything waiting for ``user``, most pressing kinds first."""
    return [*_assessment_tasks(user), *_project_tasks(user), *_report_tasks(user), *_import_tasks(user)]


def enterprise_reports(user: Any) -> list[EnterpriseReport]:
    """An enterprise's own reports, newest first (its workbench lists them with their status)."""
    if user.is_superuser or not can.can(user, "enterprise_report_draft"):
        return []
    reports = scoped(EnterpriseReport.objects.select_related("enterprise__organisation", "program"), user)
    return list(reports.order_by("-year", "-pk")[:20])
