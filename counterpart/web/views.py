"""Public pages: the program list and annual figures (aggregates only, never personal data)."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from counterpart.access.scoping import access_scope, scoped
from counterpart.core.routers import reads_from_replica
from counterpart.dashboard.scopes import dashboard_view_for
from counterpart.registry.models import Program
from counterpart.reports.book import (
    Section,
    report_book,
    report_outline,
    report_page_book,
    report_program_section,
    report_section,
)
from counterpart.reports.page import page_section, report_page_context
from counterpart.reports.pdf import report_pdf
from counterpart.reports.xlsx import report_xlsx

from . import can
from .workbench import enterprise_reports, shortcuts_for, tasks_for


def home(request: HttpRequest) -> HttpResponse:
    programs = Program.objects.select_related("donor_area").order_by("slug")
    return render(request, "web/home.html", {"programs": programs})


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """Where a signed-in user starts: what waits for them (web/workbench.py), an enterprise's own
    reports and its next step, and the programs their roles reach."""
    # The programs whose dashboard this user has a view of (an enterprise has none: its reports are its own).
    programs = [
        program
        for program in scoped(Program, request.user).select_related("donor_area").order_by("slug")
        if dashboard_view_for(request.user, program) is not None
    ]
    reports = enterprise_reports(request.user)
    context = {
        "programs": programs,
        "scope_is_empty": access_scope(request.user).is_empty,
        "tasks": tasks_for(request.user),
        "shortcuts": shortcuts_for(request.user),
        "enterprise_reports": reports,
        # The enterprise's next step: correct what was returned (or finish a draft), else report anew.
        "report_to_correct": next((r for r in reports if can.report_correctable(request.user, r)), None),
        "may_report": can.can(request.user, "enterprise_report_draft") and not request.user.is_superuser,
    }
    return render(request, "web/workbench.html", context)


@reads_from_replica
def program_report(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    """The annual report page, and its downloads (?format=xlsx|pdf|json; ?to=Y2 for several years)."""
    program = get_object_or_404(Program, slug=slug)
    year_to = _int_or_none(request.GET.get("to"))
    kind = request.GET.get("format", "html")
    if kind == "html" and request.GET.get("section"):
        return _report_section(request, program, year, year_to, request.GET["section"])
    # The page computes the program-wide section only; each area and pairing when it is opened.
    book = report_page_book(program, year, year_to) if kind == "html" else report_book(program, year, year_to)
    name = f"report-{program.slug}-{book.years_label}"
    if kind == "xlsx":
        response = HttpResponse(
            report_xlsx(book), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    if kind == "pdf":
        response = HttpResponse(report_pdf(book), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    if kind == "json":
        return JsonResponse(book.as_json(), json_dumps_params={"ensure_ascii": False})
    return render(request, "reports/report.html", report_page_context(book, signed_in=request.user.is_authenticated))


def _report_section(
    request: HttpRequest, program: Program, year: int, year_to: int | None, anchor: str
) -> HttpResponse:
    """A section, computed when the reader opens it (the page's script asks): the program's table,
    its warnings, or an area's or a pairing's section."""
    signed_in = request.user.is_authenticated
    template = "reports/_section.html"
    section: Section | None
    if anchor in ("program", "warnings"):
        section = report_program_section(program, year, year_to)
        template = "reports/_section.html" if anchor == "program" else "reports/_warnings.html"
    else:
        ref = report_outline(program, year, year_to).find(anchor)
        if ref is None:
            raise Http404
        section = report_section(program, year, year_to, ref)
    context = {"section": page_section(section, signed_in=signed_in) if section else None, "template": template}
    if request.headers.get("X-Requested-With") == "fetch":
        return render(request, template, context)
    # Without the script, the link opens the section as a page of its own.
    return render(request, "reports/section_page.html", {**context, "program": program, "year": year})


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
