"""Reads for village advancement: which villages count as advanced, and in which year."""

from collections.abc import Sequence

from django.db.models import Count, Max, Q, QuerySet

from counterpart.registry.models import Program

from .models import ComponentStatus, VillageAdvancement, VillageComponent, VillageComponentKind


def villages_advanced_of(program: Program, year: int, year_to: int | None = None) -> QuerySet[VillageAdvancement]:
    """Villages whose five components are all complete, the last one completed in the year (range)."""
    return (
        VillageAdvancement.objects.filter(program=program)
        .annotate(
            complete=Count("components", filter=Q(components__status=ComponentStatus.COMPLETE)),
            finished=Max("components__completed_on"),
        )
        .filter(
            complete=len(VillageComponentKind.values),
            finished__year__gte=year,
            finished__year__lte=year_to or year,
        )
    )


def village_advanced_in(components: Sequence[VillageComponent]) -> int | None:
    """The year a village counts as advanced: the year its last component completed, once all five are
    complete (as ``villages_advanced_of`` counts it); None before."""
    if len(components) < len(VillageComponentKind.values):
        return None
    dates = [c.completed_on for c in components if c.status == ComponentStatus.COMPLETE and c.completed_on]
    return max(dates).year if len(dates) == len(components) else None


def villages_advanced(program: Program, year: int, year_to: int | None = None) -> int:
    return villages_advanced_of(program, year, year_to).count()
