"""The public portal: a program's projects as anyone may see them, with their filters."""

from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from counterpart.core.language import pick
from counterpart.funds.models import DELIVERED_ACCOUNTS
from counterpart.funds.selectors import postings_for
from counterpart.people.models import Benefit
from counterpart.projects.models import Project, ProjectCategory, ProjectStatus
from counterpart.projects.selectors import projects_implemented
from counterpart.registry.models import Program

from .charts import county_names
from .labels import choice_label, figure_text


def public_projects(program: Program, year: int, *, area: str = "", status: str = "", category: str = "") -> Any:
    """The program's projects of a year for the public list, filtered, by code."""
    projects = projects_implemented(Project.objects.filter(program=program, year=year)).select_related("recipient_area")
    if area.isdigit():
        projects = projects.filter(recipient_area__code__startswith=area)
    if status in ProjectStatus.values:
        projects = projects.filter(status=status)
    if category in ProjectCategory.values:
        projects = projects.filter(category=category)
    return projects.order_by("code")


def public_project_filters(program: Program, year: int) -> dict[str, list[tuple[str, str]]]:
    """The values the public list can be filtered by: those its projects have."""
    projects = projects_implemented(Project.objects.filter(program=program, year=year))
    areas = sorted(set(projects.values_list("recipient_area_id", flat=True)))
    names = county_names(areas)
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
        "title": pick(project.title_zh, project.title_en),
        "category": choice_label(project.get_category_display()),
        "area": pick(project.recipient_area.name_zh, project.recipient_area.name_en),
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
        "title": pick(project.title_zh, project.title_en),
        "category": choice_label(project.get_category_display()),
        "status": choice_label(project.get_status_display()),
        "area": " ".join(pick(a.name_zh, a.name_en) for a in [*parents, area]),
        "pairing": (
            f"{pick(pairing.donor_area.name_zh, pairing.donor_area.name_en)} → {pick(area.name_zh, area.name_en)}"
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
