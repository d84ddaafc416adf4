"""Reads for projects: counts by category and status, output totals."""

from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from counterpart.core.distribution import COUNTY_CODE_LENGTH, county_filter
from counterpart.registry.models import Program

from .models import Project, ProjectOutput, ProjectStatus

# The statuses of a project that counts as implemented (实施项目): approved, or further. A proposal
# is the office's to decide on; it shows to the office as a proposal, never in a figure or on the portal.
IMPLEMENTED_STATUSES = frozenset(
    {ProjectStatus.APPROVED, ProjectStatus.UNDER_CONSTRUCTION, ProjectStatus.COMPLETED, ProjectStatus.ACCEPTED}
)


def projects_implemented(projects: QuerySet[Project]) -> QuerySet[Project]:
    return projects.filter(status__in=list(IMPLEMENTED_STATUSES))


def projects_of_year(
    program: Program,
    year: int,
    year_to: int | None = None,
    *,
    area_code: str | None = None,
    pairing_ids: Sequence[int] | None = None,
) -> QuerySet[Project]:
    """Implemented projects of a program's year (range) — approved or further; proposals and cancelled
    ones left out —, optionally within an area or pairings."""
    projects = projects_implemented(program.projects.filter(year__gte=year, year__lte=year_to or year))
    if area_code is not None:
        projects = projects.filter(county_filter("county_code", area_code))
        if len(area_code) > COUNTY_CODE_LENGTH:
            projects = projects.filter(recipient_area__code__startswith=area_code)
    if pairing_ids is not None:
        projects = projects.filter(pairing_id__in=list(pairing_ids))
    return projects


def projects_count_by(
    program: Program,
    year: int,
    field: str,
    year_to: int | None = None,
    *,
    area_code: str | None = None,
    pairing_ids: Sequence[int] | None = None,
) -> dict[str, int]:
    projects = projects_of_year(program, year, year_to, area_code=area_code, pairing_ids=pairing_ids)
    # COUNT(*), not COUNT(id): the id is not in the (program, year, category, status) index, and counting it
    # sent the report's count to the table instead of an index-only scan.
    rows = projects.values(field).annotate(n=Count("*")).order_by(field)
    return {row[field]: row["n"] for row in rows}


def project_outputs_total(
    program: Program,
    year: int,
    year_to: int | None = None,
    *,
    area_code: str | None = None,
    pairing_ids: Sequence[int] | None = None,
) -> dict[str, Decimal]:
    """Sum of each output over the year's projects: actual where reported, else nothing.

    Planned quantities are not outputs: a road not yet built is not a km of road.
    """
    rows = (
        ProjectOutput.objects.filter(
            project__in=projects_of_year(program, year, year_to, area_code=area_code, pairing_ids=pairing_ids)
        )
        .filter(Q(actual_quantity__isnull=False))
        .values("indicator")
        .annotate(total=Coalesce(Sum("actual_quantity"), Decimal(0)))
        .order_by("indicator")
    )
    return {row["indicator"]: row["total"] for row in rows}


def project_history(project: Project) -> list[dict]:
    """A project's transitions and audit events, oldest first, for its page."""
    from counterpart.core.models import AuditEvent

    from .models import ProjectAttachment

    attachment_ids = [str(pk) for pk in ProjectAttachment.objects.filter(project=project).values_list("pk", flat=True)]
    events = AuditEvent.objects.filter(
        Q(object_type="projects.project", object_id=str(project.pk))
        | Q(object_type="projects.projectattachment", object_id__in=attachment_ids)
    ).order_by("at", "id")
    return [
        {"at": event.at, "who": event.actor_label or "system", "action": event.action, "reason": event.reason}
        for event in events
    ]
