"""Where the records behind a figure can be seen: the signed-in lists of the web application.

The lists (/app/projects/, /app/funds/, …) are scoped to the signed-in user and take their filters
as query parameters; this module is the one place that maps a figure, or a slice of a dashboard
chart, to the list and the filters that show its records:

    /app/projects/?program=<slug>&year=<y>&area=<code prefix>&pairing=<ids>&status=<s>&category=<c>
    /app/funds/?program=&year=&area=&pairing=&source=&stage=&figure=<ledger figure key>
    /app/people/?program=&year=&area=&pairing=
    /app/households/?area=
    /app/trainings/?program=&year=&area=&pairing=
    /app/enterprises/?program=
    /app/events/?program=&year=
    /app/indicators/?program=&year=&indicator=<key>

A multi-year figure adds ``year_to``. A figure of a pairing (a report's pairing section, a donor
district's dashboard) adds ``pairing``: the ids of the pairings it sums (the pairing and those below
it), so that its list holds exactly its records whoever opens it. Pairings have no list of their
own: a figure of the registry of pairings links nowhere.
"""

from urllib.parse import urlencode

from counterpart.enterprise.report import PROGRAM_REPORT_KEYS
from counterpart.funds.selectors import LEDGER_FIGURES

from .annual import AnnualReport, Figure, Scope, Source

LISTS = {
    "projects": "/app/projects/",
    "funds": "/app/funds/",
    "people": "/app/people/",
    "households": "/app/households/",
    "trainings": "/app/trainings/",
    "enterprises": "/app/enterprises/",
    "events": "/app/events/",
    "indicators": "/app/indicators/",
}

# The filters each list understands; anything else given to list_url is dropped.
LIST_FILTERS = {
    "projects": ("program", "year", "year_to", "area", "pairing", "status", "category", "figure"),
    "funds": ("program", "year", "year_to", "area", "pairing", "source", "stage", "figure"),
    "people": ("program", "year", "year_to", "area", "pairing"),
    "households": ("area",),
    "trainings": ("program", "year", "year_to", "area", "pairing"),
    "enterprises": ("program",),
    "events": ("program", "year", "year_to"),
    "indicators": ("program", "year", "year_to", "indicator"),
}

# Registry figures, by the list that holds their records.
_REGISTRY_LISTS = {
    "beneficiaries": "people",
    "students_aided": "people",
    "cadres_trained": "trainings",
    "labour_trained": "trainings",
    "labour_transferred": "trainings",
    "training_courses": "trainings",
    "training_person_times": "trainings",
    "cooperation_agreements": "enterprises",
    "agreed_investment": "enterprises",
    "enterprises_engaged": "enterprises",
    "market_events": "events",
    "participating_enterprises": "events",
    "purchases": "events",
}
# the figures the report sums from confirmed enterprise reports open the list of those reports
_ENTERPRISE_REPORT_KEYS = frozenset(PROGRAM_REPORT_KEYS)
_MARKET_KEYS = frozenset({"direct_sales", "order_value"})


def pairing_filter(scope: Scope) -> str | None:
    """The ``?pairing=`` of a scope's drill-down links: its pairings' ids, or None outside a pairing."""
    return ",".join(str(pk) for pk in scope.pairing_ids) if scope.pairing_ids is not None else None


def list_url(name: str, **filters: object) -> str:
    """The URL of one of the web application's lists with the given filters (empty ones left out)."""
    allowed = LIST_FILTERS[name]
    query = {key: value for key, value in filters.items() if key in allowed and value not in (None, "")}
    return f"{LISTS[name]}?{urlencode(query)}" if query else LISTS[name]


def drill_url(report: AnnualReport, figure: Figure) -> str | None:
    """The list of the records a figure was computed from (or of the published entries)."""
    program = report.program
    common: dict[str, object] = {"program": program.slug, "year": report.year, "year_to": report.year_to}
    pairing = pairing_filter(report.scope)
    area = report.scope.area_code
    if figure.source == Source.REPORTED and figure.key in _ENTERPRISE_REPORT_KEYS:
        return list_url("enterprises", **common)
    if figure.source == Source.REPORTED and figure.key in _MARKET_KEYS:
        return list_url("events", **common)
    if figure.source == Source.REPORTED:
        return list_url("indicators", **common, indicator=figure.key)
    if figure.source == Source.LEDGER:
        # ?figure= keeps only the transactions that figure sums, and the list shows their total.
        key = figure.key if figure.key in LEDGER_FIGURES else None
        return list_url("funds", **common, area=area, pairing=pairing, figure=key)
    if figure.source == Source.PROJECTS:
        key = figure.key if figure.key in ("projects", "projects_by_category") else None
        return list_url("projects", **common, area=area, pairing=pairing, figure=key)
    if figure.key in _REGISTRY_LISTS:
        return list_url(_REGISTRY_LISTS[figure.key], **common, area=area, pairing=pairing)
    # Pairings have no list of their own: the report's pairing sections are where they are shown (never the admin).
    return None
