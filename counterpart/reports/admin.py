from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import CertifiedReport


@admin.register(CertifiedReport)
class CertifiedReportAdmin(admin.ModelAdmin):
    list_display = ["program", "year", "certified_at", "certified_by_label", "note"]
    list_filter = ["program", "year"]
    readonly_fields = [f.name for f in CertifiedReport._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
