"""IATI 2.03 publication: a program's projects as an activity file, its office as an organisation file.

Each activity is composed from the element builders in ``ACTIVITY_ELEMENTS``, in the order the
2.03 schema requires; nothing else writes activity XML.

Activity files are streamed: the projects are read in chunks (each chunk with its own
prefetches) and every ``<iati-activity>`` is written as soon as it is built, so memory stays
bounded whatever the number of activities.
"""

import datetime
import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from django.db.models import Sum
from django.utils import timezone
from lxml import etree

from counterpart.core.money import fen_to_yuan
from counterpart.funds.models import AccountType, Posting
from counterpart.projects.models import Project
from counterpart.registry.models import Program

from .elements import (
    activity_date,
    activity_status,
    budget,
    description,
    identifier,
    location,
    participating_org,
    recipient_country,
    reporting_org,
    result,
    sector,
    title,
    transaction,
)
from .elements.context import CURRENCY, LANG_EN, LANG_ZH, ExportContext, iso
from .selectors import iati_projects_for_export, iati_publisher_for
from .xml import XML_LANG, narrative_parent

IATI_VERSION = "2.03"

ElementBuilder = Callable[[Project, ExportContext], list[etree._Element]]

# The schema's order for <iati-activity> children; one builder per element.
ACTIVITY_ELEMENTS: list[tuple[str, ElementBuilder]] = [
    ("iati-identifier", identifier.iati_identifier),
    ("reporting-org", reporting_org.reporting_org),
    ("title", title.title),
    ("description", description.description),
    ("participating-org", participating_org.participating_org),
    ("other-identifier", identifier.other_identifier),
    ("activity-status", activity_status.activity_status),
    ("activity-date", activity_date.activity_date),
    ("recipient-country", recipient_country.recipient_country),
    ("location", location.location),
    ("sector", sector.sector),
    ("budget", budget.budget),
    ("transaction", transaction.transaction),
    ("result", result.result),
]


# Projects read (and prefetched) at a time: large enough that the per-chunk prefetch queries are
# few, small enough that one chunk's model objects and elements stay a few megabytes.
EXPORT_CHUNK_SIZE = 1000

XML_DECLARATION = b"<?xml version='1.0' encoding='UTF-8'?>\n"


class ByteSink(Protocol):
    """Where a streamed export goes: a binary file, or anything with its ``write``."""

    def write(self, data: bytes, /) -> object: ...


@dataclass
class IatiWritten:
    """What a streamed export wrote: how many activities, and what a reader should know."""

    count: int
    warnings: list[str] = field(default_factory=list)


@dataclass
class IatiExport:
    """An export's XML document, how many activities it holds, and what a reader should know."""

    data: bytes
    count: int
    warnings: list[str] = field(default_factory=list)

    def to_bytes(self) -> bytes:
        return self.data


def _timestamp(now: datetime.datetime) -> str:
    return now.replace(microsecond=0).isoformat()


def _publisher_warnings(context: ExportContext) -> list[str]:
    if not context.publisher.is_placeholder:
        return []
    return [
        f"IATI 机构标识符 {context.publisher.organisation_ref} 为占位符，发布前请登记（iati_publisher_set）。"
        f" The organisation identifier {context.publisher.organisation_ref} is a placeholder; record the"
        " registered one (CN-USCC-…) before publishing."
    ]


def iati_activity_build(project: Project, context: ExportContext) -> etree._Element:
    """One <iati-activity>, element by element in schema order."""
    activity = etree.Element("iati-activity")
    activity.set(XML_LANG, LANG_ZH)
    activity.set("default-currency", CURRENCY)
    activity.set("last-updated-datetime", _timestamp(context.generated_at))
    for tag, build in ACTIVITY_ELEMENTS:
        for element in build(project, context):
            if element.tag != tag:
                raise AssertionError(f"builder for <{tag}> returned <{element.tag}>")
            activity.append(element)
    return activity


