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

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import get_language, gettext

from counterpart.access.scoping import access_scope
from counterpart.enterprise.models import EventParticipation
from counterpart.enterprise.selectors import confirmed_reports, market_events_of_year
from counterpart.funds.models import DELIVERED_ACCOUNTS, FundSource, LedgerTransaction
from counterpart.funds.selectors import postings_for
from counterpart.indicators.models import Indicator
from counterpart.people.models import Benefit, Training, TrainingKind, TrainingParticipant
from counterpart.projects.models import Project, ProjectCategory, ProjectStatus
from counterpart.registry.models import Area, Pairing, PairingLevel, Program
from counterpart.registry.selectors import pairing_with_descendants_ids, pairings_active_in_year
from counterpart.reports.annual import Figure, Scope, report_annual
from counterpart.reports.drill import drill_url, list_url
from counterpart.reports.narrative import qualify_en, qualify_zh

# The headline figures, in the order the yearbook entry gives them.
HEADLINE_KEYS = (
    "total_support",
    "fiscal_aid",
    "social_donation_in_kind",
    "projects",
    "beneficiaries",
    "cadres_trained",
    "labour_trained",
    "labour_transferred",
    "jobs_created",
    "direct_sales",
    "order_value",
)

# A slice's link: (list name, filters) → URL, or None when the reader may not follow it.
Links = Callable[..., str | None]


def signed_in_links(name: str, **filters: object) -> str | None:
    return list_url(name, **filters)


def no_links(name: str, **filters: object) -> str | None:
    return None


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

    def label(self) -> str:
        return _pick(self.label_zh, self.label_en)


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


# ---------------------------------------------------------------------------------------------- labels


def _pick(zh: str, en: str) -> str:
    return en if (get_language() or "zh-hans").startswith("en") and en else zh


def choice_label(label: str) -> str:
    """The active language's half of a bilingual choice label ("已批准 approved")."""
    zh, _space, en = str(label).partition(" ")
    return _pick(zh, en)


def _yuan(fen: int | None) -> float:
    return float((Decimal(fen or 0) / 100).quantize(Decimal("0.01")))


def _trim(number: Decimal) -> str:
    text = f"{number.quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


UNITS_ZH = {
    "persons": "人",
    "count": "个",
    "villages": "个村",
    "pairs": "对",
    "person-times": "人次",
    "km": "公里",
    "mu": "亩",
    "heads": "头（只）",
    "households": "户",
    "pieces": "件",
}


def figure_text(value: Decimal | int | float, unit: str, qualifier: str = "") -> str:
    """A figure as the yearbooks write it: 1640万元 / 16.40 million yuan, 5万余人 / more than 50,000 persons."""
    amount = Decimal(str(value))
    english = (get_language() or "zh-hans").startswith("en")
    if english:
        if unit == "yuan" and amount >= 1_000_000:
            text = f"{amount / 1_000_000:,.2f} million yuan"
        elif unit == "yuan":
            text = f"{amount:,.2f} yuan"
        else:
            number = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount.normalize():,f}"
            text = f"{number} {unit}" if unit != "count" else number
        return qualify_en(text, qualifier)
    if unit == "yuan":
        if amount >= 100_000_000:
            number = f"{_trim(amount / 100_000_000)}亿"
        elif amount >= 10_000:
            number = f"{_trim(amount / 10_000)}万"
        else:
            number = _trim(amount)
        return qualify_zh(number, qualifier) + "元"
    number = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount.normalize():,f}"
    return qualify_zh(number, qualifier) + UNITS_ZH.get(unit, unit)


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
                "name": _pick(name_zh, name_en),
                "value": float(figure.value) if isinstance(figure.value, Decimal) else figure.value,
                "unit": figure.unit,
                "qualifier": figure.qualifier,
                "source": figure.source,
                "text": figure_text(figure.value, figure.unit, figure.qualifier),
                "url": url,
            }
        )
    return items


# ---------------------------------------------------------------------------------------------- charts


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
    benefits = Benefit.objects.filter(program=program, year=year)
    if view.scope.area_code is not None:
        benefits = benefits.filter(county_code__startswith=view.scope.area_code[:6])
        if len(view.scope.area_code) > 6:
            benefits = benefits.filter(area_code__startswith=view.scope.area_code)
    if view.scope.pairing_ids is not None:
        benefits = benefits.filter(pairing_id__in=list(view.scope.pairing_ids))
    return benefits


