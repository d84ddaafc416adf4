"""The demo program: Qingdao → Anshun & Tongren, 2009, as the yearbook entry tells it.

Figures the source states are loaded as facts (16.40 million yuan of city-government funds,
12 million yuan of materials from society, 152 projects, more than 50,000 beneficiaries, 12
districts paired with 12 counties). Where the source gives only a total, the records that add up
to it are generated deterministically and flagged ``is_illustrative`` — visible in the admin and
the API — never presented as fact.
"""

import csv
import datetime
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from counterpart.core.audit import Actor
from counterpart.enterprise.demo import enterprise_demo_load
from counterpart.funds import services as funds
from counterpart.funds.models import FundSource
from counterpart.indicators.assessment import assessment_open, assessment_self_assess
from counterpart.indicators.models import AssessmentArea, Qualifier
from counterpart.indicators.services import reported_value_enter
from counterpart.people.demo import people_demo_load
from counterpart.projects import services as projects
from counterpart.projects.models import OutputIndicator, ProjectCategory
from counterpart.registry import services as registry
from counterpart.registry.models import Area, OrganisationKind, Pairing, PairingLevel, Program
from counterpart.registry.services import AreaRow

DEMO_SLUG = "qingdao-guizhou"
DEMO_YEAR = 2009
SEED_CITATION = "《中国扶贫开发年鉴》青岛—贵州对口帮扶条目，2009年（青岛市对内经济协作办公室 马飞驰）"
ACTOR = Actor.system("demo")
DATA_DIR = Path(__file__).resolve().parent / "data"

FISCAL_AID_FEN = 16_400_000_00
SOCIAL_IN_KIND_FEN = 12_000_000_00

# 152 projects in the categories the source names; the split between them is illustrative.
PROJECTS_BY_CATEGORY: dict[str, int] = {
    ProjectCategory.VILLAGE_ADVANCEMENT: 40,
    ProjectCategory.PLANTING: 18,
    ProjectCategory.BREEDING: 16,
    ProjectCategory.VILLAGE_ROAD: 20,
    ProjectCategory.DRINKING_WATER: 18,
    ProjectCategory.IRRIGATION: 12,
    ProjectCategory.TRAINING: 10,
    ProjectCategory.EDUCATION: 10,
    ProjectCategory.HEALTH: 8,
}

TITLE_BY_CATEGORY: dict[str, tuple[str, str]] = {
    ProjectCategory.VILLAGE_ADVANCEMENT: (
        "整村推进扶贫开发村建设",
        "Village advancement of a development-oriented village",
    ),
    ProjectCategory.PLANTING: ("特色种植产业", "Cash-crop planting"),
    ProjectCategory.BREEDING: ("种草养畜", "Grass planting and animal husbandry"),
    ProjectCategory.VILLAGE_ROAD: ("通村公路", "Village road"),
    ProjectCategory.DRINKING_WATER: ("人畜饮水工程", "Drinking water for people and livestock"),
    ProjectCategory.IRRIGATION: ("小型农田水利", "Small-scale irrigation"),
    ProjectCategory.TRAINING: ("干部和专业技术培训", "Cadre and professional technical training"),
    ProjectCategory.EDUCATION: ("希望小学建设", "Hope Primary School"),
    ProjectCategory.HEALTH: ("村卫生室建设", "Village medical room"),
}

# Qingdao's twelve districts and county-level cities of 2009, each twinned with one county.
# The twelve counties chosen are illustrative: the source says only "12 districts ↔ 12 counties".
DISTRICT_COUNTY_PAIRS = [
    ("370202", "520402"),
    ("370203", "520403"),
    ("370205", "520422"),
    ("370211", "520423"),
    ("370212", "520424"),
    ("370213", "520425"),
    ("370214", "520623"),
    ("370282", "520624"),
    ("370281", "520625"),
    ("370283", "520626"),
    ("370284", "520627"),
    ("370285", "520628"),
]

