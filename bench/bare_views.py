"""A bare Django endpoint for bench/api_bench.py only, mounted by bench/urls.py under bench/settings.py.

It answers what ``GET /api/projects?program=…&limit=50`` answers, written by hand: the program, the
page and the count in three plain queries, no authentication, scoping, validation or schema — the
floor the API's overhead is measured against. The count is capped as the API's is (``core.paging``):
counted in full, a synthetic program's 100,000 projects made the floor slower than the API at S = 0.1.
"""

from django.http import HttpRequest, JsonResponse

from counterpart.core.paging import count_capped
from counterpart.projects.models import Project
from counterpart.registry.models import Program

FIELDS = ("id", "program__slug", "code", "title_zh", "title_en", "description", "category", "purpose_code",
          "recipient_area_id", "pairing_id", "year", "budget_fen", "status", "reported_beneficiaries",
          "is_illustrative", "created_at")  # fmt: skip


def bare_projects(request: HttpRequest) -> JsonResponse:
    # The program by its id, as the API's scope filters it: joined by slug, PostgreSQL walked the
    # primary key through a synthetic program's 100,000 projects first (bare 2.7× slower than the API).
    program_id = Program.objects.filter(slug=request.GET.get("program", "")).values_list("id", flat=True).first()
    queryset = Project.objects.filter(program_id=program_id or 0).order_by("id")
    items = list(queryset.values(*FIELDS)[:50])
    count, more = count_capped(queryset)
    return JsonResponse({"items": items, "count": count, "more": more})
