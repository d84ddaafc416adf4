"""Reads for areas, programs and pairings."""

import datetime

from django.db.models import Q, QuerySet

from .models import Pairing, Program


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