# Goods donated by society in 2009, valued in yuan (the total is the source's; items illustrative).
IN_KIND_DONATIONS = [
    (FundSource.SOCIAL, "衣物被褥", 250_000, "件", 5_000_000_00),
    (FundSource.SOCIAL, "学习用品", 60_000, "套", 1_800_000_00),
    (FundSource.ENTERPRISE, "医疗设备", 120, "台", 2_700_000_00),
    (FundSource.ENTERPRISE, "农用物资（化肥、种子）", 900, "吨", 2_500_000_00),
]


# The source's cumulative line, for the thirteen years 1997–2009, as published.
CUMULATIVE_13_YEARS = [
    ("total_support", 1_000_000_000, Qualifier.MORE_THAN),
    ("fiscal_aid", 150_000_000, Qualifier.MORE_THAN),
    ("in_kind_value", 45_000_000, Qualifier.EXACT),
    ("projects", 800, Qualifier.MORE_THAN),
]

# Later domains add their part of the 2009 demo here; each is called with the loaded program,
# inside the demo's transaction.
DEMO_EXTENSIONS: list[Callable[[Program], None]] = [
    people_demo_load,
    enterprise_demo_load,
]


def demo_area_rows() -> Iterator[AreaRow]:
    with (DATA_DIR / "areas.csv").open(encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        for row in csv.DictReader(lines):
            yield AreaRow(
                code=row["code"],
                name_zh=row["name_zh"],
                name_en=row["name_en"],
                is_key_poverty_county=row["key_poverty_county"] == "1",
                abolished_year=int(row["abolished_year"]) if row["abolished_year"] else None,
                successor_code=row["successor_code"] or None,
            )


def _split(total: int, parts: int, rng: random.Random, *, minimum: int, step: int = 1) -> list[int]:
    """Split ``total`` into ``parts`` amounts, multiples of ``step`` and at least ``minimum``, adding up exactly."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    scale = (total - minimum * parts) / sum(weights)
    amounts = [minimum + int(w * scale) // step * step for w in weights]
    amounts[-1] += total - sum(amounts)
    return amounts


@dataclass
class DemoResult:
    created: bool
    program: Program


def demo_load() -> DemoResult:
    """Load the demo program once; a second call finds it and changes nothing."""
    existing = Program.objects.filter(slug=DEMO_SLUG).first()
    if existing is not None:
        return DemoResult(created=False, program=existing)
    with transaction.atomic():
        registry.areas_upsert(actor=ACTOR, rows=demo_area_rows(), source="demo/data/areas.csv")
        program = _load_program()
    return DemoResult(created=True, program=program)


def _area(code: str) -> Area:
    return Area.objects.get(code=code)


def _load_program() -> Program:
    qingdao = _area("3702")
    office = registry.organisation_create(
        actor=ACTOR,
        name_zh="青岛市对内经济协作办公室",
        name_en="Qingdao Domestic Economic Cooperation Office",
        kind=OrganisationKind.GOVERNMENT_OFFICE,
        area=qingdao,
    )
    program = registry.program_create(
        actor=ACTOR,
        slug=DEMO_SLUG,
        name_zh="青岛市—贵州省东西部扶贫协作",
        name_en="Qingdao–Guizhou East–West Pairing-off Poverty Alleviation",
        donor_area=qingdao,
        lead_organisation=office,
        start_year=1996,
        description="青岛市对口帮扶贵州省安顺市、铜仁市。Qingdao's support for Anshun and Tongren, Guizhou.",
    )
    start = datetime.date(1996, 5, 1)
    anshun = registry.pairing_create(
        actor=ACTOR,
        program=program,
        level=PairingLevel.CITY_CITY,
        donor_area=qingdao,
        recipient_area=_area("5204"),
        valid_from=start,
    )
    tongren = registry.pairing_create(
        actor=ACTOR,
        program=program,
        level=PairingLevel.CITY_CITY,
        donor_area=qingdao,
        recipient_area=_area("5206"),
        valid_from=start,
        valid_to=datetime.date(2015, 12, 31),
        note="2016年起铜仁市改由苏州市结对帮扶。From 2016 Tongren was paired with Suzhou.",
    )
    county_pairings = {}
    for district_code, county_code in DISTRICT_COUNTY_PAIRS:
        parent = anshun if county_code.startswith("5204") else tongren
        county_pairings[county_code] = registry.pairing_create(
            actor=ACTOR,
            program=program,
            level=PairingLevel.DISTRICT_COUNTY,
            parent=parent,
            donor_area=_area(district_code),
            recipient_area=_area(county_code),
            valid_from=datetime.date(2008, 1, 1),
            valid_to=parent.valid_to,
            is_illustrative=True,
            note="区县对应关系为示意数据。Which district twins which county is illustrative.",
        )
    _load_other_programs(qingdao)
    _load_projects_and_funds(program, {"5204": anshun, "5206": tongren}, county_pairings)
    _load_in_kind(program, anshun, tongren)
    for extension in DEMO_EXTENSIONS:
        extension(program)
    _load_assessment(county_pairings["520402"])
    reported_value_enter(
        actor=ACTOR,
        program=program,
        indicator_key="beneficiaries",
        year=DEMO_YEAR,
        value=50000,
        unit="persons",
        qualifier=Qualifier.MORE_THAN,
        citation=SEED_CITATION,
    )
    # "Over the 13 years … more than 1 billion Yuan …, of which more than 150 million Yuan was
    # financial fund and 45 million Yuan was material donation, … more than 800 … projects."
    for key, value, qualifier in CUMULATIVE_13_YEARS:
        reported_value_enter(
            actor=ACTOR,
            program=program,
            indicator_key=key,
            year=DEMO_YEAR - 12,
            year_to=DEMO_YEAR,
            value=value,
            qualifier=qualifier,
            citation=SEED_CITATION,
        )
    return program


# The donor side's self-assessment of 市南区 → 西秀区 (illustrative scores), so that the demo holds one
# assessment at the recipient side's step: 西秀区 (county-xixiu) confirms or disputes its figures next.
DEMO_SELF_SCORES = {
    AssessmentArea.ORGANISATION_LEADERSHIP: (92, "区委区政府主要领导赴西秀区调研对接2次（示意）"),
    AssessmentArea.TALENT_EXCHANGE: (88, "选派挂职干部3名、专业技术人员12名（示意）"),
    AssessmentArea.FUNDS: (90, "区级财政帮扶资金按协议拨付到位（示意）"),
    AssessmentArea.INDUSTRIAL_COOPERATION: (85, "引导2家企业落地西秀区（示意）"),
    AssessmentArea.LABOUR_COOPERATION: (86, "组织劳务输出培训3期（示意）"),
    AssessmentArea.DISTRICT_COUNTY_PAIRING: (91, "街道与乡镇结对4对（示意）"),
}


def _load_assessment(pairing: Pairing) -> None:
    assessment = assessment_open(actor=ACTOR, pairing=pairing, year=DEMO_YEAR)
    assessment_self_assess(
        actor=ACTOR,
        assessment=assessment,
        scores={area: (score, evidence) for area, (score, evidence) in DEMO_SELF_SCORES.items()},
        summary="市南区完成2009年度对口帮扶协议各项任务（示意数据）。",
    )


def _load_other_programs(qingdao: Area) -> None:
    """Qingdao's other twinnings of 2009 and its later East–West partners, for history."""
    others = [
        (
            "qingdao-tibet",
            "青岛市对口支援西藏日喀则市",
            "Qingdao's aid to Shigatse, Tibet",
            "5402",
            1995,
            None,
        ),
        (
            "qingdao-three-gorges",
            "青岛市对口支援三峡库区夷陵区",
            "Qingdao's aid to Yiling, Three Gorges",
            "420506",
            1992,
            None,
        ),
        (
            "qingdao-heze",
            "青岛市对口帮扶菏泽市曹县",
            "Qingdao's support for Cao County, Heze",
            "371721",
            2008,
            None,
        ),
    ]
    for slug, name_zh, name_en, code, since, until in others:
        program = registry.program_create(
            actor=ACTOR,
            slug=slug,
            name_zh=name_zh,
            name_en=name_en,
            donor_area=qingdao,
            start_year=since,
            end_year=until,
        )
        area = _area(code)
        level = PairingLevel.CITY_CITY if area.level == "prefecture" else PairingLevel.DISTRICT_COUNTY
        registry.pairing_create(
            actor=ACTOR,
            program=program,
            level=level,
            donor_area=qingdao,
            recipient_area=area,
            valid_from=datetime.date(since, 1, 1),
            note="起始日期为示意。Start date illustrative.",
            is_illustrative=True,
        )
    gansu = registry.program_create(
        actor=ACTOR,
        slug="qingdao-gansu",
        name_zh="青岛市—甘肃省东西部扶贫协作",
        name_en="Qingdao–Gansu East–West Pairing-off Poverty Alleviation",
        donor_area=qingdao,
        start_year=2016,
    )
    registry.pairing_create(
        actor=ACTOR,
        program=gansu,
        level=PairingLevel.CITY_CITY,
        donor_area=qingdao,
        recipient_area=_area("6212"),
        valid_from=datetime.date(2016, 1, 1),
    )
    registry.pairing_create(
        actor=ACTOR,
        program=gansu,
        level=PairingLevel.CITY_CITY,
        donor_area=qingdao,
        recipient_area=_area("6211"),
        valid_from=datetime.date(2021, 1, 1),
    )


def _load_projects_and_funds(
    program: Program, city_pairings: dict[str, Pairing], county_pairings: dict[str, Pairing]
) -> None:
    rng = random.Random(DEMO_YEAR)
    total_projects = sum(PROJECTS_BY_CATEGORY.values())
    budgets = _split(FISCAL_AID_FEN, total_projects, rng, minimum=20_000_00, step=100)
    counties = sorted(county_pairings)
    beneficiaries = _split(52_000, total_projects, rng, minimum=50)
    grassland_left = Decimal(15000)  # "grass-planting and animal husbandry projects of 15,000 mu"
    breeding_left = PROJECTS_BY_CATEGORY[ProjectCategory.BREEDING]

    county_areas = Area.objects.in_bulk(counties)  # one query, not one a project
    created = []
    number = 0
    for category, count in PROJECTS_BY_CATEGORY.items():
        title_zh, title_en = TITLE_BY_CATEGORY[category]
        for _ in range(count):
            county_code = counties[number % len(counties)]
            county = county_areas[county_code]
            budget = budgets[number]
            number += 1
            project = projects.project_propose(
                actor=ACTOR,
                program=program,
                code=f"QD-GZ-{DEMO_YEAR}-{number:03d}",
                title_zh=f"{county.name_zh}{title_zh}项目",
                title_en=f"{title_en}, {county.name_en}",
                category=category,
                recipient_area=county,
                pairing=county_pairings[county_code],
                year=DEMO_YEAR,
                budget_fen=budget,
                reported_beneficiaries=beneficiaries[number - 1],
                is_illustrative=True,
                on=datetime.date(DEMO_YEAR, 2, 15),
            )
            created.append(project)
            if category == ProjectCategory.BREEDING:
                share = (grassland_left / breeding_left).quantize(Decimal(1)) if breeding_left > 1 else grassland_left
                grassland_left -= share
                breeding_left -= 1
                projects.project_output_set(
                    actor=ACTOR,
                    project=project,
                    indicator=OutputIndicator.GRASSLAND_MU,
                    planned_quantity=share,
                    actual_quantity=share,
                )
            elif category == ProjectCategory.VILLAGE_ROAD:
                km = Decimal(rng.randint(20, 120)) / 10
                projects.project_output_set(
                    actor=ACTOR,
                    project=project,
                    indicator=OutputIndicator.ROAD_KM,
                    planned_quantity=km,
                    actual_quantity=km,
                )
            elif category == ProjectCategory.DRINKING_WATER:
                persons = rng.randint(200, 900)
                projects.project_output_set(
                    actor=ACTOR,
                    project=project,
                    indicator=OutputIndicator.DRINKING_WATER_PERSONS,
                    planned_quantity=persons,
                    actual_quantity=persons,
                )

    # Funds: the city government's 2009 commitment to each city, allocated, disbursed and spent.
    for city_code, pairing in city_pairings.items():
        city_projects = [p for p in created if p.recipient_area_id.startswith(city_code)]
        commitment = funds.ledger_commit(
            actor=ACTOR,
            program=program,
            date=datetime.date(DEMO_YEAR, 3, 1),
            source=FundSource.FISCAL_MUNICIPAL,
            amount_fen=sum(p.budget_fen for p in city_projects),
            pairing=pairing,
            recipient_area=pairing.recipient_area,
            description=f"{DEMO_YEAR}年青岛市财政援助{pairing.recipient_area.name_zh}资金",
            is_illustrative=True,
        )
        for index, project in enumerate(city_projects):
            month = 4 + index % 6
            funds.ledger_allocate(
                actor=ACTOR,
                commitment=commitment,
                project=project,
                date=datetime.date(DEMO_YEAR, month, 1),
                amount_fen=project.budget_fen,
                is_illustrative=True,
            )
            disbursement = funds.ledger_disburse(
                actor=ACTOR,
                commitment=commitment,
                project=project,
                date=datetime.date(DEMO_YEAR, month, 15),
                amount_fen=project.budget_fen,
                is_illustrative=True,
            )
            # The steps on their days of 2009 (funds allocated in the month, works begun after the money came).
            projects.project_approve(actor=ACTOR, project=project, on=datetime.date(DEMO_YEAR, month, 1))
            projects.project_start(actor=ACTOR, project=project, on=datetime.date(DEMO_YEAR, month, 20))
            if index % 10 != 0:  # most were finished within the year; a tenth were still being built
                funds.ledger_spend(
                    actor=ACTOR,
                    disbursement=disbursement,
                    date=datetime.date(DEMO_YEAR, 12, 20),
                    amount_fen=project.budget_fen,
                    is_illustrative=True,
                )
                projects.project_complete(actor=ACTOR, project=project, on=datetime.date(DEMO_YEAR, 12, 10))
                if index % 3:
                    projects.project_accept(actor=ACTOR, project=project, on=datetime.date(DEMO_YEAR, 12, 28))
            else:
                funds.ledger_spend(
                    actor=ACTOR,
                    disbursement=disbursement,
                    date=datetime.date(DEMO_YEAR, 12, 20),
                    amount_fen=project.budget_fen // 2,
                    is_illustrative=True,
                )


def _load_in_kind(program: Program, anshun: Pairing, tongren: Pairing) -> None:
    for index, (source, item, quantity, unit, value_fen) in enumerate(IN_KIND_DONATIONS):
        pairing = anshun if index % 2 == 0 else tongren
        funds.ledger_donate_in_kind(
            actor=ACTOR,
            program=program,
            date=datetime.date(DEMO_YEAR, 10 + index % 2, 10),
            source=source,
            value_fen=value_fen,
            item_description=item,
            item_quantity=quantity,
            item_unit=unit,
            pairing=pairing,
            recipient_area=pairing.recipient_area,
            description="青岛市社会各界捐赠物资",
            is_illustrative=True,
        )
