"""A bare Django endpoint for bench/api_bench.py only (mounted when COUNTERPART_BENCH_BARE_ENDPOINT=1).

It answers what ``GET /api/projects?program=…&limit=50`` answers, written by hand: one query, no
authentication, scoping, validation or schema — the floor the API's overhead is measured against.
"""

from django.http import HttpRequest, JsonResponse

from counterpart.projects.models import Project

FIELDS = ("id", "program__slug", "code", "title_zh", "title_en", "description", "category", "purpose_code",
          "recipient_area_id", "pairing_id", "year", "budget_fen", "status", "reported_beneficiaries",
          "is_illustrative", "created_at")  # fmt: skip


def bare_projects(request: HttpRequest) -> JsonResponse:
    queryset = Project.objects.filter(program__slug=request.GET.get("program", "")).order_by("id")
    items = list(queryset.values(*FIELDS)[:50])
    return JsonResponse({"items": items, "count": queryset.count()})
