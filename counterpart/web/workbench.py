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

from counterpart.access.policy import Target
from counterpart.access.scoping import scoped
from counterpart.enterprise.models import Enterprise, EnterpriseReport, MarketEvent, ReportStatus, Side
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


def _enterprise_tasks(user: Any) -> list[Task]:
    """Enterprise set-up the program office has left to do: a donor-side enterprise with no operation
    registered in the recipient region, a market event with no enterprise registered at it; each
    links straight to the form that does it."""
    tasks = []
    if can.can(user, "operation_record"):
        enterprises = (
            scoped(Enterprise.objects.select_related("organisation"), user)
            .filter(side=Side.DONOR, operations__isnull=True)
            .prefetch_related("programs")
            .order_by("organisation__name_zh")[:CANDIDATES]
        )
        rows = [
            e
            for e in enterprises
            if any(can.can(user, "operation_record", Target(program=p.pk)) for p in e.programs.all())
        ]
        task = _task(
            _("待登记经营实体的帮扶方企业"),
            rows,
            _list_url("enterprises", side=Side.DONOR),
            lambda e: Link(e.organisation.name_zh, reverse("web:operation_record", args=[e.pk])),
        )
        if task:
            tasks.append(task)
    if can.can(user, "event_participation_record"):
        events = scoped(MarketEvent, user).filter(participations__isnull=True).order_by("-start_date", "pk")
        rows = _mine(
            user,
            "event_participation_record",
            events[:CANDIDATES],
            lambda e: Target(program=e.program_id, area=e.area_id),
        )
        task = _task(
            _("待登记参会企业的产销活动"),
            rows,
            _list_url("events"),
            lambda e: Link(e.title, reverse("web:event_participation_record", args=[e.pk])),
        )
        if task:
            tasks.append(task)
    return tasks


def tasks_for(user: Any) -> list[Task]:
    """Everything waiting for ``user``, most pressing kinds first."""
    return [
        *_assessment_tasks(user),
        *_project_tasks(user),
        *_report_tasks(user),
        *_enterprise_tasks(user),
        *_import_tasks(user),
    ]


def shortcuts_for(user: Any) -> list[Link]:
    """The records a user starts from nothing (no task leads there): registering an enterprise, a job
    placement; an enterprise's own page, with its operations and agreements."""
    links = []
    if can.can(user, "enterprise_register"):
        links.append(Link(str(_("登记企业")), reverse("web:enterprise_register")))
    if can.can(user, "job_placement_record"):
        links.append(Link(str(_("记录转移就业")), reverse("web:job_placement_record")))
    if not user.is_superuser and can.can(user, "enterprise_report_draft"):
        own = scoped(Enterprise.objects.select_related("organisation"), user).order_by("pk")[:SHOWN]
        links += [
            Link(
                str(_("本企业的经营实体与合作协议：%(name)s") % {"name": e.organisation.name_zh}),
                reverse("web:enterprises_detail", args=[e.pk]),
            )
            for e in own
        ]
    return links


def enterprise_reports(user: Any) -> list[EnterpriseReport]:
    """An enterprise's own reports, newest first (its workbench lists them with their status)."""
    if user.is_superuser or not can.can(user, "enterprise_report_draft"):
        return []
    reports = scoped(EnterpriseReport.objects.select_related("enterprise__organisation", "program"), user)
    return list(reports.order_by("-year", "-pk")[:20])
