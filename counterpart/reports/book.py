"""The full annual report of a program: every indicator program-wide, per recipient area and per
pairing, against the previous year and the targets, with data-quality warnings and a narrative.

Renderers (JSON, text, HTML, XLSX, PDF) all take a ReportBook, so every format shows the same
figures.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from counterpart.indicators.catalogue import catalogue_rows
from counterpart.indicators.models import Indicator, Target
from counterpart.registry.models import Area, Pairing, PairingLevel, PeriodLock, Program
from counterpart.registry.selectors import area_in_force, pairings_active_in_year

from .annual import AnnualReport, Figure, Scope, report_annual
from .narrative import narrative_en, narrative_zh
from .quality import QualityWarning, report_quality
from .selectors import certified_differences

# Catalogue order (docs/indicators.md), then users' own indicators by key.
_CATALOGUE_ORDER = {row["key"]: position for position, row in enumerate(catalogue_rows())}


def indicator_order(key: str) -> tuple[int, str]:
    return (_CATALOGUE_ORDER.get(key, len(_CATALOGUE_ORDER)), key)


@dataclass
class Row:
    key: str
    name_zh: str
    name_en: str
    figure: Figure
    previous: Figure | None = None
    target: Decimal | None = None

    @property
    def change(self) -> Decimal | None:
        if self.previous is None:
            return None
        return Decimal(self.figure.value) - Decimal(self.previous.value)

    @property
    def change_percent(self) -> Decimal | None:
        if self.previous is None or Decimal(self.previous.value) == 0:
            return None
        return (Decimal(self.figure.value) - Decimal(self.previous.value)) / Decimal(self.previous.value) * 100

    @property
    def attainment_percent(self) -> Decimal | None:
        if self.target is None or self.target == 0:
            return None
        return Decimal(self.figure.value) / self.target * 100

    def as_json(self) -> dict[str, Any]:
        data = self.figure.as_json()
        if self.previous is not None:
            data["previous"] = self.previous.as_json()["value"]
        if self.target is not None:
            data["target"] = int(self.target) if self.target == self.target.to_integral_value() else float(self.target)
            attainment = self.attainment_percent
            if attainment is not None:
                data["attainment_percent"] = round(float(attainment), 1)
        return data


@dataclass
class Section:
    kind: str  # program | area | pairing
    title_zh: str
    title_en: str
    report: AnnualReport
    rows: list[Row]
    warnings: list[QualityWarning]
    code: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "indicators": {row.key: row.as_json() for row in self.rows},
            **self.report.published_extras(),
            "warnings": [w.as_json() for w in self.warnings],
        }


@dataclass
class ReportBook:
    program: Program
    year: int
    year_to: int | None
    sections: list[Section] = field(default_factory=list)
    locked: bool = False
    outline: "Outline | None" = None
    # False for the page's first view: the program section holds this year's figures only (no
    # previous year, targets or warnings) until it is opened.
    main_complete: bool = True

    @property
    def main(self) -> Section:
        return self.sections[0]

    @property
    def years_label(self) -> str:
        return f"{self.year}–{self.year_to}" if self.year_to else str(self.year)

    @property
    def narrative_zh(self) -> str:
        return narrative_zh(self.main.report)

    @property
    def narrative_en(self) -> str:
        return narrative_en(self.main.report)

    def as_json(self) -> dict[str, Any]:
        """The stable shape of the foundation issue, plus sections, warnings and the narrative."""
        data = self.main.report.as_json()
        for row in self.main.rows:
            data["indicators"][row.key] = row.as_json()
        data["warnings"] = [w.as_json() for w in self.main.warnings]
        data["areas"] = {s.code: s.as_json() for s in self.sections if s.kind == "area"}
        data["pairings"] = {s.code: s.as_json() for s in self.sections if s.kind == "pairing"}
        data["narrative"] = {"zh": self.narrative_zh, "en": self.narrative_en}
        data["locked"] = self.locked
        return data


def _rows(report: AnnualReport, previous: AnnualReport | None, targets: dict[str, Decimal]) -> list[Row]:
    names = {i.key: (i.name_zh, i.name_en) for i in Indicator.objects.filter(key__in=list(report.figures))}
    rows = []
    for key in sorted(report.figures, key=indicator_order):
        name_zh, name_en = names.get(key, (key, key))
        rows.append(
            Row(
                key=key,
                name_zh=name_zh,
                name_en=name_en,
                figure=report.figures[key],
                previous=previous.figures.get(key) if previous else None,
                target=targets.get(key),
            )
        )
    return rows


def _targets(program: Program, year: int, scope: Scope) -> dict[str, Decimal]:
    targets = Target.objects.filter(program=program, year=year).select_related("indicator")
    if scope.pairing_id is not None:
        targets = targets.filter(pairing_id=scope.pairing_id, area__isnull=True)
    elif scope.area_code is not None:
        targets = targets.filter(area_id=scope.area_code, pairing__isnull=True)
    else:
        targets = targets.filter(pairing__isnull=True, area__isnull=True)
    return {t.indicator.key: t.value for t in targets}


def _section(
    kind: str,
    title_zh: str,
    title_en: str,
    program: Program,
    year: int,
    year_to: int | None,
    scope: Scope,
    code: str = "",
) -> Section | None:
    report = report_annual(program, year, year_to, scope=scope)
    if kind != "program" and not report.figures:
        return None
    previous = None
    if year_to is None:
        previous = report_annual(program, year - 1, scope=scope)
    targets = _targets(program, year, scope) if year_to is None else {}
    return Section(
        kind=kind,
        title_zh=title_zh,
        title_en=title_en,
        report=report,
        rows=_rows(report, previous, targets),
        warnings=report_quality(report, previous),
        code=code,
    )


@dataclass(frozen=True)
class SectionRef:
    """A section of the report before it is computed: what the table of contents names."""

    kind: str  # area | pairing
    code: str
    title_zh: str
    title_en: str
    scope: Scope

    @property
    def anchor(self) -> str:
        return f"{self.kind}:{self.code}"


@dataclass(frozen=True)
class Outline:
    """The report's areas and pairings (cheap: the registry only), in the order the book prints them."""

    pairings: list[Pairing]
    sections: list[SectionRef]

    def find(self, anchor: str) -> SectionRef | None:
        return next((ref for ref in self.sections if ref.anchor == anchor), None)


