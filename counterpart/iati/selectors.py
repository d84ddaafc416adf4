"""Reads for IATI: a program's publisher identity, the projects an export covers."""

from django.db.models import Prefetch, QuerySet

from counterpart.funds.models import LedgerTransaction
from counterpart.projects.models import Project, ProjectTransition
from counterpart.registry.models import Program

from .models import IatiPublisher

USCC_PREFIX = "CN-USCC-"
# IATI's "XI-" prefix is for identifiers not issued by a registration agency. Ours is a stand-in
# until the office registers (or records its unified social credit code) and is flagged as such.
PLACEHOLDER_PREFIX = "XI-COUNTERPART-"


def iati_publisher_for(program: Program) -> IatiPublisher:
    """The program's stored publisher, else one derived from its lead organisation (unsaved).

    Derived: "CN-USCC-" + the lead organisation's unified social credit code when recorded;
    otherwise "XI-COUNTERPART-" + the donor area code, flagged ``is_placeholder``.
    """
    stored = IatiPublisher.objects.filter(program=program).first()
    if stored is not None:
        return stored
    lead = program.lead_organisation
    name_zh = lead.name_zh if lead else program.donor_area.name_zh
    name_en = (lead.name_en if lead else program.donor_area.name_en) or ""
    if lead is not None and lead.credit_code:
        return IatiPublisher(
            program=program,
            organisation_ref=USCC_PREFIX + lead.credit_code,
            name_zh=name_zh,
            name_en=name_en,
            is_placeholder=False,
        )
    return IatiPublisher(
        program=program,
        organisation_ref=PLACEHOLDER_PREFIX + program.donor_area_id,
        name_zh=name_zh,
        name_en=name_en,
        is_placeholder=True,
    )


def iati_projects_for_export(program: Program, year: int | None = None) -> QuerySet[Project]:
    """The projects an export covers, with everything the element builders read prefetched.

    Through ``program.projects`` every project shares the given program object (Django sets it as
    the known related object) instead of a copy per row, so the program's donor area is read once
    per export rather than once per activity.
    """
    projects = program.projects.all()
    if year is not None:
        projects = projects.filter(year=year)
    return (
        projects.select_related("recipient_area")
        .prefetch_related(
            "outputs",
            Prefetch("transitions", queryset=ProjectTransition.objects.order_by("at", "id")),
            Prefetch(
                "ledger_transactions",
                queryset=LedgerTransaction.objects.select_related("reverses", "recipient_area").order_by("date", "id"),
            ),
        )
        .order_by("year", "code")
    )
