"""The Django admin is the platform administrators' tool, not a role's.

Program offices, district and county offices, enterprises and auditors work in the web app and
the API, where every query goes through ``access.scoping.scoped()``. The admin's lists are not
scoped, so letting a scoped user in — even one given ``is_staff`` and model permissions by
mistake — would show them every county's records. Only active superusers may enter.
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class CounterpartAdminSite(AdminSite):
    site_header = "Counterpart 东西部协作平台"
    site_title = "Counterpart"
    index_title = "管理 Administration"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)


class CounterpartAdminConfig(AdminConfig):
    default_site = "counterpart.core.admin_site.CounterpartAdminSite"
