"""The published record enters through the intake and comes back out of the report (issue 17).

The yearbook's pairing entries (fixtures/yearbook_pairing_entries.json, figures as published) are
written into intake workbooks as a program-office clerk would write them — units as the page prints
them, money in 万元, qualifiers as printed — imported with ``counterpart import`` only, and every
figure, breakdown part, cumulative block and pairing figure must come back from ``counterpart report
--format json`` with its value, unit and qualifier; every inconsistency the entries note is flagged.

The descriptive keys are mapped to catalogue keys here, in the test, not in the product. The setting —
programs (the national overview, whose donor is the nation; Qingdao's twinnings grouped under one program)
and pairings, whose start the pages do not state — enters through the intake too: each entry is one
workbook, a sheet for its programs, one for its pairings and one for its figures, as a clerk keeps it.
"""

import io
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from django.core.management import call_command

from counterpart.indicators.models import Indicator
from counterpart.intake.kinds import kind_get
from counterpart.registry.models import Area, Pairing, PairingLevel, Program
from counterpart.registry.services import AreaRow, areas_upsert, pairing_create

ENTRIES = json.loads((Path(__file__).parent / "fixtures" / "yearbook_pairing_entries.json").read_text("utf-8"))[
    "entries"
]

# Figures published for a program that groups the entry's own with others: (entry title, key) -> program.
GROUP_FIGURES = {
    ("Qingdao-Guizhou Pairing-off Poverty Alleviation", "all_levels_relief_funds_all_pairings"): "qingdao-twinnings",
}


@dataclass(frozen=True)
class Target:
    key: str
    dimension: str = ""
    part: str = ""
    partial: bool = False
    share_of: str = ""
    # A share the entry's notes state ("32.4 million is stated as 70% of fiscal aid"), typed as the qualifier.
    share: str = ""


