from django.contrib import admin

from counterpart.core.admin import ReadOnlyAdmin

from .models import CertifiedReport


@admin.register(CertifiedReport)
class CertifiedReportAdmin(ReadOnlyAdmin):
    list_display = ["program", "year", "certified_at", "certified_by_label", "note"]
    list_filter = ["program", "year"]
    readonly_fields = [f.name for f in CertifiedReport._meta.fields]