def funds_by_source_and_year(
    program: Program, year: int, view: DashboardView, links: Links, *, years: int = 5
) -> dict[str, Any]:
    """Support delivered (cash disbursed and goods in kind), by source, over the last ``years`` years."""
    first = max(program.start_year, year - years + 1)
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
            "values": [_yuan(totals.get((y, source.value), 0)) for y in year_list],
            "urls": [
                links("funds", program=program.slug, year=y, area=view.drill_area, source=source.value)
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


def funds_by_category(program: Program, year: int, view: DashboardView, links: Links) -> dict[str, Any]:
    """Support delivered to projects in the year, by project category."""
    rows = (
        _delivered(program, year, year, view)
        .filter(transaction__project__isnull=False)
        .values_list("transaction__project__category")
        .annotate(total=Sum("amount_fen"))
        .order_by()
    )
    totals = {category: fen for category, fen in rows if fen}
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
                "values": [_yuan(totals[c.value]) for c in categories],
                "urls": [
                    links("projects", program=program.slug, year=year, area=view.drill_area, category=c.value)
                    for c in categories
                ],
            }
        ],
    )


def projects_by_status(program: Program, year: int, view: DashboardView, links: Links) -> dict[str, Any]:
    counts = dict(_projects(program, year, view).values_list("status").annotate(n=Count("id")).order_by())
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
                "urls": [
                    links("projects", program=program.slug, year=year, area=view.drill_area, status=s.value)
                    for s in statuses
                ],
            }
        ],
    )


def _county_names(codes: Iterable[str]) -> dict[str, str]:
    return {area.code: _pick(area.name_zh, area.name_en) for area in Area.objects.filter(code__in=list(codes))}


def beneficiaries_by_county(
    program: Program, year: int, view: DashboardView, links: Links, *, counts: dict[str, int] | None = None
) -> dict[str, Any]:
    """Unique persons reached in the year, by county (a person counts once per county).

    ``counts`` is _county_beneficiaries' result when the caller already has it (the map uses the
    same numbers, and at national scale the COUNT(DISTINCT) is the dashboard's costliest query)."""
    counts = counts if counts is not None else _county_beneficiaries(program, year, view)
    names = _county_names(counts)
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
                "urls": [links("people", program=program.slug, year=year, area=code) for code in codes],
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
                "values": [registered.get(k.value, 0) + (reported.get(k.value) or 0) for k in kinds],
                "urls": url,
            },
            {
                "key": "courses",
                "name": gettext("培训班"),
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
        [(name_zh, _pick(name_zh, name_en)) for name_zh, name_en, _j, _h in rows],
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
                "values": [_yuan(sales[event.pk][0]) for event in shown],
                "urls": [url] * len(shown),
            },
            {
                "key": "order_value",
                "name": gettext("签订订单额"),
                "values": [_yuan(sales[event.pk][1]) for event in shown],
                "urls": [url] * len(shown),
            },
        ],
    )


# ---------------------------------------------------------------------------------------------- map


def _county_funds_fen(program: Program, year: int, view: DashboardView) -> dict[str, int]:
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


def _county_beneficiaries(program: Program, year: int, view: DashboardView) -> dict[str, int]:
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
    county holding the view's funds or beneficiaries of the year."""
    codes = _paired_counties(program, year, view)
    funded = _delivered(program, year, year, view).values_list("transaction__recipient_area_id", flat=True).distinct()
    codes |= {code[:6] for code in funded if code and len(code) >= 6}
    codes |= set(_benefits(program, year, view).values_list("county_code", flat=True).distinct())
    return sorted(codes)