def report_outline(program: Program, year: int, year_to: int | None = None) -> Outline:
    """The areas (as the divisions in force in the report's last year) and the pairings of a report."""
    last = year_to or year
    pairings = list(
        pairings_active_in_year(program, last)
        .filter(level__in=[PairingLevel.CITY_CITY, PairingLevel.DISTRICT_COUNTY, PairingLevel.PROVINCE_PROVINCE])
        .select_related("donor_area", "recipient_area")
        .order_by("recipient_area_id")
    )
    # Each recipient as the division in force in the report's last year: a county recoded in 2011 is
    # its 2010 self in a 2010 report and its successor in a 2012 one (registry/history.py).
    in_force = {
        area_in_force(area, last)
        for area in Area.objects.filter(code__in={p.recipient_area_id for p in pairings}).select_related("successor")
    }
    refs = [
        SectionRef("area", area.code, area.name_zh, area.name_en or area.code, Scope(area_code=area.code))
        for area in sorted(in_force, key=lambda a: a.code)
    ]
    for pairing in pairings:
        donor = area_in_force(pairing.donor_area, last)
        recipient = area_in_force(pairing.recipient_area, last)
        refs.append(
            SectionRef(
                "pairing",
                str(pairing.pk),
                f"{donor.name_zh}—{recipient.name_zh}",
                f"{donor.name_en or donor.code} – {recipient.name_en or recipient.code}",
                Scope.of_pairing(pairing),
            )
        )
    return Outline(pairings=pairings, sections=refs)


def report_section(
    program: Program, year: int, year_to: int | None, ref: SectionRef, main: Section | None = None
) -> Section | None:
    """One area's or pairing's section (None when it has no figures); ``main`` for the pairing checks."""
    year_to = year_to if year_to != year else None
    section = _section(ref.kind, ref.title_zh, ref.title_en, program, year, year_to, ref.scope, ref.code)
    if section is not None and ref.kind == "pairing" and main is not None:
        section.warnings += pairing_exceeds_program(section, main)
    return section


