"""Where the records behind a figure can be seen: a filtered list in the admin.

The web issue replaces these with scoped pages; the mapping from figure to records stays here.
"""

from urllib.parse import urlencode

from django.urls import reverse

from .annual import AnnualReport, Figure, Source

_LEDGER_SOURCES = {
    "fiscal_aid": "fiscal",
    "fiscal_aid_by_level": "fiscal",
}


def drill_url(report: AnnualReport, figure: Figure) -> str | None:
    """The admin list of the records a figure was computed from (or the published entries)."""
    program = report.program
    years = {"year__gte": report.year, "year__lte": report.last_year}
    scope: dict[str, object] = {}
    if report.scope.area_code:
        scope["recipient_area__code__startswith"] = report.scope.area_code
    if figure.source == Source.REPORTED:
        query: dict[str, object] = {"program__id__exact": program.pk, "indicator_key": figure.key}
        return f"{reverse('admin:indicators_reportedvalue_changelist')}?{urlencode(query)}"
    if figure.source == Source.LEDGER:
        query = {"program__id__exact": program.pk, **years, **scope}
        return f"{reverse('admin:funds_ledgertransaction_changelist')}?{urlencode(query)}"
    if figure.source == Source.PROJECTS:
        query = {"program__id__exact": program.pk, **years, **scope}
        return f"{reverse('admin:projects_project_changelist')}?{urlencode(query)}"
    if figure.key == "district_county_pairs":
        query = {"program__id__exact": program.pk, "level__exact": "district_county"}
        return f"{reverse('admin:registry_pairing_changelist')}?{urlencode(query)}"
    return None