# Descriptive key -> catalogue key (and, for a part, the dimension and part it is).
FIGURES: dict[str, Target] = {
    "fiscal_aid": Target("fiscal_aid"),
    "fiscal_aid_funds_and_materials": Target("fiscal_aid"),
    "fiscal_aid_total": Target("fiscal_aid"),
    "fiscal_aid_base": Target("fiscal_aid_base"),
    "additional_municipal": Target("fiscal_aid_additional", "level", "city"),
    "additional_district": Target("fiscal_aid_additional", "level", "district"),
    "fiscal_aid_for_relocation": Target(
        "fiscal_aid", "purpose", "relocation", partial=True, share_of="fiscal_aid", share="70% of"
    ),
    "relocation_projects": Target("projects", "category", "relocation", partial=True),
    "total_support": Target("total_support"),
    "social_donation_in_kind": Target("social_donation_in_kind"),
    "social_donation_cash": Target("social_donation_cash"),
    "material_donation": Target("in_kind_value"),
    "in_kind": Target("in_kind_value"),
    "in_kind_items": Target("in_kind_items"),
    "recipient_matching_funds": Target("recipient_matching_funds"),
    "projects": Target("projects"),
    "beneficiaries": Target("beneficiaries"),
    "cadres_trained": Target("cadres_trained"),
    "technicians_trained": Target("technicians_trained"),
    "persons_trained": Target("training_persons"),
    "training_person_times": Target("training_person_times"),
    "teachers_sent": Target("teachers_sent"),
    "labour_trained": Target("labour_trained"),
    "labour_transferred": Target("labour_transferred"),
    "students_aided": Target("students_aided"),
    "villages_advanced": Target("villages_advanced"),
    "grassland_mu": Target("grassland_mu"),
    "farmland_mu": Target("farmland_mu"),
    "road_km": Target("road_km"),
    "schools_built": Target("schools_built"),
    "drinking_water_persons": Target("drinking_water_persons"),
    "drinking_water_livestock": Target("drinking_water_livestock"),
    "houses_built": Target("houses_built"),
    "persons_relocated": Target("relocation_persons"),
    "households_relocated": Target("relocation_households"),
    "households_housing_solved": Target("housing_households"),
    "water_tanks": Target("water_tanks"),
    "water_pipelines_km": Target("water_pipelines_km"),
    "enterprise_assets_red_star": Target("enterprise_assets", "enterprise", "Red Star", partial=True),
    "taxes_paid_red_star": Target("taxes_paid", "enterprise", "Red Star", partial=True),
    "jobs_created_red_star": Target("jobs_created", "enterprise", "Red Star", partial=True),
    "people_helped_into_jobs_red_star": Target("people_helped_into_jobs", "enterprise", "Red Star", partial=True),
    "people_employed_all_enterprises": Target("enterprise_employment"),
    "matching_enterprises": Target("matching_enterprises"),
    "annual_output_matching": Target("annual_output", "enterprise", "matching enterprises", partial=True),
    "capacity_haier_refrigerators": Target("production_capacity", "product", "Haier refrigerators", partial=True),
    "capacity_hisense_tv": Target("production_capacity", "product", "Hisense televisions", partial=True),
    "participating_enterprises": Target("participating_enterprises"),
    "direct_sales": Target("direct_sales"),
    "order_value": Target("order_value"),
    "district_county_pairs": Target("district_county_pairs"),
    "jobs_created": Target("jobs_created"),
    "cooperation_agreements": Target("cooperation_agreements"),
    "agreed_investment": Target("agreed_investment"),
    "all_levels_relief_funds_all_pairings": Target("fiscal_aid"),
    "health_centres_built": Target("health_centres_built"),
    "enterprises_engaged": Target("enterprises_engaged"),
    "cadres_seconded": Target("cadres_seconded"),
    "cadre_trainings": Target("cadre_training_courses"),
    "cadre_training_person_times": Target("cadre_training_person_times"),
    "professionals_exchanged_person_times": Target("professionals_sent_person_times"),
    "technical_trainings": Target("technical_training_courses"),
    "labour_transferred_person_times": Target("labour_transferred_person_times"),
    "labour_training_courses": Target("labour_training_courses"),
    "labour_training_person_times": Target("labour_training_person_times"),
    "social_volunteers": Target("volunteers"),
}
# Breakdown name -> (catalogue key, dimension).
BREAKDOWNS: dict[str, tuple[str, str]] = {
    "fiscal_aid_by_recipient": ("fiscal_aid", "recipient"),
    "projects_by_category": ("projects", "category"),
    "fiscal_aid_base_by_level": ("fiscal_aid_base", "level"),
    "fiscal_aid_total_by_level_derived": ("fiscal_aid", "level"),
    "fiscal_aid_by_purpose": ("fiscal_aid", "purpose"),
    "by_source": ("total_support", "source"),
    "by_type": ("total_support", "type"),
}
# Programs and their places (the setting, entered through the registry's services).
PROGRAMS = {
    "Qingdao-Guizhou Pairing-off Poverty Alleviation": ("qingdao-guizhou", "3702"),
    "Qingdao - Guizhou Pairing-off Poverty Alleviation": ("qingdao-guizhou", "3702"),
    "Qingdao – Guizhou Pairing-off Poverty Alleviation": ("qingdao-guizhou", "3702"),
    "Shandong–Chongqing aid projects": ("shandong-chongqing", "37"),
    "Shenzhen - Guizhou Pairing-off Poverty Alleviation": ("shenzhen-guizhou", "4403"),
    "Zhejiang – Sichuan Pairing-off Poverty Alleviation": ("zhejiang-sichuan", "33"),
    "Beijing - Inner Mongolia Pairing-off Poverty Alleviation": ("beijing-inner-mongolia", "11"),
    "East-West Pairing-off Cooperation (national overview)": ("national-overview", "000000"),
}
# The programs' rows as a clerk enters them (slug, donor, grouped under): groups first.
PROGRAM_ROWS = [
    ("national-overview", "000000", ""),
    ("qingdao-twinnings", "3702", "national-overview"),
    ("qingdao-guizhou", "3702", "qingdao-twinnings"),
    ("shandong-chongqing", "37", "national-overview"),
    ("shenzhen-guizhou", "4403", "national-overview"),
    ("zhejiang-sichuan", "33", "national-overview"),
    ("beijing-inner-mongolia", "11", "national-overview"),
]
# Pairings (donor, recipient) of a program, district to county; the pages never say when these pairs began.
PAIRING_ROWS = {"shandong-chongqing": [("3701", "500232"), ("3705", "500242")]}
AREAS = [
    ("11", "北京市", "Beijing"),
    ("15", "内蒙古自治区", "Inner Mongolia"),
    ("33", "浙江省", "Zhejiang"),
    ("37", "山东省", "Shandong"),
    ("3701", "济南市", "Jinan"),
    ("3702", "青岛市", "Qingdao"),
    ("3705", "东营市", "Dongying"),
    ("44", "广东省", "Guangdong"),
    ("4403", "深圳市", "Shenzhen"),
    ("50", "重庆市", "Chongqing"),
    ("5002", "重庆市县", "Chongqing counties"),
    ("500232", "武隆县", "Wulong"),
    ("500242", "酉阳土家族苗族自治县", "Youyang"),
    ("51", "四川省", "Sichuan"),
    ("52", "贵州省", "Guizhou"),
]
QUALIFIERS = {None: None, "more than": "more_than", "nearly": "nearly", "about": "about"}
# The same page's second values for one figure (the entry's notes), entered from "another section".
SECOND_VALUES = {
    "Zhejiang – Sichuan Pairing-off Poverty Alleviation": [
        ("agreed_investment", 800_000_000, "yuan", None),
        ("jobs_created", 2000, "persons", "nearly"),
    ]
}


