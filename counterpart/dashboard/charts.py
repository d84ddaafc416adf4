"""The dashboard charts and the map figures of one program, year and view, each slice with the link
to its records: read from the summaries wherever they key the view (summaries.py), else aggregated
queries over the domain models.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext

from counterpart.core.language import pick
from counterpart.enterprise.models import EventParticipation
from counterpart.enterprise.selectors import confirmed_reports, market_events_of_year
from counterpart.funds.models import DELIVERED_ACCOUNTS, FundSource
from counterpart.funds.selectors import postings_for
from counterpart.people.models import Benefit, Training, TrainingKind, TrainingParticipant
from counterpart.people.selectors import benefits_of
from counterpart.projects.models import Project, ProjectCategory, ProjectStatus
from counterpart.projects.selectors import projects_implemented
from counterpart.registry.models import Area, PairingLevel, Program
from counterpart.registry.selectors import pairings_active_in_year

from . import summaries
from .labels import choice_label, yuan
from .scopes import DashboardView, Links, signed_in_links
from .townships import county_of_view, prefecture_counties


def _chart(
    key: str,
    title: str,
    unit: str,
    kind: str,
    categories: Sequence[tuple[str, str]],
    series: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    """One chart: categories (key, label) along one axis and one or more series of values over them,
    each value with the URL of its records. The page draws it and writes it out as a table."""
    return {
        "key": key,
        "title": title,
        "unit": unit,
        "kind": kind,
        "categories": [{"key": k, "name": name} for k, name in categories],
        "series": list(series),
    }


def _area_q(lookup: str, codes: Iterable[str]) -> Q:
    condition = Q(pk__in=[])
    for code in codes:
        condition |= Q(**{f"{lookup}__startswith": code})
    return condition


def _delivered(program: Program, year_from: int, year: int, view: DashboardView) -> QuerySet[Any]:
    return postings_for(
        program,
        accounts=list(DELIVERED_ACCOUNTS),
        year=year_from,
        year_to=year,
        area_code=view.scope.area_code,
        pairing_ids=view.scope.pairing_ids,
    )


def _projects(program: Program, year: int, view: DashboardView) -> QuerySet[Project]:
    projects = Project.objects.filter(program=program, year=year)
    if view.scope.area_code is not None:
        projects = projects.filter(recipient_area__code__startswith=view.scope.area_code)
    if view.scope.pairing_ids is not None:
        projects = projects.filter(pairing_id__in=list(view.scope.pairing_ids))
    return projects


def _benefits(program: Program, year: int, view: DashboardView) -> QuerySet[Benefit]:
    return benefits_of(program, year, area_code=view.scope.area_code, pairing_ids=view.scope.pairing_ids)


def funds_by_source_and_year(
    program: Program, year: int, view: DashboardView, links: Links, *, years: int = 5
) -> dict[str, Any]:
    """Support delivered (cash disbursed and goods in kind), by source, over the last ``years`` years."""
    first = max(program.start_year, year - years + 1)
    rows = summaries.delivered_by_year_and_source(program, first, year, view)
    if rows is None:
        rows = (
            _delivered(program, first, year, view)
            .values_list("transaction__year", "transaction__source")
            .annotate(total=Sum("amount_fen"))
            .order_by()
        )
    totals: dict[tuple[int, str], int] = defaultdict(int)
    for row_year, source, fen in rows:
        totals[(row_year, source)] += fen or 0
    year_list = [y for y in range(first, year + 1) if any(totals.get((y, s)) for s in FundSource.values)]
    sources = [s for s in FundSource if any(totals.get((y, s.value)) for y in year_list)]
    series = [
        {
            "key": source.value,
            "name": choice_label(source.label),
            "values": [yuan(totals.get((y, source.value), 0)) for y in year_list],
            "urls": [
                # figure=total_support: the delivered amounts the bar sums, so the list's total is the bar's
                links(
                    "funds",
                    program=program.slug,
                    year=y,
                    area=view.drill_area,
                    pairing=view.drill_pairing,
                    source=source.value,
                    figure="total_support",
                )
                for y in year_list
            ],
        }
        for source in sources
    ]
    return _chart(
        "funds_by_source_year",
        gettext("帮扶资金和物资（按来源、年度）"),
        "yuan",
        "stack",
        [(str(y), str(y)) for y in year_list],
        series,
    )


def _projects_urls(
    program: Program, year: int, view: DashboardView, links: Links, field: str, choices: Sequence[Any]
) -> list[str | None]:
    """The links of a chart of projects by ``field``: the view's project list filtered to each choice."""
    drill = {"program": program.slug, "year": year, "area": view.drill_area, "pairing": view.drill_pairing}
    return [links("projects", **drill, **{field: choice.value}) for choice in choices]


