"""The annual (or multi-year) report of a program, as `counterpart report --format json` prints it."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from counterpart.access.scoping import scoped_get_or_404
from counterpart.registry.models import Program
from counterpart.reports.book import report_book

from ..common import ERRORS, Slug, Year, user_of

router = Router(tags=["reports"])


@router.get("/programs/{slug}/report", response={200: dict[str, Any], **ERRORS}, summary="The annual report")
def program_report(request: HttpRequest, slug: Slug, year: Year, to_year: Year | None = None):
    """Figures of ``year`` (through ``to_year`` for a cumulative report) with their sources, each
    recipient area and pairing, warnings and the narrative — the same book as the report command."""
    program = scoped_get_or_404(Program, user_of(request), slug=slug)
    if to_year is not None and to_year < year:
        to_year = year
    return report_book(program, year, to_year).as_json()