@dataclass
class Expected:
    program: str
    year: int
    year_to: int | None
    key: str
    value: Decimal
    qualifier: str | None
    pairing: str = ""
    dimension: str = ""
    part: str = ""
    share_of: str = ""
    share_percent: Decimal | None = None


def _cell(value: Any, unit: str) -> tuple[Any, str]:
    """Money as a clerk copies it from a Chinese page: in 万元 (exact decimals as text)."""
    if unit == "yuan":
        return f"{(Decimal(str(value)) / 10_000).normalize():f}", "万元"
    return str(value), unit


def _row(expected: Expected, unit: str, partial: bool, citation: str, raw_qualifier: str | None, preferred: bool):
    value, unit_text = _cell(expected.value, unit)
    return {
        "program": expected.program,
        "indicator_key": expected.key,
        "year": expected.year,
        "year_to": expected.year_to or "",
        "pairing": expected.pairing,
        "breakdown_dimension": expected.dimension,
        "breakdown_code": expected.part,
        "breakdown_partial": "是" if partial else "",
        "value": value,
        "unit": unit_text,
        "qualifier": raw_qualifier or "",
        "share_of": expected.share_of,
        "citation": citation,
        "preferred": "是" if preferred else "",
    }


def _figure(program: str, year: int, year_to: int | None, name: str, published: list, citation: str, **where: Any):
    target = FIGURES[name]
    value, unit, raw = published
    raw = raw or target.share or None
    share = raw if raw and "%" in raw else None
    expected = Expected(
        program,
        year,
        year_to,
        target.key,
        Decimal(str(value)),
        QUALIFIERS[raw] if not share else None,
        dimension=target.dimension,
        part=target.part,
        share_of=target.share_of if share else "",
        share_percent=Decimal(share.split("%")[0]) if share else None,
        **where,
    )
    return expected, _row(expected, unit, target.partial, citation, raw, preferred=False)


def _workbook_rows(entry: dict) -> tuple[list[Expected], list[dict]]:
    program, _donor = PROGRAMS[entry["title"]]
    year, citation = entry["year"], entry["citation"]
    expected: list[Expected] = []
    rows: list[dict] = []
    for name, published in entry["figures"].items():
        owner = GROUP_FIGURES.get((entry["title"], name), program)
        wanted, row = _figure(owner, year, None, name, published, citation)
        if entry["title"] in SECOND_VALUES and name in {key for key, *_ in SECOND_VALUES[entry["title"]]}:
            row["preferred"] = "是"
        expected.append(wanted)
        rows.append(row)
    for name, parts in entry.get("breakdowns", {}).items():
        key, dimension = BREAKDOWNS[name]
        unit = Indicator.objects.get(key=key).unit
        for part, value in parts.items():
            wanted = Expected(program, year, None, key, Decimal(str(value)), None, dimension=dimension, part=part)
            expected.append(wanted)
            rows.append(_row(wanted, unit, False, citation, None, preferred=False))
    for span, figures in entry.get("cumulative", {}).items():
        first, last = (int(y) for y in span.split("_"))
        for name, published in figures.items():
            wanted, row = _figure(program, first, last, name, published, citation)
            expected.append(wanted)
            rows.append(row)
    for pairing, figures in entry.get("pairings", {}).items():
        for name, value in figures.items():
            unit = Indicator.objects.get(key=FIGURES[name].key).unit
            wanted, row = _figure(program, year, None, name, [value, unit, None], citation, pairing=pairing)
            expected.append(wanted)
            rows.append(row)
    for key, value, unit, raw in SECOND_VALUES.get(entry["title"], []):
        second = Expected(program, year, None, key, Decimal(value), QUALIFIERS[raw])
        rows.append(_row(second, unit, False, f"{citation} (another section)", raw, preferred=False))
    return expected, rows


