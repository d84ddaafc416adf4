"""Whose dashboard it is: the view a user is given of a program (the whole program, a recipient area and
below, or the pairings of a donor district), and the links a slice may carry for that reader.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from counterpart.access.scoping import access_scope
from counterpart.core.language import pick
from counterpart.funds.models import LedgerTransaction
from counterpart.registry.models import Area, Pairing, Program
from counterpart.registry.selectors import pairing_with_descendants_ids
from counterpart.reports.annual import Scope
from counterpart.reports.drill import list_url, pairing_filter

# A slice's link: (list name, filters) → URL, or None when the reader may not follow it.
Links = Callable[..., str | None]


def signed_in_links(name: str, **filters: object) -> str | None:
    return list_url(name, **filters)


@dataclass(frozen=True)
class DashboardView:
    """What a dashboard looks at: the report engine's Scope and the recipient areas it covers.

    ``area_codes`` is None for the whole program; otherwise the records placed by area (trainings,
    enterprise reports, exhibitors) are kept to those area prefixes.
    """

    kind: str  # program | area | pairing
    scope: Scope
    area_codes: tuple[str, ...] | None
    label_zh: str
    label_en: str

    @property
    def drill_area(self) -> str | None:
        """The area filter of drill-down links: the one area of the view, if it has exactly one."""
        return self.area_codes[0] if self.area_codes and len(self.area_codes) == 1 else None

    @property
    def drill_pairing(self) -> str | None:
        """The pairing filter of drill-down links: a donor district's pairings (and those below them)."""
        return pairing_filter(self.scope)

    def label(self) -> str:
        return pick(self.label_zh, self.label_en)


def program_view(program: Program) -> DashboardView:
    return DashboardView("program", Scope(), None, program.name_zh, program.name_en or program.name_zh)


def dashboard_view_for(user: Any, program: Program) -> DashboardView | None:
    """The widest view of ``program`` a user's roles give, or None when they give none.

    A program office (or an auditor) sees the whole program; a recipient office its own area and
    below; a donor district office its pairings and the pairings below them. An enterprise sees
    no program dashboard (its own reports are in its lists).
    """
    scope = access_scope(user)
    if scope.everything or program.pk in scope.programs:
        return program_view(program)
    pairings = Pairing.objects.filter(program=program)
    for code in sorted(scope.recipient_areas):
        if pairings.filter(recipient_area__code__startswith=code).exists():
            area = Area.objects.get(pk=code)
            return DashboardView("area", Scope(area_code=code), (code,), area.name_zh, area.name_en or area.name_zh)
    own = list(
        pairings.filter(donor_area_id__in=sorted(scope.donor_areas)).select_related("donor_area", "recipient_area")
    )
    if own:
        ids = sorted({pk for pairing in own for pk in pairing_with_descendants_ids(pairing)})
        named = own[0].pk if len(own) == 1 else None
        recipients = tuple(sorted({p.recipient_area_id for p in own}))
        donor = own[0].donor_area
        return DashboardView(
            "pairing",
            Scope(pairing_ids=tuple(ids), pairing_id=named),
            recipients,
            donor.name_zh,
            donor.name_en or donor.name_zh,
        )
    return None


def program_years(program: Program) -> list[int]:
    """The years a program has projects or ledger entries for, newest first."""
    years = set(program.projects.values_list("year", flat=True).distinct())
    years |= set(LedgerTransaction.objects.filter(program=program).values_list("year", flat=True).distinct())
    return sorted(years, reverse=True)
