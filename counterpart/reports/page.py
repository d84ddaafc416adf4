"""The report page's rows as a reader sees them: one language, numbers in one style, names not codes.

The HTML page and its sections (``reports/_section.html``) show what this module prepares from a
``Section`` of the book: each figure written by ``core.numbers`` with its unit and qualifier, its
parts named (sources, categories, areas), a published figure with the records' figure beside it and
what the difference means, and the link to the records behind it — only for a signed-in reader (the
lists are under /app/); an anonymous reader gets links to public pages only.
"""

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from counterpart.core.language import is_english, pick
from counterpart.core.numbers import figure_text
from counterpart.funds.models import FundSource
from counterpart.projects.models import ProjectCategory
from counterpart.registry.models import Area

from .annual import AnnualReport, Figure, Source
from .book import ReportBook, Row, Section
from .drill import drill_url

# The figures the page shows before anything is opened, in the yearbook entry's order (and the dashboard's
# headline: dashboard/selectors.py).
HEADLINE_KEYS = (
    "total_support",
    "fiscal_aid",
    "social_donation_in_kind",
    "projects",
    "beneficiaries",
    "cadres_trained",
    "labour_trained",
    "labour_transferred",
    "jobs_created",
    "direct_sales",
    "order_value",
)


def source_label(source: str) -> str:
    labels = {
        Source.LEDGER: _("资金台账"),
        Source.PROJECTS: _("项目库"),
        Source.REGISTRY: _("登记记录"),
        Source.REPORTED: _("上报数"),
        Source.PROGRAMS: _("成员项目"),
    }
    return labels.get(source, source)


def _choice(label: Any) -> str:
    """A choice's label in the page's language (a bilingual "中文 English" label gives its half)."""
    text = str(label)
    zh, space, en = text.partition(" ")
    if not space or not any("\u4e00" <= ch <= "\u9fff" for ch in zh):
        return text
    return en if is_english() else zh


@dataclass
class Part:
    label: str
    text: str


@dataclass
class PageRow:
    key: str
    name: str
    text: str
    source: str
    url: str | None
    previous: str = ""
    target: str = ""
    attainment: str = ""
    records: str = ""
    parts: list[Part] = field(default_factory=list)
    citation: str = ""


@dataclass
class PageSection:
    kind: str
    anchor: str
    title: str
    rows: list[PageRow]
    warnings: list[str]


def _part_names(codes: set[str]) -> dict[str, str]:
    names: dict[str, str] = {code: _choice(label) for code, label in FundSource.choices if code in codes}
    names |= {code: _choice(label) for code, label in ProjectCategory.choices if code in codes}
    area_codes = [code for code in codes if code.isdigit()]
    if area_codes:
        for area in Area.objects.filter(code__in=area_codes).only("code", "name_zh", "name_en"):
            names[area.code] = pick(area.name_zh, area.name_en)
    return names


def _url(report: AnnualReport, figure: Figure, *, signed_in: bool) -> str | None:
    if signed_in:
        return drill_url(report, figure)
    # Public pages link only to public pages: the portal's project list holds the projects.
    if figure.source == Source.PROJECTS and figure.key in ("projects", "projects_by_category"):
        return reverse("dashboard:portal_projects", args=[report.program.slug, report.year])
    return None


def page_row(report: AnnualReport, row: Row, *, signed_in: bool, names: dict[str, str]) -> PageRow:
    figure = row.figure
    item = PageRow(
        key=row.key,
        name=pick(row.name_zh, row.name_en),
        text=figure_text(figure.value, figure.unit, figure.qualifier),
        source=source_label(figure.source),
        url=_url(report, figure, signed_in=signed_in),
        citation=figure.citation,
    )
    if row.previous is not None:
        item.previous = figure_text(row.previous.value, row.previous.unit, row.previous.qualifier)
    if row.target is not None:
        item.target = figure_text(row.target, figure.unit)
        if row.attainment_percent is not None:
            item.attainment = f"{row.attainment_percent:.0f}%"
    if figure.records is not None:
        item.records = figure_text(figure.records.value, figure.records.unit)
    for code, value in (figure.breakdown or {}).items():
        item.parts.append(Part(names.get(code, code), figure_text(value, figure.unit)))
    for piece in figure.composition or []:
        label = f"{piece['years']}（{source_label(piece['source'])}）"
        item.parts.append(Part(label, figure_text(piece["value"], figure.unit)))
    return item


def page_section(section: Section, *, signed_in: bool, only: tuple[str, ...] | None = None) -> PageSection:
    """A section of the book ready for the page; ``only`` keeps those figures, in that order."""
    rows = section.rows
    if only is not None:
        by_key = {row.key: row for row in rows}
        rows = [by_key[key] for key in only if key in by_key]
    codes = {code for row in rows for code in (row.figure.breakdown or {})}
    names = _part_names(codes)
    english = is_english()
    anchor = "program" if section.kind == "program" else f"{section.kind}:{section.code}"
    return PageSection(
        kind=section.kind,
        anchor=anchor,
        title=(section.title_en if english else section.title_zh) if section.kind != "program" else _("全项目"),
        rows=[page_row(section.report, row, signed_in=signed_in, names=names) for row in rows],
        warnings=[w.message_en if english else w.message_zh for w in section.warnings],
    )


@dataclass
class TocEntry:
    anchor: str
    title: str
    section: PageSection | None = None


def report_page_context(book: ReportBook, *, signed_in: bool, standalone: bool = False) -> dict[str, Any]:
    """Everything reports/report.html shows: the headline, the program section, the outline of the
    areas and pairings (with their sections where the book computed them: the standalone file)."""
    english = is_english()
    computed = {f"{s.kind}:{s.code}": s for s in book.sections if s.kind != "program"}
    links = signed_in and not standalone
    entries: dict[str, list[TocEntry]] = {"area": [], "pairing": []}
    refs = book.outline.sections if book.outline is not None else []
    for ref in refs:
        section = computed.get(ref.anchor)
        if standalone and section is None:
            continue  # a section without figures is left out of the file, as before
        entries[ref.kind].append(
            TocEntry(
                ref.anchor,
                ref.title_en if english else ref.title_zh,
                page_section(section, signed_in=links) if section is not None else None,
            )
        )
    program = book.program
    return {
        "book": book,
        "standalone": standalone,
        "program_name": pick(program.name_zh, program.name_en),
        "headline": page_section(book.main, signed_in=links, only=HEADLINE_KEYS),
        # The page's first view has the year's figures only: the program's table opens on demand.
        "program_section": page_section(book.main, signed_in=links) if book.main_complete else None,
        "areas": entries["area"],
        "pairings": entries["pairing"],
        "groups": [
            ("areas", entries["area"], _("各受援地区")),
            ("pairings", entries["pairing"], _("各结对关系")),
        ],
        "narrative": book.narrative_en if english else book.narrative_zh,
    }
