from typing import Any

from django.contrib import admin

from counterpart.core.admin import DomainAdmin
from counterpart.core.audit import Actor

from . import services
from .models import ReportedValue


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
