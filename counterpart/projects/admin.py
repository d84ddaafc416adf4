from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from counterpart.core.admin import DomainAdmin, ReadOnlyAdmin, ReadOnlyInline
from counterpart.core.audit import Actor
from counterpart.core.money import format_yuan

from . import services
from .models import Project, ProjectOutput, ProjectStatus, ProjectTransition
from .village_admin import VillageAdvancementAdmin  # noqa: F401 (registers the village advancement admin)


class ProjectOutputInline(ReadOnlyInline):
    model = ProjectOutput
    fields = ["indicator", "unit", "planned_quantity", "actual_quantity"]
    readonly_fields = ["indicator", "unit", "planned_quantity", "actual_quantity"]


class ProjectTransitionInline(ReadOnlyInline):
    model = ProjectTransition
    fields = ["at", "from_status", "to_status", "actor_label", "note"]
    readonly_fields = ["at", "from_status", "to_status", "actor_label", "note"]


def _transition_action(to_status: str, label: str) -> Any:
    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Project]) -> None:
        actor = Actor.of(request.user)
        moved, refused = 0, []
        for project in queryset:
            try:
                services.project_transition(actor=actor, project=project, to_status=to_status)
                moved += 1
            except ValidationError as error:
                refused.append(f"{project.code}: {'; '.join(error.messages)}")
        if moved:
            modeladmin.message_user(request, f"{moved} → {label}", messages.SUCCESS)
        for message in refused:
            modeladmin.message_user(request, message, messages.ERROR)

    action.__name__ = f"transition_to_{to_status}"
    return admin.action(description=label)(action)


@admin.register(Project)
class ProjectAdmin(DomainAdmin):
    audit_entity = "project"
    update_action = staticmethod(services.project_update)
    update_fields = services.PROJECT_EDITABLE_FIELDS
    list_display = [
        "code",
        "title_zh",
        "category",
        "recipient_area",
        "year",
        "budget_yuan",
        "status",
        "is_illustrative",
    ]
    list_filter = ["program", "year", "category", "status", "is_illustrative"]
    search_fields = ["code", "title_zh", "title_en", "recipient_area__name_zh", "recipient_area__code"]
    autocomplete_fields = ["recipient_area", "pairing"]
    inlines = [ProjectOutputInline, ProjectTransitionInline]
    list_per_page = 50
    actions = [
        _transition_action(ProjectStatus.APPROVED, "批准 approve"),
        _transition_action(ProjectStatus.UNDER_CONSTRUCTION, "开工 start"),
        _transition_action(ProjectStatus.COMPLETED, "完工 complete"),
        _transition_action(ProjectStatus.ACCEPTED, "验收 accept"),
    ]

    @admin.display(description="预算（元）budget (yuan)", ordering="budget_fen")
    def budget_yuan(self, obj: Project) -> str:
        return format_yuan(obj.budget_fen)

    def own_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        # Status moves only through the lifecycle actions; money fields only through the ledger.
        if obj:
            return [
                "program",
                "code",
                "status",
                "purpose_code",
                "budget_fen",
                "year",
                "recipient_area",
                "pairing",
            ]
        return ["status"]

    def create(self, actor: Actor, form: Any) -> Project:
        data = form.cleaned_data
        return services.project_propose(
            actor=actor,
            program=data["program"],
            code=data["code"],
            title_zh=data["title_zh"],
            title_en=data.get("title_en", ""),
            description=data.get("description", ""),
            category=data["category"],
            recipient_area=data["recipient_area"],
            pairing=data.get("pairing"),
            year=data["year"],
            budget_fen=data["budget_fen"],
            purpose_code=data.get("purpose_code") or None,
            reported_beneficiaries=data.get("reported_beneficiaries"),
            is_illustrative=data.get("is_illustrative", False),
        )


@admin.register(ProjectTransition)
class ProjectTransitionAdmin(ReadOnlyAdmin):
    """The lifecycle history, read-only: steps are taken with the project actions."""

    list_display = ["project", "from_status", "to_status", "at", "actor_label"]
    list_filter = ["to_status"]
    search_fields = ["project__code", "project__title_zh", "actor_label"]
    date_hierarchy = "at"


@admin.register(ProjectOutput)
class ProjectOutputAdmin(admin.ModelAdmin):
    list_display = ["project", "indicator", "planned_quantity", "actual_quantity", "unit"]
    list_filter = ["indicator"]
    search_fields = ["project__code", "project__title_zh"]
    readonly_fields = ["project", "indicator", "unit"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ProjectOutput, form: Any, change: bool) -> None:
        services.project_output_set(
            actor=Actor.of(request.user),
            project=obj.project,
            indicator=obj.indicator,
            planned_quantity=obj.planned_quantity,
            actual_quantity=obj.actual_quantity,
        )
