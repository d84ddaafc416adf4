"""Certifying a year's report (which locks the year) and unlocking it for corrections: the program
office's, asked of the one policy (``reports/policy.py``); the lock is the period guard itself."""

from django.db import transaction
from django.utils.translation import gettext as _

from counterpart.access.policy import Target, policy_check
from counterpart.core.audit import Actor, audit_record
from counterpart.core.errors import InvalidInput
from counterpart.registry.models import PeriodLock, Program
from counterpart.registry.services import period_is_locked, period_lock, period_unlock

from .book import report_book
from .models import CertifiedReport


def report_certify(*, actor: Actor, program: Program, year: int, note: str = "") -> CertifiedReport:
    """Sign off a year's report: its figures are kept as certified, and the year is locked."""
    policy_check(actor, "report_certify", Target(program=program.pk))
    with transaction.atomic():
        if period_is_locked(program.pk, year):
            raise InvalidInput("year", year, _("该年度报告已核定，如需重新核定请先解锁"))
        figures = report_book(program, year, detail=False).as_json()
        certified = CertifiedReport.objects.create(
            program=program, year=year, certified_by_label=actor.label, note=note, report=figures
        )
        period_lock(actor=actor, program=program, year=year, reason=_("%(year)s 年度报告核定") % {"year": year})
        audit_record(actor, "report.certify", certified, after={"year": year, "note": note})
    return certified


def report_unlock(*, actor: Actor, program: Program, year: int, reason: str) -> PeriodLock:
    """Open a certified year for corrections; the reason is kept, and the certified figures stay."""
    policy_check(actor, "report_unlock", Target(program=program.pk))
    if not CertifiedReport.objects.filter(program=program, year=year).exists():
        raise InvalidInput("year", year, _("该年度报告尚未核定"))
    return period_unlock(actor=actor, program=program, year=year, reason=reason)
