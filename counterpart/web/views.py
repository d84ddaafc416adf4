"""Public pages: the program list and annual figures (aggregates only, never personal data)."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from counterpart.registry.models import Program
from counterpart.reports.annual import report_annual
from counterpart.reports.text import LABELS, QUALIFIER_ZH, SOURCE_ZH


def home(request: HttpRequest) -> HttpResponse:
    programs = Program.objects.select_related("donor_area").order_by("slug")
    return render(request, "web/home.html", {"programs": programs})


def program_report(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    program = get_object_or_404(Program, slug=slug)
    report = report_annual(program, year)
    rows = [
        {
            "key": key,
            "label_zh": LABELS.get(key, (key, key))[0],
            "label_en": LABELS.get(key, (key, key))[1],
            "qualifier": QUALIFIER_ZH.get(figure.qualifier, ""),
            "figure": figure,
            "source_zh": SOURCE_ZH.get(figure.source, figure.source),
        }
        for key, figure in sorted(report.figures.items())
    ]
    return render(request, "web/report.html", {"program": program, "year": year, "rows": rows})


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
