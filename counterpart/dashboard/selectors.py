"""The dashboard of a program and year: headline figures, charts and the map, as aggregated queries.

Every number is computed in SQL over one program, one year and one *view*: the whole program (a
program office, an auditor, the public portal), a recipient area and below (a prefecture or county
office) or the pairings of a donor district. The headline figures are the report engine's
(``report_annual`` with the view's ``Scope``), so the dashboard and the annual report never
disagree; the charts break the same records down further. Nothing here returns a person.

The output is plain JSON-ready data: labels in the active language, amounts in yuan, and for each
slice the URL of the list holding its records (``links``: the signed-in lists, or the public
portal's project list, or none).
"""

from decimal import Decimal
from typing import Any

from counterpart.core.language import pick
from counterpart.indicators.models import Indicator
from counterpart.registry.models import Program
from counterpart.reports.annual import Figure, report_annual
from counterpart.reports.drill import drill_url
from counterpart.reports.page import HEADLINE_KEYS

from .charts import CHARTS, beneficiaries_by_county, county_beneficiaries, county_figures
from .labels import figure_text
from .scopes import DashboardView, Links, signed_in_links
from .townships import township_figures

# ---------------------------------------------------------------------------------------------- headline


def dashboard_headline(program: Program, year: int, view: DashboardView, links: Links) -> list[dict[str, Any]]:
    """The report engine's headline figures for the view, each with the link to its records."""
    report = report_annual(program, year, scope=view.scope)
    names = {i.key: (i.name_zh, i.name_en) for i in Indicator.objects.filter(key__in=HEADLINE_KEYS)}
    items = []
    for key in HEADLINE_KEYS:
        figure: Figure | None = report.figures.get(key)
        if figure is None:
            continue
        name_zh, name_en = names.get(key, (key, key))
        url = drill_url(report, figure) if links is signed_in_links else None
        if links is not signed_in_links and figure.source == "projects":
            url = links("projects", program=program.slug, year=year)
        items.append(
            {
                "key": key,
                "name": pick(name_zh, name_en),
                "value": float(figure.value) if isinstance(figure.value, Decimal) else figure.value,
                "unit": figure.unit,
                "qualifier": figure.qualifier,
                "source": figure.source,
                "text": figure_text(figure.value, figure.unit, figure.qualifier),
                # A published figure keeps the records' own count beside it (5万余人 published, 2040人 entered).
                "records_text": figure_text(figure.records.value, figure.unit) if figure.records is not None else "",
                "url": url,
            }
        )
    return items


def dashboard_data(
    program: Program, year: int, view: DashboardView, links: Links, *, headline: bool = True
) -> dict[str, Any]:
    """Everything the dashboard shows, as one JSON document. The page renders the headline
    figures itself and asks without them (``headline=False``), saving a second report run."""
    data: dict[str, Any] = {"program": program.slug, "year": year, "view": {"kind": view.kind, "label": view.label()}}
    if headline:
        data["headline"] = dashboard_headline(program, year, view, links)
    people = county_beneficiaries(program, year, view)
    data["charts"] = [
        beneficiaries_by_county(program, year, view, links, counts=people)
        if chart is beneficiaries_by_county
        else chart(program, year, view, links)
        for chart in CHARTS
    ]
    data["map"] = county_figures(program, year, view, links, people=people)
    # A county office's townships beside its map (no township boundaries exist to draw: townships.py).
    data["townships"] = township_figures(program, year, view, links)
    return data
