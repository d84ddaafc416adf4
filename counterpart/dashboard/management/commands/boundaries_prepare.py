"""``counterpart boundaries-prepare``: index the configured boundary source once, ahead of the
first map request (which would otherwise take the seconds the indexing needs)."""

from typing import Any

from django.core.management.base import BaseCommand

from counterpart.dashboard.boundaries import boundary_source, county_boundaries


class Command(BaseCommand):
    help = "Index the county boundaries of COUNTERPART_BOUNDARIES for the dashboard map."

    def handle(self, *args: Any, **options: Any) -> None:
        source = boundary_source()
        county_boundaries([], source)
        self.stdout.write(f"boundaries ready: {source.name}")
