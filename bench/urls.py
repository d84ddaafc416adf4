"""The project's URLs plus the bare endpoint the API's throughput is compared with (bench/settings.py)."""

from django.urls import URLPattern, URLResolver, path

from config.urls import urlpatterns as project_urlpatterns

from .bare_views import bare_projects

urlpatterns: list[URLPattern | URLResolver] = [*project_urlpatterns, path("bench/bare-projects", bare_projects)]
