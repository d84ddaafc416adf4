from typing import Any

from django.contrib import admin

from counterpart.core.admin import DomainAdmin
from counterpart.core.audit import Actor

from . import services
from .models import Membership


@admin.register(Membership)
class MembershipAdmin(DomainAdmin):
    """Memberships are granted (membership_grant) and revoked (membership_revoke), both audited;
    once granted, only ``is_active`` may change, and only to revoke."""

    audit_entity = "membership"
    update_action = staticmethod(services.membership_update)
    update_fields = ("is_active",)
    list_display = ["user", "role", "program", "area", "organisation", "is_active", "granted_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "area__name_zh", "area__code", "organisation__name_zh"]
    autocomplete_fields = ["area", "organisation"]
    raw_id_fields = ["user"]

    def own_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        return ["granted_by_label"]

    def create(self, actor: Actor, form: Any) -> Membership:
        data = form.cleaned_data
        return services.membership_grant(
            actor=actor,
            user=data["user"],
            role=data["role"],
            program=data.get("program"),
            area=data.get("area"),
            organisation=data.get("organisation"),
        )
