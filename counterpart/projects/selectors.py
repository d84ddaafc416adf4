"""Reads for projects: counts by category and status, output totals."""

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from counterpart.registry.models import Program

from .models import Project, ProjectOutput, ProjectStatus


def projects_of_year(program: Program, year: int, year_to: int | None = None) -> QuerySet[Project]:
    """Projects of a program's year (range), cancelled ones left out."""
    return program.projects.filter(year__gte=year, year__lte=year_to or year).exclude(status=ProjectStatus.CANCELLED)


def projects_count_by(program: Program, year: int, field: str, year_to: int | None = None) -> dict[str, int]:
    rows = projects_of_year(program, year, year_to).values(field).annotate(n=Count("id")).order_by(field)
    return {row[field]: row["n"] for row in rows}


def project_outputs_total(program: Program, year: int, year_to: int | None = None) -> dict[str, Decimal]:
    """Sum of each output over the year's projects: actual where reported, else nothing.

    Planned quantities are not outputs: a road not yet built is not a km of road.
    """
    rows = (
        ProjectOutput.objects.filter(project__in=projects_of_year(program, year, year_to))
        .filter(Q(actual_quantity__isnull=False))
        .values("indicator")
        .annotate(total=Coalesce(Sum("actual_quantity"), Decimal(0)))
        .order_by("indicator")
    )
    return {row["indicator"]: row["total"] for row in rows}
