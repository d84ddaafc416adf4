from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from counterpart.api.api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("", include("counterpart.dashboard.urls")),
    path("", include("counterpart.web.urls")),
]