def county_figures(
    program: Program, year: int, view: DashboardView, links: Links, *, people: dict[str, int] | None = None
) -> dict[str, Any]:
    """Funds delivered (yuan) and unique beneficiaries per recipient county: what the map colours.

    The counties are those of map_counties, found here from the same two grouped queries."""
    funds = _county_funds_fen(program, year, view)
    people = people if people is not None else _county_beneficiaries(program, year, view)
    codes = sorted(_paired_counties(program, year, view) | set(funds) | set(people))
    names = _county_names(codes)
    return {
        "counties": [
            {
                "code": code,
                "name": names.get(code, code),
                "funds": _yuan(funds.get(code, 0)),
                "beneficiaries": people.get(code, 0),
                "url": links("projects", program=program.slug, year=year, area=code),
            }
            for code in codes
        ],
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


def dashboard_data(
    program: Program, year: int, view: DashboardView, links: Links, *, headline: bool = True
) -> dict[str, Any]:
    """Everything the dashboard shows, as one JSON document. The page renders the headline
    figures itself and asks without them (``headline=False``), saving a second report run."""
    data: dict[str, Any] = {"program": program.slug, "year": year, "view": {"kind": view.kind, "label": view.label()}}
    if headline:
        data["headline"] = dashboard_headline(program, year, view, links)
    people = _county_beneficiaries(program, year, view)
    data["charts"] = [
        beneficiaries_by_county(program, year, view, links, counts=people)
        if chart is beneficiaries_by_county
        else chart(program, year, view, links)
        for chart in CHARTS
    ]
    data["map"] = county_figures(program, year, view, links, people=people)
    return data


# ---------------------------------------------------------------------------------------------- portal


def public_projects(program: Program, year: int, *, area: str = "", status: str = "", category: str = "") -> Any:
    """The program's projects of a year for the public list, filtered, by code."""
    projects = Project.objects.filter(program=program, year=year).select_related("recipient_area")
    if area.isdigit():
        projects = projects.filter(recipient_area__code__startswith=area)
    if status in ProjectStatus.values:
        projects = projects.filter(status=status)
    if category in ProjectCategory.values:
        projects = projects.filter(category=category)
    return projects.order_by("code")


def public_project_filters(program: Program, year: int) -> dict[str, list[tuple[str, str]]]:
    """The values the public list can be filtered by: those its projects have."""
    projects = Project.objects.filter(program=program, year=year)
    areas = sorted(set(projects.values_list("recipient_area_id", flat=True)))
    names = _county_names(areas)
    statuses = set(projects.values_list("status", flat=True))
    categories = set(projects.values_list("category", flat=True))
    return {
        "area": [(code, names.get(code, code)) for code in areas],
        "status": [(s.value, choice_label(s.label)) for s in ProjectStatus if s.value in statuses],
        "category": [(c.value, choice_label(c.label)) for c in ProjectCategory if c.value in categories],
    }


def public_project_row(project: Project) -> dict[str, Any]:
    return {
        "code": project.code,
        "title": _pick(project.title_zh, project.title_en),
        "category": choice_label(project.get_category_display()),
        "area": _pick(project.recipient_area.name_zh, project.recipient_area.name_en),
        "status": choice_label(project.get_status_display()),
        "budget": figure_text(Decimal(project.budget_fen) / 100, "yuan"),
        "is_illustrative": project.is_illustrative,
    }


def public_project(project: Project) -> dict[str, Any]:
    """What the public sees of one project: what, where, how much, what it built, how many it
    reached — counts only, never who."""
    delivered = (
        postings_for(project.program, accounts=list(DELIVERED_ACCOUNTS))
        .filter(transaction__project=project)
        .aggregate(total=Sum("amount_fen"))["total"]
        or 0
    )
    reached = Benefit.objects.filter(project=project).aggregate(n=Count("person_id", distinct=True))["n"] or 0
    area = project.recipient_area
    parents = [a for a in (area.parent.parent if area.parent else None, area.parent) if a is not None]
    pairing = project.pairing
    outputs = [
        {
            "name": choice_label(output.get_indicator_display()),
            "unit": output.unit,
            "planned": output.planned_quantity,
            "actual": output.actual_quantity,
        }
        for output in project.outputs.all()
    ]
    history = [
        {"status": choice_label(t.get_to_status_display()), "at": t.at}
        for t in project.transitions.order_by("at", "id")
    ]
    return {
        "project": project,
        "title": _pick(project.title_zh, project.title_en),
        "category": choice_label(project.get_category_display()),
        "status": choice_label(project.get_status_display()),
        "area": " ".join(_pick(a.name_zh, a.name_en) for a in [*parents, area]),
        "pairing": (
            f"{_pick(pairing.donor_area.name_zh, pairing.donor_area.name_en)} → {_pick(area.name_zh, area.name_en)}"
            if pairing is not None
            else ""
        ),
        "budget": figure_text(Decimal(project.budget_fen) / 100, "yuan"),
        "delivered": figure_text(Decimal(delivered) / 100, "yuan"),
        "beneficiaries": reached,
        "reported_beneficiaries": project.reported_beneficiaries,
        "outputs": outputs,
        "history": history,
    }