def funds_by_category(program: Program, year: int, view: DashboardView, links: Links) -> dict[str, Any]:
    """Support delivered to projects in the year, by project category."""
    summarised = summaries.delivered_by_category(program, year, view)
    if summarised is None:
        summarised = dict(
            _delivered(program, year, year, view)
            .filter(transaction__project__isnull=False)
            .values_list("transaction__project__category")
            .annotate(total=Sum("amount_fen"))
            .order_by()
        )
    totals = {category: fen for category, fen in summarised.items() if fen}
    categories = [c for c in ProjectCategory if c.value in totals]
    return _chart(
        "funds_by_category",
        gettext("项目资金（按类别）"),
        "yuan",
        "pie",
        [(c.value, choice_label(c.label)) for c in categories],
        [
            {
                "key": "funds",
                "name": gettext("资金"),
                "values": [yuan(totals[c.value]) for c in categories],
                "urls": _projects_urls(program, year, view, links, "category", categories),
            }
        ],
    )


def projects_by_status(program: Program, year: int, view: DashboardView, links: Links) -> dict[str, Any]:
    projects = _projects(program, year, view)
    if links is not signed_in_links:  # the public sees implemented projects only, never a proposal
        projects = projects_implemented(projects)
    counts = dict(projects.values_list("status").annotate(n=Count("id")).order_by())
    statuses = [s for s in ProjectStatus if counts.get(s.value)]
    return _chart(
        "projects_by_status",
        gettext("项目（按状态）"),
        "count",
        "bar",
        [(s.value, choice_label(s.label)) for s in statuses],
        [
            {
                "key": "projects",
                "name": gettext("项目数"),
                "values": [counts[s.value] for s in statuses],
                "urls": _projects_urls(program, year, view, links, "status", statuses),
            }
        ],
    )


def county_names(codes: Iterable[str]) -> dict[str, str]:
    return {area.code: pick(area.name_zh, area.name_en) for area in Area.objects.filter(code__in=list(codes))}


def beneficiaries_by_county(
    program: Program, year: int, view: DashboardView, links: Links, *, counts: dict[str, int] | None = None
) -> dict[str, Any]:
    """Unique persons reached in the year, by county (a person counts once per county).

    ``counts`` is _county_beneficiaries' result when the caller already has it (the map uses the
    same numbers, and at national scale the COUNT(DISTINCT) is the dashboard's costliest query)."""
    counts = counts if counts is not None else county_beneficiaries(program, year, view)
    names = county_names(counts)
    codes = sorted(counts)
    return _chart(
        "beneficiaries_by_county",
        gettext("受益贫困人口（按县）"),
        "persons",
        "bar",
        [(code, names.get(code, code)) for code in codes],
        [
            {
                "key": "beneficiaries",
                "name": gettext("受益人数"),
                "values": [counts[code] for code in codes],
                "urls": [
                    links("people", program=program.slug, year=year, area=code, pairing=view.drill_pairing)
                    for code in codes
                ],
            }
        ],
    )


def _trainings(program: Program, year: int, view: DashboardView) -> QuerySet[Training]:
    trainings = Training.objects.filter(program=program, year=year)
    if view.area_codes is not None:
        trainings = trainings.filter(
            _area_q("place__code", view.area_codes) | Q(pairing_id__in=list(view.scope.pairing_ids or ()))
        )
    return trainings


