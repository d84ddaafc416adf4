"""Reads for areas, programs and pairings."""

import datetime

from django.db.models import Q, QuerySet

from .models import Area, Pairing, Program


def pairings_active_in_year(program: Program, year: int) -> QuerySet[Pairing]:
    """Pairings in force on at least one day of ``year``."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return program.pairings.filter(valid_from__lte=last).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first))


def pairing_with_descendants_ids(pairing: Pairing) -> list[int]:
    """A pairing and every pairing below it (city ↔ city, then its district ↔ county pairings …)."""
    ids, frontier = [pairing.pk], [pairing.pk]
    while frontier:
        frontier = list(Pairing.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        ids.extend(frontier)
    return ids


def program_members(program: Program) -> QuerySet[Program]:
    """The programs a grouping program groups (the national overview's provinces, a donor's twinnings)."""
    return Program.objects.filter(group=program).order_by("slug")


def program_donor_areas(program: Program) -> list[Area]:
    """Every donor area of a program, its first donor first."""
    return [program.donor_area, *program.other_donor_areas.order_by("code")]


def area_in_force(area: Area, year: int) -> Area:
    """The division a figure of ``year`` belongs to: the area itself, or, from the year it was abolished
    (recoded, merged, renamed), its successor — so a 2012 report follows a county recoded in 2011."""
    seen = {area.code}
    while area.abolished_year is not None and area.abolished_year <= year and area.successor_id is not None:
        if area.successor_id in seen:
            break
        seen.add(area.successor_id)
        area = area.successor  # type: ignore[assignment]
    return area
