from django.conf import settings
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

if settings.COUNTERPART_BENCH_BARE_ENDPOINT:
    # Only for bench/api_bench.py: the hand-written baseline the API's throughput is compared with.
    from counterpart.api.bench_views import bare_projects

    urlpatterns.append(path("bench/bare-projects", bare_projects))