def iati_export_activities_write(
    program: Program,
    output: ByteSink | Path,
    *,
    year: int | None = None,
    now: datetime.datetime | None = None,
    chunk_size: int = EXPORT_CHUNK_SIZE,
) -> IatiWritten:
    """Write the program's projects (of one year, or all) as an IATI 2.03 activity file.

    ``output`` is a binary stream or a path. The bytes are those ``etree.tostring(…,
    pretty_print=True)`` gives for the whole document, but only one chunk of projects and one
    activity's elements exist at a time.
    """
    if isinstance(output, Path):
        with output.open("wb") as stream:
            return iati_export_activities_write(program, stream, year=year, now=now, chunk_size=chunk_size)
    context = ExportContext(program=program, publisher=iati_publisher_for(program), generated_at=now or timezone.now())
    projects = iati_projects_for_export(program, year)
    # iterator() prefetches per chunk, so a chunk's objects are freed once its activities are written.
    activities = (iati_activity_build(project, context) for project in projects.iterator(chunk_size=chunk_size))
    first = next(activities, None)
    root = {"version": IATI_VERSION, "generated-datetime": _timestamp(context.generated_at)}
    count = 0
    # xmlfile cannot write text outside the root element, so the declaration and the final newline
    # (as tostring writes them) go to the stream directly, before xmlfile opens and after it closes.
    output.write(XML_DECLARATION)
    with etree.xmlfile(output, encoding="UTF-8") as document:
        if first is None:
            document.write(etree.Element("iati-activities", root))  # self-closed, as tostring writes it
        else:
            with document.element("iati-activities", root):
                for activity in itertools.chain([first], activities):
                    # Indented one level below the root, as pretty-printing the whole tree would.
                    etree.indent(activity, level=1)
                    document.write("\n  ", activity)
                    count += 1
                document.write("\n")
    output.write(b"\n")
    return IatiWritten(count, _publisher_warnings(context))


def iati_export_activities(
    program: Program, *, year: int | None = None, now: datetime.datetime | None = None
) -> IatiExport:
    """The program's projects (of one year, or all) as an IATI 2.03 activity file, in memory.

    For small files and tests; bulk exports write to a file with ``iati_export_activities_write``.
    """
    buffer = io.BytesIO()
    written = iati_export_activities_write(program, buffer, year=year, now=now)
    return IatiExport(buffer.getvalue(), written.count, written.warnings)


def iati_export_organisation(
    program: Program, *, year: int | None = None, now: datetime.datetime | None = None
) -> IatiExport:
    """The publisher as an IATI organisation: total budget and expenditure per program year."""
    context = ExportContext(program=program, publisher=iati_publisher_for(program), generated_at=now or timezone.now())
    publisher = context.publisher
    root = etree.Element("iati-organisations", version=IATI_VERSION)
    root.set("generated-datetime", _timestamp(context.generated_at))
    organisation = etree.SubElement(root, "iati-organisation", **{"default-currency": CURRENCY})
    organisation.set(XML_LANG, LANG_ZH)
    organisation.set("last-updated-datetime", _timestamp(context.generated_at))
    etree.SubElement(organisation, "organisation-identifier").text = publisher.organisation_ref
    organisation.append(narrative_parent("name", {LANG_ZH: publisher.name_zh, LANG_EN: publisher.name_en}))
    organisation.extend(reporting_org.reporting_org(Project(program=program), context))

    projects = Project.objects.filter(program=program)
    if year is not None:
        projects = projects.filter(year=year)
    budgets = dict(projects.values_list("year").annotate(total=Sum("budget_fen")).order_by("year"))
    spent_rows = Posting.objects.filter(transaction__program=program, account__type=AccountType.SPENT)
    if year is not None:
        spent_rows = spent_rows.filter(transaction__year=year)
    spent = dict(spent_rows.values_list("transaction__year").annotate(total=Sum("amount_fen")).order_by())

    def period(tag: str, for_year: int, fen: int) -> etree._Element:
        element = etree.Element(tag)
        etree.SubElement(element, "period-start", **{"iso-date": iso(datetime.date(for_year, 1, 1))})
        etree.SubElement(element, "period-end", **{"iso-date": iso(datetime.date(for_year, 12, 31))})
        value = etree.SubElement(
            element, "value", currency=CURRENCY, **{"value-date": iso(datetime.date(for_year, 1, 1))}
        )
        value.text = str(fen_to_yuan(fen))
        return element

    for budget_year, fen in budgets.items():
        organisation.append(period("total-budget", budget_year, fen))
    for budget_year, fen in budgets.items():
        country = period("recipient-country-budget", budget_year, fen)
        country.insert(0, etree.Element("recipient-country", code="CN"))
        organisation.append(country)
    for spent_year in sorted(spent):
        organisation.append(period("total-expenditure", spent_year, spent[spent_year]))
    data = etree.tostring(etree.ElementTree(root), xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return IatiExport(data, 1, _publisher_warnings(context))
