from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Counterpart 东西部协作平台"
admin.site.site_title = "Counterpart"
admin.site.index_title = "管理 Administration"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("counterpart.dashboard.urls")),
    path("", include("counterpart.web.urls")),
]