def report_book(program: Program, year: int, year_to: int | None = None, *, detail: bool = True) -> ReportBook:
    """The report of a program for a year (or a range): program-wide first, then by area and pairing.

    Without ``detail`` only the program-wide section is computed; the outline (areas and pairings by
    name) is there all the same, for a page that computes a section when its reader opens it.
    """
    year_to = year_to if year_to != year else None
    book = ReportBook(program=program, year=year, year_to=year_to)
    book.locked = (
        year_to is None and PeriodLock.objects.filter(program=program, year=year, unlocked_at__isnull=True).exists()
    )
    main = _section("program", "全项目", "Program-wide", program, year, year_to, Scope())
    assert main is not None
    if year_to is None:
        main.warnings += _certified_differences(program, year, main)
    book.sections.append(main)
    if not detail:
        return book
    outline = report_outline(program, year, year_to)
    book.outline = outline
    main.warnings += pairings_overlapping(outline.pairings, year_to or year)
    for ref in outline.sections:
        section = report_section(program, year, year_to, ref, main)
        if section:
            book.sections.append(section)
    return book


def report_page_book(program: Program, year: int, year_to: int | None = None) -> ReportBook:
    """What the report page computes at once: the year's figures for the headline and the narrative,
    and the outline of the sections. The program-wide table (against the previous year and the
    targets, with its warnings) is ``report_program_section``, computed when it is opened."""
    year_to = year_to if year_to != year else None
    book = ReportBook(program=program, year=year, year_to=year_to, main_complete=False)
    book.locked = (
        year_to is None and PeriodLock.objects.filter(program=program, year=year, unlocked_at__isnull=True).exists()
    )
    report = report_annual(program, year, year_to, scope=Scope())
    book.sections.append(Section("program", "全项目", "Program-wide", report, _rows(report, None, {}), []))
    book.outline = report_outline(program, year, year_to)
    return book


def report_program_section(program: Program, year: int, year_to: int | None = None) -> Section:
    """The program-wide section with every warning the full book gives it."""
    year_to = year_to if year_to != year else None
    main = _section("program", "全项目", "Program-wide", program, year, year_to, Scope())
    assert main is not None
    if year_to is None:
        main.warnings += _certified_differences(program, year, main)
    main.warnings += pairings_overlapping(report_outline(program, year, year_to).pairings, year_to or year)
    return main


def pairings_overlapping(pairings: list[Pairing], year: int) -> list[QualityWarning]:
    """A recipient paired with two donors at one level in one year (a donor changed mid-year, or an error)."""
    by_recipient: dict[tuple[str, str], list[Pairing]] = {}
    for pairing in pairings:
        by_recipient.setdefault((pairing.recipient_area_id, pairing.level), []).append(pairing)
    warnings = []
    for (code, _level), pairs in sorted(by_recipient.items()):
        donors = sorted({p.donor_area.name_zh for p in pairs})
        if len(pairs) < 2:
            continue
        recipient = pairs[0].recipient_area
        warnings.append(
            QualityWarning(
                "district_county_pairs",
                "pairings_overlap",
                f"{year} 年{recipient.name_zh}有 {len(pairs)} 个结对：{'、'.join(donors)}",
                f"{year}: {recipient.name_en or code} has {len(pairs)} pairings ({', '.join(donors)})",
            )
        )
    return warnings


def pairing_exceeds_program(section: Section, main: Section) -> list[QualityWarning]:
    """A pairing's figure larger than the program's for the same years (102 km for one pair, 82.6 km in all)."""
    warnings = []
    for key, figure in section.report.figures.items():
        whole = main.report.figures.get(key)
        if whole is None or whole.unit != figure.unit or Decimal(figure.value) <= Decimal(whole.value):
            continue
        warnings.append(
            QualityWarning(
                key,
                "pairing_exceeds_program",
                f"结对数值 {figure.value:,} 大于全项目 {whole.value:,}",
                f"the pairing's figure ({figure.value:,}) is larger than the program's ({whole.value:,})",
            )
        )
    return warnings


def _certified_differences(program: Program, year: int, main: Section) -> list[QualityWarning]:
    """A figure that differs from the certified report of its year never changes silently."""
    now = {key: figure.as_json() for key, figure in main.report.figures.items()}
    return [
        QualityWarning(
            key,
            "differs_from_certified",
            f"与已核定报告不同：核定时为 {before}，现为 {after}",
            f"differs from the certified report: {before} when certified, {after} now",
        )
        for key, before, after in certified_differences(program, year, now)
    ]
