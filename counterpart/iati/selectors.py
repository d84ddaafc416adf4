"""Reads for IATI: a program's publisher identity, the projects an export covers."""

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from counterpart.funds.models import LedgerTransaction, Posting
from counterpart.projects.models import Project, ProjectOutput, ProjectTransition
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


# The relations the element builders read, prefetched as plain lists (Prefetch to_attr): a
# related manager would have Django build a queryset per project and relation (and per ledger
# transaction for its postings), which cost more than the rest of an activity.
_OUTPUTS = "iati_outputs"
_TRANSITIONS = "iati_transitions"
_LEDGER = "iati_ledger_transactions"
_LEDGER_FIELDS = (
    "project",
    "kind",
    "date",
    "source",
    "recipient_area",
    "reverses",
    "description",
    "item_description",
    "item_quantity",
    "item_unit",
)
# A ledger transaction's amount, summed by the database rather than from prefetched postings.
_DEBIT_FEN = "iati_debit_fen"


def iati_projects_for_export(program: Program, year: int | None = None) -> QuerySet[Project]:
    """The projects an export covers, with everything the element builders read prefetched.

    Through ``program.projects`` every project shares the given program object (Django sets it as
    the known related object) instead of a copy per row, so the program's donor area is read once
    per export rather than once per activity. Read the prefetched relations with the functions
    below.
    """
    projects = program.projects.all()
    if year is not None:
        projects = projects.filter(year=year)
    # A correlated subquery (an index lookup per transaction) rather than a join grouped by every
    # selected column: a third of the time per chunk, and without fresh statistics PostgreSQL
    # overestimated the grouped query enough to JIT-compile it, over a second per chunk.
    postings = Posting.objects.filter(transaction=OuterRef("pk"), amount_fen__gt=0).order_by().values("transaction")
    debit = Coalesce(Subquery(postings.annotate(total=Sum("amount_fen")).values("total")), 0)
    return (
        projects.select_related("recipient_area")
        .prefetch_related(
            Prefetch("outputs", to_attr=_OUTPUTS),
            Prefetch("transitions", queryset=ProjectTransition.objects.order_by("at", "id"), to_attr=_TRANSITIONS),
            Prefetch(
                "ledger_transactions",
                # The reversed entries are prefetched, not joined: for a join PostgreSQL may hash the
                # whole ledger once per chunk, when only reversals (few) need their original.
                queryset=LedgerTransaction.objects.select_related("recipient_area")
                .prefetch_related("reverses")
                # What elements/transaction.py reads: a model instance costs per field set, and
                # the ledger rows are the most numerous objects of an export.
                .only(*_LEDGER_FIELDS)
                .annotate(**{_DEBIT_FEN: debit})
                .order_by("date", "id"),
                to_attr=_LEDGER,
            ),
        )
        .order_by("year", "code")
    )


def iati_project_outputs(project: Project) -> list[ProjectOutput]:
    return getattr(project, _OUTPUTS)


def iati_project_transitions(project: Project) -> list[ProjectTransition]:
    """Oldest first."""
    return getattr(project, _TRANSITIONS)


def iati_project_ledger(project: Project) -> list[LedgerTransaction]:
    """By date, then id."""
    return getattr(project, _LEDGER)


def iati_ledger_debit_fen(record: LedgerTransaction) -> int:
    """What the transaction's debit (positive) postings add up to."""
    return getattr(record, _DEBIT_FEN)
