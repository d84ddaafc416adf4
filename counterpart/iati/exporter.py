"""IATI 2.03 publication: a program's projects as an activity file, its office as an organisation file.

Each activity is composed from the element builders in ``ACTIVITY_ELEMENTS``, in the order the
2.03 schema requires; nothing else writes activity XML.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

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


@dataclass
class IatiExport:
    """An export's XML tree, how many activities it holds, and what a reader should know."""

    tree: etree._ElementTree
    count: int
    warnings: list[str] = field(default_factory=list)

    def to_bytes(self) -> bytes:
        return etree.tostring(self.tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)


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


def iati_export_activities(
    program: Program, *, year: int | None = None, now: datetime.datetime | None = None
) -> IatiExport:
    """The program's projects (of one year, or all) as an IATI 2.03 activity file."""
    context = ExportContext(program=program, publisher=iati_publisher_for(program), generated_at=now or timezone.now())
    root = etree.Element("iati-activities", version=IATI_VERSION)
    root.set("generated-datetime", _timestamp(context.generated_at))
    count = 0
    projects = iati_projects_for_export(program, year).prefetch_related("ledger_transactions__postings")
    for project in projects:
        root.append(iati_activity_build(project, context))
        count += 1
    return IatiExport(etree.ElementTree(root), count, _publisher_warnings(context))


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
    return IatiExport(etree.ElementTree(root), 1, _publisher_warnings(context))
