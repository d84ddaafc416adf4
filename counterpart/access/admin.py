from django.contrib import admin

from .models import Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "program", "area", "organisation", "is_active", "granted_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "area__name_zh", "area__code", "organisation__name_zh"]
    autocomplete_fields = ["area", "organisation"]
    raw_id_fields = ["user"]