def trainings_by_kind(program: Program, year: int, view: DashboardView, links: Links) -> dict[str, Any]:
    """Courses and person-times by kind of training: registered participants, or the reported count
    of a course that has no list (never both for one course)."""
    trainings = _trainings(program, year, view)
    courses = dict(trainings.values_list("kind").annotate(n=Count("id")).order_by())
    registered = dict(
        TrainingParticipant.objects.filter(training__in=trainings)
        .values_list("training__kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    reported = dict(
        trainings.filter(participants__isnull=True, reported_participants__isnull=False)
        .values_list("kind")
        .annotate(n=Sum("reported_participants"))
        .order_by()
    )
    kinds = [k for k in TrainingKind if courses.get(k.value)]
    url = [links("trainings", program=program.slug, year=year, area=view.drill_area) for _k in kinds]
    return _chart(
        "trainings_by_kind",
        gettext("培训（按类别）"),
        "person-times",
        "bar",
        [(k.value, choice_label(k.label)) for k in kinds],
        [
            {
                "key": "person_times",
                "name": gettext("培训人次"),
                # Person-times and courses differ by two orders of magnitude: each series has its unit
                # and the page draws each on an axis of its own.
                "unit": "person-times",
                "values": [registered.get(k.value, 0) + (reported.get(k.value) or 0) for k in kinds],
                "urls": url,
            },
            {
                "key": "courses",
                "name": gettext("培训班"),
                "unit": "courses",
                "values": [courses[k.value] for k in kinds],
                "urls": url,
            },
        ],
    )


def enterprise_jobs(program: Program, year: int, view: DashboardView, links: Links) -> dict[str, Any]:
    """Jobs created and people helped into jobs, by enterprise, from confirmed reports of the year."""
    reports = confirmed_reports(program, year)
    if view.area_codes is not None:
        reports = reports.filter(_area_q("area__code", view.area_codes))
    grouped = (
        reports.values_list("enterprise__organisation__name_zh", "enterprise__organisation__name_en")
        .annotate(jobs=Sum("jobs_created"), helped=Sum("people_helped_into_jobs"))
        .order_by("enterprise__organisation__name_zh")
    )
    rows = [row for row in grouped if row[2] or row[3]]
    url = links("enterprises", program=program.slug)
    return _chart(
        "enterprise_jobs",
        gettext("企业带动就业"),
        "persons",
        "bar",
        [(name_zh, pick(name_zh, name_en)) for name_zh, name_en, _j, _h in rows],
        [
            {
                "key": "jobs_created",
                "name": gettext("直接就业"),
                "values": [jobs or 0 for _zh, _en, jobs, _h in rows],
                "urls": [url] * len(rows),
            },
            {
                "key": "people_helped_into_jobs",
                "name": gettext("带动就业"),
                "values": [helped or 0 for _zh, _en, _j, helped in rows],
                "urls": [url] * len(rows),
            },
        ],
    )


def market_sales(program: Program, year: int, view: DashboardView, links: Links) -> dict[str, Any]:
    """Direct sales and orders of the year's market events: the published totals program-wide; an
    area's view counts only what its own enterprises reported selling there."""
    events = list(market_events_of_year(program, year).order_by("start_date", "id"))
    sales: dict[int, tuple[int, int]] = {}
    if view.area_codes is None:
        own = dict(
            (event_id, (direct or 0, orders or 0))
            for event_id, direct, orders in EventParticipation.objects.filter(event__in=events)
            .values_list("event_id")
            .annotate(direct=Sum("direct_sales_fen"), orders=Sum("order_value_fen"))
            .order_by()
        )
        for event in events:
            direct = event.direct_sales_fen if event.direct_sales_fen is not None else own.get(event.pk, (0, 0))[0]
            orders = event.order_value_fen if event.order_value_fen is not None else own.get(event.pk, (0, 0))[1]
            sales[event.pk] = (direct, orders)
    else:
        rows = (
            EventParticipation.objects.filter(event__in=events)
            .filter(_area_q("enterprise__organisation__area__code", view.area_codes))
            .values_list("event_id")
            .annotate(direct=Sum("direct_sales_fen"), orders=Sum("order_value_fen"))
            .order_by()
        )
        sales = {event_id: (direct or 0, orders or 0) for event_id, direct, orders in rows}
    shown = [event for event in events if any(sales.get(event.pk, (0, 0)))]
    url = links("events", program=program.slug, year=year)
    return _chart(
        "market_sales",
        gettext("消费帮扶：展销活动销售额"),
        "yuan",
        "bar",
        [(str(event.pk), event.title) for event in shown],
        [
            {
                "key": "direct_sales",
                "name": gettext("现场销售额"),
                "values": [yuan(sales[event.pk][0]) for event in shown],
                "urls": [url] * len(shown),
            },
            {
                "key": "order_value",
                "name": gettext("签订订单额"),
                "values": [yuan(sales[event.pk][1]) for event in shown],
                "urls": [url] * len(shown),
            },
        ],
    )


# ---------------------------------------------------------------------------------------------- map


def _county_funds_fen(program: Program, year: int, view: DashboardView) -> dict[str, int]:
    summarised = summaries.delivered_by_county(program, year, view)
    if summarised is not None:
        return summarised
    funds: dict[str, int] = defaultdict(int)
    rows = (
        _delivered(program, year, year, view)
        .values_list("transaction__recipient_area_id")
        .annotate(total=Sum("amount_fen"))
        .order_by()
    )
    for area_code, fen in rows:
        if area_code and len(area_code) >= 6:
            funds[area_code[:6]] += fen or 0
    return dict(funds)


def county_beneficiaries(program: Program, year: int, view: DashboardView) -> dict[str, int]:
    """Unique persons reached in the year per county: from the summaries, or for a view finer than a
    county, a COUNT(DISTINCT) over its benefits."""
    summarised = summaries.county_persons(program, year, view)
    if summarised is not None:
        return summarised
    return dict(
        _benefits(program, year, view)
        .values_list("county_code")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
    )


def _paired_counties(program: Program, year: int, view: DashboardView) -> set[str]:
    pairings = pairings_active_in_year(program, year).filter(level=PairingLevel.DISTRICT_COUNTY)
    if view.scope.area_code is not None:
        pairings = pairings.filter(recipient_area__code__startswith=view.scope.area_code)
    if view.scope.pairing_ids is not None:
        pairings = pairings.filter(id__in=list(view.scope.pairing_ids))
    return set(pairings.values_list("recipient_area_id", flat=True))


def map_counties(program: Program, year: int, view: DashboardView) -> list[str]:
    """The recipient counties the map shows: those twinned in the year within the view, and any
    county holding the view's funds or beneficiaries of the year; a county office's map also has
    the other counties of its prefecture, for orientation (townships.py)."""
    codes = _paired_counties(program, year, view)
    county = county_of_view(view)
    if county is not None:
        codes |= set(prefecture_counties(county, year))
    codes |= set(_county_funds_fen(program, year, view))
    codes |= set(county_beneficiaries(program, year, view))
    return sorted(codes)


def county_figures(
    program: Program, year: int, view: DashboardView, links: Links, *, people: dict[str, int] | None = None
) -> dict[str, Any]:
    """Funds delivered (yuan) and unique beneficiaries per recipient county: what the map colours.

    The counties are those of map_counties, found here from the same two grouped queries."""
    funds = _county_funds_fen(program, year, view)
    people = people if people is not None else county_beneficiaries(program, year, view)
    codes = sorted(_paired_counties(program, year, view) | set(funds) | set(people))
    county = county_of_view(view)
    # A county office's map: the prefecture's other counties, grey, without figures (not its records).
    context = [code for code in prefecture_counties(county, year) if code not in codes] if county else []
    names = county_names(codes + context)
    return {
        "counties": [
            {
                "code": code,
                "name": names.get(code, code),
                "funds": yuan(funds.get(code, 0)),
                "beneficiaries": people.get(code, 0),
                "url": links("projects", program=program.slug, year=year, area=code, pairing=view.drill_pairing),
                "own": code == county,
            }
            for code in codes
        ]
        + [{"code": code, "name": names.get(code, code), "url": None, "context": True} for code in context],
        "measures": [
            {"key": "funds", "name": gettext("帮扶资金（元）"), "unit": "yuan"},
            {"key": "beneficiaries", "name": gettext("受益人数"), "unit": "persons"},
        ],
    }


CHARTS = (
    funds_by_source_and_year,
    funds_by_category,
    projects_by_status,
    beneficiaries_by_county,
    trainings_by_kind,
    enterprise_jobs,
    market_sales,
)