def _entry_workbook(path: Path, rows: list[dict]) -> Path:
    """One entry's workbook: its programs (with the programs that group them), its pairings, its figures."""
    owners = {row["program"] for row in rows}
    return _workbook(
        path,
        [("programs", _program_rows(owners)), ("pairings", _pairing_rows(owners)), ("reported_values", rows)],
    )


def _program_rows(slugs: set[str]) -> list[dict]:
    """The programs' rows, with every program above them, groups first (as PROGRAM_ROWS lists them)."""
    group_of = {slug: group for slug, _donor, group in PROGRAM_ROWS}
    wanted = set()
    for slug in slugs:
        while slug:
            wanted.add(slug)
            slug = group_of[slug]
    return [
        {"slug": slug, "name_zh": slug, "donor_area": donor, "group": group, "start_year": 1996}
        for slug, donor, group in PROGRAM_ROWS
        if slug in wanted
    ]


def _pairing_rows(slugs: set[str]) -> list[dict]:
    # The start is left blank: no page states it.
    return [
        {"program": slug, "level": "区—县", "donor_area": donor, "recipient_area": recipient}
        for slug in sorted(slugs)
        for donor, recipient in PAIRING_ROWS.get(slug, [])
    ]


def _workbook(path: Path, sheets: list[tuple[str, list[dict]]]) -> Path:
    """A workbook with a sheet per kind (named by the kind's Chinese name), Chinese headers; empty kinds left out."""
    workbook = xlsxwriter.Workbook(str(path))
    for kind_key, rows in sheets:
        if not rows:
            continue
        kind = kind_get(kind_key)
        sheet = workbook.add_worksheet(kind.name_zh)
        keys = list(rows[0])
        sheet.write_row(0, 0, [kind.column(key).header_zh for key in keys])
        for number, row in enumerate(rows, start=1):
            sheet.write_row(number, 0, [row[key] for key in keys])
    workbook.close()
    return path


def _setting(actor, tmp_path: Path) -> None:
    """Areas as reference data; every program and pairing through the intake, in one workbook."""
    areas_upsert(actor=actor, rows=[AreaRow(code, zh, en) for code, zh, en in AREAS], source="test")
    slugs = {slug for slug, _donor, _group in PROGRAM_ROWS}
    path = _workbook(
        tmp_path / "setting.xlsx", [("programs", _program_rows(slugs)), ("pairings", _pairing_rows(slugs))]
    )
    call_command("intake_import", str(path), stdout=io.StringIO())


def _report(program: str, year: int, year_to: int | None = None) -> dict:
    out = io.StringIO()
    options: dict[str, Any] = {"program": program, "year": year, "format": "json", "stdout": out}
    if year_to:
        options["to_year"] = year_to
    call_command("report", **options)
    return json.loads(out.getvalue())


def _found(report: dict, expected: Expected) -> dict:
    """The published value an Expected names, from the report's JSON."""
    section = report
    if expected.pairing:
        [section] = [s for s in report["pairings"].values() if _pairing_title(s) == expected.pairing]
    figure = section["indicators"].get(expected.key) or section.get("parts_without_total", {}).get(expected.key)
    assert figure is not None, f"{expected.key} missing from {expected.program} {expected.year}"
    assert figure["unit"] == Indicator.objects.get(key=expected.key).unit
    if not expected.part:
        return figure
    return figure["breakdowns"][expected.dimension]["parts"][expected.part]


def _pairing_title(section: dict) -> str:
    return section["title_en"].replace(" – ", "->")


def _assert_comes_back(report: dict, expected: Expected) -> None:
    found = _found(report, expected)
    assert Decimal(str(found["value"])) == expected.value, expected
    assert found.get("qualifier") == expected.qualifier, expected
    if expected.share_percent is not None:
        assert found["share"] == {"percent": int(expected.share_percent), "of": expected.share_of}


