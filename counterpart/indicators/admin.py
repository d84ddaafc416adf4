from typing import Any

from django.contrib import admin

from counterpart.core.admin import DomainAdmin
from counterpart.core.audit import Actor

from . import services
from .models import Indicator, ReportedValue


@admin.register(ReportedValue)
class ReportedValueAdmin(DomainAdmin):
    audit_entity = "reported_value"
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
            actor,
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

    def get_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        # Keys are a contract with exports and APIs; built-in definitions come from the shipped catalogue.
        if obj is None:
            return ["is_builtin"]
        if obj.is_builtin:
            return [f.name for f in Indicator._meta.fields]
        return ["key", "is_builtin"]

    def create(self, actor: Actor, form: Any) -> Indicator:
        data = form.cleaned_data
        return services.indicator_create(
            actor,
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
