from typing import Any

from django.contrib import admin

from counterpart.core.admin import DomainAdmin, ReadOnlyInline
from counterpart.core.audit import Actor

from . import services
from .assessment import target_set
from .models import Assessment, AssessmentFigure, AssessmentScore, Indicator, ReportedValue, Target


@admin.register(ReportedValue)
class ReportedValueAdmin(DomainAdmin):
    audit_entity = "reported_value"
    update_action = staticmethod(services.reported_value_update)
    update_fields = services.REPORTED_VALUE_EDITABLE_FIELDS
    list_display = [
        "indicator_key",
        "program",
        "year",
        "year_to",
        "qualifier",
        "value",
        "unit",
        "breakdown_code",
        "is_illustrative",
    ]
    list_filter = ["program", "indicator_key", "year", "is_illustrative"]
    search_fields = ["indicator_key", "citation"]
    autocomplete_fields = ["area", "pairing"]

    def create(self, actor: Actor, form: Any) -> ReportedValue:
        data = form.cleaned_data
        return services.reported_value_enter(
            actor=actor,
            program=data["program"],
            indicator_key=data["indicator_key"],
            year=data["year"],
            year_to=data.get("year_to"),
            value=data["value"],
            unit=data["unit"],
            qualifier=data.get("qualifier", ""),
            area=data.get("area"),
            pairing=data.get("pairing"),
            breakdown_dimension=data.get("breakdown_dimension", ""),
            breakdown_code=data.get("breakdown_code", ""),
            citation=data.get("citation", ""),
            is_illustrative=data.get("is_illustrative", False),
        )


@admin.register(Indicator)
class IndicatorAdmin(DomainAdmin):
    audit_entity = "indicator"
    list_display = [
        "key",
        "name_zh",
        "name_en",
        "topic",
        "assessment_area",
        "unit",
        "aggregation",
        "usual_source",
        "is_builtin",
    ]
    list_filter = ["topic", "assessment_area", "aggregation", "usual_source", "is_builtin"]
    search_fields = ["key", "name_zh", "name_en"]

    def own_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        # Keys are a contract with exports and APIs; built-in definitions come from the shipped catalogue.
        if obj is None:
            return ["is_builtin"]
        if obj.is_builtin:
            return [f.name for f in Indicator._meta.fields]
        return ["key", "is_builtin"]

    def create(self, actor: Actor, form: Any) -> Indicator:
        data = form.cleaned_data
        return services.indicator_create(
            actor=actor,
            key=data["key"],
            name_zh=data["name_zh"],
            name_en=data["name_en"],
            topic=data["topic"],
            unit=data["unit"],
            aggregation=data["aggregation"],
            usual_source=data["usual_source"],
            assessment_area=data.get("assessment_area"),
            description=data.get("description", ""),
        )


@admin.register(Target)
class TargetAdmin(DomainAdmin):
    audit_entity = "target"
    list_display = ["indicator", "program", "year", "pairing", "area", "value", "agreement"]
    list_filter = ["program", "year", "indicator__topic"]
    search_fields = ["indicator__key", "indicator__name_zh", "agreement"]
    autocomplete_fields = ["pairing", "area"]

    def create(self, actor: Actor, form: Any) -> Target:
        data = form.cleaned_data
        return target_set(
            actor=actor,
            program=data["program"],
            indicator_key=data["indicator"].key,
            year=data["year"],
            value=data["value"],
            pairing=data.get("pairing"),
            area=data.get("area"),
            agreement=data.get("agreement", ""),
        )


class AssessmentScoreInline(ReadOnlyInline):
    model = AssessmentScore
    fields = ["area", "self_score", "self_comment", "final_score"]
    readonly_fields = ["area", "self_score", "self_comment", "final_score"]


class AssessmentFigureInline(ReadOnlyInline):
    model = AssessmentFigure
    fields = ["indicator", "value", "unit", "source", "verdict", "verdict_comment"]
    readonly_fields = ["indicator", "value", "unit", "source", "verdict", "verdict_comment"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """The two-sided cycle is driven by its services (web pages and API); the admin shows where it stands."""

    list_display = ["pairing", "year", "status", "self_assessed_by", "commented_by", "submitted_by", "finalised_at"]
    list_filter = ["program", "year", "status"]
    inlines = [AssessmentScoreInline, AssessmentFigureInline]
    readonly_fields = [f.name for f in Assessment._meta.fields]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
