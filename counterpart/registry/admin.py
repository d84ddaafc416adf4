from typing import Any

from django.contrib import admin

from counterpart.core.admin import DomainAdmin, ReadOnlyAdmin, ReadOnlyInline
from counterpart.core.audit import Actor

from . import services
from .models import Area, Organisation, Pairing, PeriodLock, Program


@admin.register(Area)
class AreaAdmin(DomainAdmin):
    audit_entity = "area"
    list_display = [
        "code",
        "name_zh",
        "name_en",
        "level",
        "is_key_poverty_county",
        "is_poverty_village",
        "abolished_year",
    ]
    list_filter = ["level", "is_key_poverty_county", "is_poverty_village"]
    search_fields = ["code", "name_zh", "name_en"]
    raw_id_fields = ["parent", "successor"]
    list_per_page = 100

    def own_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        return ["code", "level", "parent"] if obj else ["level", "parent"]

    def create(self, actor: Actor, form: Any) -> Area:
        data = form.cleaned_data
        return services.area_create(
            actor=actor,
            code=data["code"],
            name_zh=data["name_zh"],
            name_en=data.get("name_en", ""),
            is_key_poverty_county=data.get("is_key_poverty_county", False),
            is_poverty_village=data.get("is_poverty_village", False),
            abolished_year=data.get("abolished_year"),
        )


@admin.register(Organisation)
class OrganisationAdmin(DomainAdmin):
    audit_entity = "organisation"
    list_display = ["name_zh", "name_en", "kind", "area", "is_illustrative"]
    list_filter = ["kind", "is_illustrative"]
    search_fields = ["name_zh", "name_en", "credit_code", "area__name_zh"]
    autocomplete_fields = ["area", "parent"]

    def create(self, actor: Actor, form: Any) -> Organisation:
        data = form.cleaned_data
        return services.organisation_create(
            actor=actor,
            name_zh=data["name_zh"],
            name_en=data.get("name_en", ""),
            kind=data["kind"],
            area=data["area"],
            credit_code=data.get("credit_code", ""),
            parent=data.get("parent"),
            is_illustrative=data.get("is_illustrative", False),
        )


class PairingInline(ReadOnlyInline):
    model = Pairing
    fields = ["level", "donor_area", "recipient_area", "valid_from", "valid_to", "is_illustrative"]
    readonly_fields = ["level", "donor_area", "recipient_area", "valid_from", "valid_to", "is_illustrative"]
    show_change_link = True


@admin.register(Program)
class ProgramAdmin(DomainAdmin):
    audit_entity = "program"
    list_display = ["slug", "name_zh", "name_en", "donor_area", "start_year", "end_year"]
    search_fields = ["slug", "name_zh", "name_en"]
    autocomplete_fields = ["donor_area", "lead_organisation"]
    inlines = [PairingInline]

    def create(self, actor: Actor, form: Any) -> Program:
        data = form.cleaned_data
        return services.program_create(
            actor=actor,
            slug=data["slug"],
            name_zh=data["name_zh"],
            name_en=data.get("name_en", ""),
            donor_area=data["donor_area"],
            lead_organisation=data.get("lead_organisation"),
            start_year=data["start_year"],
            end_year=data.get("end_year"),
            description=data.get("description", ""),
        )


@admin.register(Pairing)
class PairingAdmin(DomainAdmin):
    audit_entity = "pairing"
    list_display = ["__str__", "program", "level", "valid_from", "valid_to", "is_illustrative"]
    list_filter = ["program", "level", "is_illustrative"]
    search_fields = ["donor_area__name_zh", "recipient_area__name_zh", "recipient_area__code"]
    autocomplete_fields = [
        "donor_area",
        "recipient_area",
        "donor_organisation",
        "recipient_organisation",
        "parent",
    ]
    date_hierarchy = "valid_from"

    def own_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        # Parties and start are fixed once recorded; ending is an edit of valid_to (audited).
        if obj:
            return [
                "program",
                "level",
                "parent",
                "donor_area",
                "recipient_area",
                "donor_organisation",
                "recipient_organisation",
                "valid_from",
            ]
        return ["successor"]  # named when the pairing ends (pairing_end), not on creation

    def create(self, actor: Actor, form: Any) -> Pairing:
        data = form.cleaned_data
        return services.pairing_create(
            actor=actor,
            program=data["program"],
            level=data["level"],
            donor_area=data["donor_area"],
            recipient_area=data["recipient_area"],
            donor_organisation=data.get("donor_organisation"),
            recipient_organisation=data.get("recipient_organisation"),
            valid_from=data["valid_from"],
            valid_to=data.get("valid_to"),
            parent=data.get("parent"),
            is_illustrative=data.get("is_illustrative", False),
            note=data.get("note", ""),
        )


@admin.register(PeriodLock)
class PeriodLockAdmin(ReadOnlyAdmin):
    """Locks are set and lifted by certification and its unlock service; the admin shows them."""

    list_display = ["program", "year", "locked_at", "locked_by_label", "unlocked_at", "unlocked_by_label"]
    list_filter = ["program", "year"]
    readonly_fields = [f.name for f in PeriodLock._meta.fields]