@pytest.mark.django_db
def test_yearbook_entries_enter_through_the_intake_and_come_back_from_the_report(actor, tmp_path) -> None:
    # given the areas the entries speak of, as reference data
    areas_upsert(actor=actor, rows=[AreaRow(code, zh, en) for code, zh, en in AREAS], source="test")
    expected: list[Expected] = []
    # when each entry is written into one workbook as a clerk would (its programs, pairings and figures,
    # a sheet each) and imported with `counterpart import`
    for number, entry in enumerate(ENTRIES):
        entry_expected, rows = _workbook_rows(entry)
        expected += entry_expected
        out = io.StringIO()
        call_command("intake_import", str(_entry_workbook(tmp_path / f"entry-{number}.xlsx", rows)), stdout=out)
        assert "workbook" in out.getvalue(), out.getvalue()
    # then every figure, part, cumulative block and pairing figure comes back with value, unit and qualifier
    reports: dict[tuple[str, int, int | None], dict] = {}
    for wanted in expected:
        span = (wanted.program, wanted.year, wanted.year_to)
        if span not in reports:
            reports[span] = _report(*span)
        _assert_comes_back(reports[span], wanted)
    published = [
        (entry["title"], name)
        for entry in ENTRIES
        for block in (
            entry["figures"],
            *entry.get("breakdowns", {}).values(),
            *entry.get("cumulative", {}).values(),
            *entry.get("pairings", {}).values(),
        )
        for name in block
    ]
    assert len(expected) == len(published)

    # and the setting came in through the intake: the national overview's donor is the nation, Qingdao's
    # twinnings are grouped under one program, and pairings whose start no page states are kept as not stated
    assert Program.objects.get(slug="national-overview").donor_area.level == "nation"
    assert Program.objects.get(slug="qingdao-guizhou").group == Program.objects.get(slug="qingdao-twinnings")
    assert not Pairing.objects.filter(program__slug="shandong-chongqing", start_stated=True).exists()

    # and every inconsistency the entries note is flagged
    checks = {(span, w["indicator"], w["check"]) for span, report in reports.items() for w in report["warnings"]} | {
        (span, w["indicator"], w["check"])
        for span, report in reports.items()
        for section in report["pairings"].values()
        for w in section["warnings"]
    }
    # 2010: the category counts add up to 113, the stated total is 111
    assert (("qingdao-guizhou", 2010, None), "projects", "breakdown_mismatch") in checks
    # 2011: two breakdowns of fiscal aid (by level, by component) add up each on its own: no false mismatch
    assert not [c for c in checks if c[0] == ("qingdao-guizhou", 2011, None)]
    # 2011 Zhejiang: the page's second values stand beside the first, flagged, the preferred one shown
    zhejiang = reports[("zhejiang-sichuan", 2011, None)]
    assert (("zhejiang-sichuan", 2011, None), "agreed_investment", "conflicting_entries") in checks
    assert (("zhejiang-sichuan", 2011, None), "jobs_created", "conflicting_entries") in checks
    assert zhejiang["indicators"]["jobs_created"]["value"] == 4058
    assert [a["value"] for a in zhejiang["indicators"]["jobs_created"]["alternatives"]] == [2000]
    # 2014: 32.4 million stated as 70% of fiscal aid: the total is shown as derived, never as published
    shandong = reports[("shandong-chongqing", 2014, None)]
    assert "fiscal_aid" not in shandong["indicators"]
    assert shandong["derived"]["fiscal_aid"]["value"] == pytest.approx(46285714.29)
    assert shandong["derived"]["fiscal_aid"]["source"] == "derived"
    # 2014: one pair's 102 km of road against 82.6 km program-wide
    assert (("shandong-chongqing", 2014, None), "road_km", "pairing_exceeds_program") in checks
    # and the text report names the parts and says which total is derived
    text = io.StringIO()
    call_command("report", program="shandong-chongqing", year=2014, format="text", language="en", stdout=text)
    assert "purpose / relocation: 32.4 million yuan" in text.getvalue()
    assert "Fiscal aid: 46.29 million yuan (derived, not published)" in text.getvalue()


@pytest.mark.django_db
def test_yearbook_a_recipient_that_changed_donor_mid_year_is_flagged(actor, tmp_path) -> None:
    # given Wulong paired with Jinan until June 2014 and with Dongying from July
    _setting(actor, tmp_path)
    Pairing.objects.filter(recipient_area_id="500232").update(valid_to=date(2014, 6, 30))
    pairing_create(
        actor=actor,
        program=Pairing.objects.get(recipient_area_id="500232").program,
        level=PairingLevel.DISTRICT_COUNTY,
        donor_area=Area.objects.get(code="3705"),
        recipient_area=Area.objects.get(code="500232"),
        valid_from=date(2014, 7, 1),
    )
    # then the 2014 report flags the overlap, and 2015's does not
    checks = {w["check"] for w in _report("shandong-chongqing", 2014)["warnings"]}
    assert "pairings_overlap" in checks
    assert "pairings_overlap" not in {w["check"] for w in _report("shandong-chongqing", 2015)["warnings"]}
