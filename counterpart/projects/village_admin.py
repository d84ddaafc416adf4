"""Admin for village advancement: taken on through ``village_advancement_start``; its components are
shown, and changed only through ``village_component_update`` (the web page and the API)."""

from typing import Any

from django.contrib import admin

from counterpart.core.admin import DomainAdmin, ReadOnlyInline
from counterpart.core.audit import Actor

from .models import VillageAdvancement, VillageComponent
from .villages import village_advancement_start


class ComponentInline(ReadOnlyInline):
    model = VillageComponent
    fields = ["component", "status", "completed_on", "evidence"]
    readonly_fields = ["component", "status", "completed_on", "evidence"]


@admin.register(VillageAdvancement)
class VillageAdvancementAdmin(DomainAdmin):
    audit_entity = "village_advancement"
    list_display = ["village", "county_code", "start_year", "program", "is_illustrative"]
    list_filter = ["program", "start_year", "is_illustrative"]
    search_fields = ["village__name_zh", "village__code", "=county_code"]
    autocomplete_fields = ["village", "pairing"]
    readonly_fields = ["county_code"]
    inlines = [ComponentInline]

    def create(self, actor: Actor, form: Any) -> VillageAdvancement:
        data = form.cleaned_data
        return village_advancement_start(
            actor=actor,
            program=data["program"],
            village=data["village"],
            start_year=data["start_year"],
            pairing=data.get("pairing"),
            is_illustrative=data.get("is_illustrative", False),
        )
