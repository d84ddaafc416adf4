"""The dashboard of a program and year (signed in, scoped) and the public transparency portal.

Both draw the same selector output (selectors.dashboard_data): the dashboard for the user's view
of the program with links to the signed-in lists, the portal for the whole program with links
only to its own project pages. The portal shows aggregates and projects, never a person.
"""

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from counterpart.access.scoping import scoped_get_or_404
from counterpart.core import numbers
from counterpart.core.language import is_english, pick
from counterpart.projects.selectors import projects_implemented
from counterpart.registry.models import Program

from . import charts, portal, scopes, selectors
from .boundaries import boundary_source, county_boundaries
from .scopes import DashboardView

MIN_YEAR, MAX_YEAR = 1980, 2100


def _year_or_404(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404
    return year


def _json(data: Any, *, private: bool) -> JsonResponse:
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})
    response["Cache-Control"] = "private, max-age=60" if private else "public, max-age=300"
    return response


def _labels() -> dict[str, Any]:
    """The words the page's script writes (chart tables, units), in the active language."""
    return {
        "table": _("数据表"),
        "noData": _("本年度无数据"),
        "county": _("县（区）"),
        "funds": _("帮扶资金（元）"),
        "beneficiaries": _("受益人数"),
        "open": _("点击查看明细记录"),
        "loadFailed": _("图表数据载入失败。"),
        "contextNote": _("灰色为同一市（州）的其他县（区），仅示位置；本县（区）以红色边框标出。"),
        "townshipNote": _("乡镇（街道）没有公开的边界数据，各乡镇的数字以图表列出。"),
        "unit_yuan": _("元"),
        "unit_persons": _("人"),
        "unit_count": _("个"),
        "unit_person-times": _("人次"),
        # The units after a number, as core/numbers.py writes them in this language (元/yuan, 人次/person-times).
        "units": numbers.UNITS_EN if is_english() else numbers.UNITS_ZH,
    }


def _credit() -> tuple[str, str]:
    source = boundary_source()
    return source.credit_zh, source.credit_en


# ------------------------------------------------------------------------------------------- dashboard


def _program_and_view(request: HttpRequest, slug: str) -> tuple[Program, DashboardView]:
    """The program (404 outside the user's scope) and the user's view of it."""
    program = scoped_get_or_404(Program, request.user, slug=slug)
    view = scopes.dashboard_view_for(request.user, program)
    if view is None:
        raise Http404
    return program, view


@login_required
@require_GET
def dashboard_latest(request: HttpRequest, slug: str) -> HttpResponse:
    program, _view = _program_and_view(request, slug)
    years = scopes.program_years(program)
    return redirect("dashboard:dashboard", slug=program.slug, year=years[0] if years else program.start_year)


@login_required
@require_GET
def dashboard(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    _year_or_404(year)
    program, view = _program_and_view(request, slug)
    credit_zh, credit_en = _credit()
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "program": program,
            "year": year,
            "years": scopes.program_years(program),
            "view": view,
            "headline": selectors.dashboard_headline(program, year, view, scopes.signed_in_links),
            "data_url": reverse("dashboard:dashboard_data", args=[program.slug, year]),
            "map_url": reverse("dashboard:dashboard_map", args=[program.slug, year]),
            "year_url_name": "dashboard:dashboard",
            "credit": pick(credit_zh, credit_en),
            "public": False,
            "labels": _labels(),
        },
    )


@login_required
@require_GET
def dashboard_data(request: HttpRequest, slug: str, year: int) -> JsonResponse:
    _year_or_404(year)
    program, view = _program_and_view(request, slug)
    headline = request.GET.get("headline") != "0"
    data = selectors.dashboard_data(program, year, view, scopes.signed_in_links, headline=headline)
    return _json(data, private=True)


@login_required
@require_GET
def dashboard_map(request: HttpRequest, slug: str, year: int) -> JsonResponse:
    _year_or_404(year)
    program, view = _program_and_view(request, slug)
    return _json(county_boundaries(charts.map_counties(program, year, view)), private=True)


# ------------------------------------------------------------------------------------------- portal


def public_links(name: str, **filters: object) -> str | None:
    """The portal links only to its own project list; every other list holds records it never shows."""
    if name != "projects":
        return None
    base = reverse("dashboard:portal_projects", args=[filters["program"], filters["year"]])
    query = {key: filters[key] for key in ("area", "status", "category") if filters.get(key)}
    return f"{base}?{urlencode(query)}" if query else base


@require_GET
def portal_home(request: HttpRequest) -> HttpResponse:
    """The public start page: every program, its years, and its annual reports."""
    programs = [
        {"program": program, "years": scopes.program_years(program)}
        for program in Program.objects.select_related("donor_area").order_by("slug")
    ]
    return render(request, "dashboard/portal_home.html", {"programs": programs})


@require_GET
def portal_program_latest(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_object_or_404(Program, slug=slug)
    years = scopes.program_years(program)
    return redirect("dashboard:portal_program", slug=program.slug, year=years[0] if years else program.start_year)


@require_GET
def portal_program(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    _year_or_404(year)
    program = get_object_or_404(Program, slug=slug)
    view = scopes.program_view(program)
    credit_zh, credit_en = _credit()
    return render(
        request,
        "dashboard/portal_program.html",
        {
            "program": program,
            "year": year,
            "years": scopes.program_years(program),
            "view": view,
            "headline": selectors.dashboard_headline(program, year, view, public_links),
            "data_url": reverse("dashboard:portal_data", args=[program.slug, year]),
            "map_url": reverse("dashboard:portal_map", args=[program.slug, year]),
            "year_url_name": "dashboard:portal_program",
            "credit": pick(credit_zh, credit_en),
            "public": True,
            "labels": _labels(),
        },
    )


@require_GET
def portal_data(request: HttpRequest, slug: str, year: int) -> JsonResponse:
    _year_or_404(year)
    program = get_object_or_404(Program, slug=slug)
    view = scopes.program_view(program)
    headline = request.GET.get("headline") != "0"
    return _json(selectors.dashboard_data(program, year, view, public_links, headline=headline), private=False)


@require_GET
def portal_map(request: HttpRequest, slug: str, year: int) -> JsonResponse:
    _year_or_404(year)
    program = get_object_or_404(Program, slug=slug)
    return _json(county_boundaries(charts.map_counties(program, year, scopes.program_view(program))), private=False)


@require_GET
def portal_projects(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    _year_or_404(year)
    program = get_object_or_404(Program, slug=slug)
    filters = {key: request.GET.get(key, "").strip() for key in ("area", "status", "category")}
    projects = portal.public_projects(program, year, **filters)
    page = Paginator(projects, 50).get_page(request.GET.get("page"))
    query = urlencode({key: value for key, value in filters.items() if value})
    return render(
        request,
        "dashboard/portal_projects.html",
        {
            "program": program,
            "year": year,
            "page": page,
            "rows": [portal.public_project_row(project) for project in page.object_list],
            "filters": filters,
            "query": query,
            "choices": portal.public_project_filters(program, year),
        },
    )


@require_GET
def portal_project(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    program = get_object_or_404(Program, slug=slug)
    # A proposal is not public: only approved projects (and further) reach the portal.
    project = get_object_or_404(
        projects_implemented(program.projects.select_related("recipient_area", "pairing__donor_area")), code=code
    )
    return render(
        request, "dashboard/portal_project.html", {"program": program, "detail": portal.public_project(project)}
    )
