"""The annual (or multi-year) report of a program, as `counterpart report --format json` prints it; and
its years: a year's report certified (which locks the year), a year locked or unlocked with a reason,
and the history of both — each write the action of ``reports.services`` or ``registry.services``,
which asks the one policy (the program office of the program; 403 for any other role)."""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from counterpart.access.scoping import scoped_get_or_404
from counterpart.registry.models import PeriodLock, Program
from counterpart.registry.services import period_lock, period_unlock
from counterpart.reports.book import report_book
from counterpart.reports.models import CertifiedReport
from counterpart.reports.services import report_certify, report_unlock

from ..common import ERRORS, WRITE_ERRORS, InputSchema, OutSchema, Slug, Year, actor_of, text, user_of

router = Router(tags=["reports"])


@router.get("/programs/{slug}/report", response={200: dict[str, Any], **ERRORS}, summary="The annual report")
def program_report(request: HttpRequest, slug: Slug, year: Year, to_year: Year | None = None):
    """Figures of ``year`` (through ``to_year`` for a cumulative report) with their sources, each
    recipient area and pairing, warnings and the narrative — the same book as the report command."""
    program = scoped_get_or_404(Program, user_of(request), slug=slug)
    if to_year is not None and to_year < year:
        to_year = year
    return report_book(program, year, to_year).as_json()


class LockOut(OutSchema):
    id: int
    year: int
    locked_at: datetime.datetime
    locked_by: str = Field(validation_alias="locked_by_label")
    reason: str
    unlocked_at: datetime.datetime | None = Field(description="null while the year is locked")
    unlocked_by: str = Field(validation_alias="unlocked_by_label")
    unlock_reason: str


class CertifiedOut(OutSchema):
    id: int
    year: int
    certified_at: datetime.datetime
    certified_by: str = Field(validation_alias="certified_by_label")
    note: str


class YearsOut(Schema):
    locks: list[LockOut]
    certified: list[CertifiedOut]


def _program(request: HttpRequest, slug: str) -> Program:
    return scoped_get_or_404(Program, user_of(request), slug=slug)


@router.get("/programs/{slug}/years", response={200: YearsOut, **ERRORS}, summary="Locked and certified years")
def program_years(request: HttpRequest, slug: Slug):
    """Every lock of the program's years (who locked and unlocked each, when, why) and every
    certification of a year's report, newest first."""
    program = _program(request, slug)
    return {
        "locks": list(PeriodLock.objects.filter(program=program).order_by("-year", "-locked_at")),
        "certified": list(CertifiedReport.objects.filter(program=program).order_by("-year", "-certified_at")),
    }


class CertifyIn(InputSchema):
    note: text(2000) = ""  # type: ignore[valid-type]


class ReasonIn(InputSchema):
    reason: text(500, min_length=1)  # type: ignore[valid-type]


class LockIn(ReasonIn):
    year: Year


@router.post("/programs/{slug}/reports/{year}/certify", response={201: CertifiedOut, **WRITE_ERRORS})
def report_certify_endpoint(request: HttpRequest, slug: Slug, year: Year, payload: CertifyIn):
    """Certify a year's report (the program office): its figures are kept as certified and the year locked."""
    certified = report_certify(actor=actor_of(request), program=_program(request, slug), year=year, note=payload.note)
    return Status(201, certified)


@router.post("/programs/{slug}/reports/{year}/unlock", response={200: LockOut, **WRITE_ERRORS})
def report_unlock_endpoint(request: HttpRequest, slug: Slug, year: Year, payload: ReasonIn):
    """Open a certified year for corrections, saying why; the certified figures stay."""
    lock = report_unlock(actor=actor_of(request), program=_program(request, slug), year=year, reason=payload.reason)
    return Status(200, lock)


@router.post("/programs/{slug}/locks", response={201: LockOut, **WRITE_ERRORS})
def period_lock_endpoint(request: HttpRequest, slug: Slug, payload: LockIn):
    """Freeze a year's data (the program office), saying why: every write dated in it is refused."""
    lock = period_lock(
        actor=actor_of(request), program=_program(request, slug), year=payload.year, reason=payload.reason
    )
    return Status(201, lock)


@router.post("/programs/{slug}/locks/{year}/unlock", response={200: LockOut, **WRITE_ERRORS})
def period_unlock_endpoint(request: HttpRequest, slug: Slug, year: Year, payload: ReasonIn):
    """Open a locked year for corrections, saying why; the lock keeps who unlocked it and why."""
    lock = period_unlock(actor=actor_of(request), program=_program(request, slug), year=year, reason=payload.reason)
    return Status(200, lock)
