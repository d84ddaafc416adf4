"""The people part of the 2009 demo, as the yearbook entry tells it.

"human resource trainings for 650 cadres and technicians": five courses with 650 registered
participants (cadres need no identity number). "rural labor transfer trainings for more than 12000
people": courses known only by their reported numbers (12,160 in all), plus one course with a
registered list of 60 labourers, 40 of them placed in jobs — the two kinds are reported apart.
"financial aid for more than 1000 poor students": 1,020 students of registered poor households, each
aided with 500 yuan posted in the ledger against a social-donation commitment. "more than 100
development-oriented poverty alleviation villages": 110 villages with all five components complete,
linked to the demo's village-advancement projects. The households and their villages are also
reached by those projects (one household benefit each), so each person counts once however many
things reached them.

Names, identity numbers, villages chosen, amounts and dates are generated deterministically and
flagged ``is_illustrative``: they are not facts. Village codes are today's NBS statistical codes.
"""

import csv
import datetime
import random
from pathlib import Path

from counterpart.core.audit import Actor
from counterpart.funds.models import FundSource
from counterpart.funds.services import ledger_commit
from counterpart.projects.models import ComponentStatus, Project, ProjectCategory, VillageComponentKind
from counterpart.projects.villages import village_advancement_start, village_component_update
from counterpart.registry.models import Area, Organisation, Pairing, PairingLevel, Program
from counterpart.registry.services import AreaRow, areas_upsert

from . import services
from .identity import identity_compose
from .models import (
    BenefitKind,
    Household,
    Person,
    PovertyCause,
    Relation,
    Sex,
    TrainingKind,
)

ACTOR = Actor.system("demo")
YEAR = 2009
DATA_FILE = Path(__file__).resolve().parent / "data" / "demo_villages.csv"

CADRE_COURSES = 5
CADRES_PER_COURSE = 130  # 5 × 130 = 650
LABOUR_REPORTED = [
    1_200,
    980,
    1_050,
    1_120,
    890,
    1_010,
    960,
    1_030,
    1_100,
    940,
    870,
    1_010,
]  # one course per county, 12,160 in all
LABOUR_REGISTERED = 60
LABOUR_PLACED = 40
STUDENTS = 1_020
STUDENT_AID_FEN = 500_00

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟"
    "谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_MALE = ["伟", "强", "军", "勇", "杰", "涛", "明", "超", "华", "平", "刚", "林", "海", "波", "建国", "志强", "文"]
GIVEN_FEMALE = ["芳", "娟", "敏", "静", "丽", "艳", "霞", "燕", "玲", "桂英", "秀英", "红", "梅", "兰", "小红", "琴"]


class _Synthetic:
    """Deterministic synthetic persons with valid, distinct identity numbers."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.used: set[str] = set()

    def name(self, male: bool) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)

    def identity(self, prefix: str, born_from: int, born_to: int, male: bool) -> str:
        while True:
            birth = datetime.date(born_from, 1, 1) + datetime.timedelta(
                days=self.rng.randrange((datetime.date(born_to, 12, 31) - datetime.date(born_from, 1, 1)).days)
            )
            sequence = self.rng.randrange(0, 999)
            if sequence % 2 != (1 if male else 0):
                sequence += 1
            number = identity_compose(prefix, birth, sequence)
            if number not in self.used:
                self.used.add(number)
                return number


def demo_village_rows() -> list[AreaRow]:
    with DATA_FILE.open(encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        return [
            AreaRow(code=row["code"], name_zh=row["name_zh"], is_poverty_village=len(row["code"]) == 12)
            for row in csv.DictReader(lines)
        ]


def people_demo_load(program: Program) -> None:
    rows = demo_village_rows()
    areas_upsert(actor=ACTOR, rows=rows, source="people/data/demo_villages.csv")
    villages = list(Area.objects.filter(code__in=[r.code for r in rows if len(r.code) == 12]).order_by("code"))
    county_pairings = {
        p.recipient_area_id: p for p in program.pairings.filter(level=PairingLevel.DISTRICT_COUNTY).order_by("id")
    }
    synthetic = _Synthetic(YEAR)
    _villages_advance(program, villages, county_pairings)
    households = _households(program, villages, synthetic)
    _cadre_training(program, county_pairings, synthetic)
    _labour_training(program, county_pairings, households)
    _student_aid(program, county_pairings, households)


def _villages_advance(program: Program, villages: list[Area], county_pairings: dict[str, Pairing]) -> None:
    projects_by_county: dict[str, list[Project]] = {}
    for project in program.projects.filter(year=YEAR, category=ProjectCategory.VILLAGE_ADVANCEMENT).order_by("code"):
        projects_by_county.setdefault(project.recipient_area_id, []).append(project)
    for index, village in enumerate(villages):
        county = village.code[:6]
        advancement = village_advancement_start(
            actor=ACTOR,
            program=program,
            village=village,
            start_year=YEAR,
            pairing=county_pairings.get(county),
            is_illustrative=True,
        )
        candidates = projects_by_county.get(county, [])
        delivered_by = [candidates[index % len(candidates)]] if candidates else []
        for number, component in enumerate(VillageComponentKind.values):
            village_component_update(
                actor=ACTOR,
                advancement=advancement,
                component=component,
                status=ComponentStatus.COMPLETE,
                completed_on=datetime.date(YEAR, 6 + number, 10 + index % 15),
                evidence="验收记录（示意）",
                projects=delivered_by,
            )


def _households(program: Program, villages: list[Area], synthetic: _Synthetic) -> list[tuple[Area, int, int]]:
    """One registered household per aided student: head and student; (village, head id, student id).

    Loaded through the bulk services (one audit event each), as an importer would load a county's list.
    """
    causes = PovertyCause.values
    placed = [(index, villages[index % len(villages)]) for index in range(STUDENTS)]
    services.households_register_bulk(
        actor=ACTOR,
        rows=[
            services.HouseholdRow(
                number=f"DEMO-{village.code}-{index:04d}",
                village=village,
                poverty_cause=causes[index % len(causes)],
                helper_name=synthetic.name(index % 2 == 0),
                is_illustrative=True,
            )
            for index, village in placed
        ],
        year=YEAR,
        source="demo",
    )
    # By the numbers just written, which the unique index finds (no index serves LIKE 'DEMO-%' any more), with
    # their villages: registering a member reads the household's village (one query a household without).
    numbers = [f"DEMO-{village.code}-{index:04d}" for index, village in placed]
    households = {h.number: h for h in Household.objects.filter(number__in=numbers).select_related("village")}
    rows = []
    for index, village in placed:
        household = households[f"DEMO-{village.code}-{index:04d}"]
        prefix = village.code[:6]
        for relation, male, born in (
            (Relation.HEAD, index % 5 != 0, (1955, 1985)),
            (Relation.CHILD, index % 2 == 0, (1996, 2002)),
        ):
            rows.append(
                services.PersonRow(
                    name=synthetic.name(male),
                    sex=Sex.MALE if male else Sex.FEMALE,
                    area=village,
                    identity_number=synthetic.identity(prefix, born[0], born[1], male),
                    household=household,
                    relation=relation,
                    is_illustrative=True,
                )
            )
    services.persons_register_bulk(actor=ACTOR, rows=rows, source="demo")
    members: dict[tuple[int, str], int] = {
        (household_id, relation): pk
        for pk, household_id, relation in Person.objects.filter(
            household_id__in=[h.pk for h in households.values()]
        ).values_list("pk", "household_id", "relation")
    }
    first_project: dict[str, Project] = {}
    for project in program.projects.filter(year=YEAR, category=ProjectCategory.VILLAGE_ADVANCEMENT).order_by("code"):
        first_project.setdefault(project.recipient_area_id, project)
    created = []
    benefits = []
    for index, village in placed:
        household = households[f"DEMO-{village.code}-{index:04d}"]
        head, student = members[(household.pk, Relation.HEAD)], members[(household.pk, Relation.CHILD)]
        created.append((village, head, student))
        reached_by = first_project.get(village.code[:6])
        if reached_by is not None:  # the household is reached by its village's advancement project
            benefits += [
                services.BenefitRow(
                    person_id=person_id,
                    household_id=household.pk,
                    area_code=village.code,
                    kind=BenefitKind.PROJECT,
                    date=datetime.date(YEAR, 9, 1),
                    project_id=reached_by.pk,
                    pairing_id=reached_by.pairing_id,
                    is_illustrative=True,
                )
                for person_id in (head, student)
            ]
    services.benefits_record_bulk(actor=ACTOR, program=program, rows=benefits, source="demo")
    return created


def _office(program: Program) -> Organisation | None:
    return program.lead_organisation


def _cadre_training(program: Program, county_pairings: dict[str, Pairing], synthetic: _Synthetic) -> None:
    counties = sorted(county_pairings)
    county_areas = Area.objects.in_bulk(counties)
    for course in range(CADRE_COURSES):
        training = services.training_create(
            actor=ACTOR,
            program=program,
            kind=TrainingKind.CADRE_TECHNICIAN,
            title=f"{YEAR}年安顺、铜仁干部和专业技术人员培训班（第{course + 1}期）",
            place=program.donor_area,
            start_date=datetime.date(YEAR, 4 + course, 6),
            end_date=datetime.date(YEAR, 4 + course, 20),
            organiser=_office(program),
            is_illustrative=True,
        )
        trainees = []
        for number in range(CADRES_PER_COURSE):
            county = county_areas[counties[(course * CADRES_PER_COURSE + number) % len(counties)]]
            male = number % 3 != 0
            trainees.append(
                services.person_register(
                    actor=ACTOR,
                    row=services.PersonRow(
                        name=synthetic.name(male),
                        sex=Sex.MALE if male else Sex.FEMALE,
                        area=county,
                        is_illustrative=True,
                    ),
                )
            )
        services.training_participants_add(actor=ACTOR, training=training, persons=trainees)


def _labour_training(
    program: Program, county_pairings: dict[str, Pairing], households: list[tuple[Area, int, int]]
) -> None:
    counties = sorted(county_pairings)
    for county_code, participants in zip(counties, LABOUR_REPORTED, strict=True):
        services.training_create(
            actor=ACTOR,
            program=program,
            kind=TrainingKind.LABOUR_TRANSFER,
            title=f"{YEAR}年农村劳动力转移就业培训",
            place=Area.objects.get(code=county_code),
            start_date=datetime.date(YEAR, 3, 16),
            end_date=datetime.date(YEAR, 4, 15),
            organiser_name="青岛市与当地政府联合举办",
            pairing=county_pairings[county_code],
            reported_participants=participants,
            is_illustrative=True,
        )
    first = households[0][0].code[:6]
    listed = services.training_create(
        actor=ACTOR,
        program=program,
        kind=TrainingKind.LABOUR_TRANSFER,
        title=f"{YEAR}年家电装配技能培训（青岛）",
        place=program.donor_area,
        start_date=datetime.date(YEAR, 5, 4),
        end_date=datetime.date(YEAR, 5, 30),
        organiser=_office(program),
        pairing=county_pairings.get(first),
        is_illustrative=True,
    )
    heads = list(Person.objects.filter(pk__in=[head for _v, head, _s in households[:LABOUR_REGISTERED]]).order_by("id"))
    services.training_participants_add(actor=ACTOR, training=listed, persons=heads)
    for number, person in enumerate(heads[:LABOUR_PLACED]):
        services.job_placement_record(
            actor=ACTOR,
            program=program,
            person=person,
            training=listed,
            employer_name="青岛某家电制造企业（示意）",
            place=program.donor_area,
            start_date=datetime.date(YEAR, 6, 1),
            monthly_income_fen=(1_300 + 50 * (number % 5)) * 100,
            is_illustrative=True,
        )


def _student_aid(
    program: Program, county_pairings: dict[str, Pairing], households: list[tuple[Area, int, int]]
) -> None:
    """Each county's students aided in one batch, one disbursement per county."""
    commitment = ledger_commit(
        actor=ACTOR,
        program=program,
        date=datetime.date(YEAR, 8, 20),
        source=FundSource.SOCIAL,
        amount_fen=STUDENT_AID_FEN * len(households),
        description=f"{YEAR}年青岛市社会各界捐助贫困学生资金",
        is_illustrative=True,
    )
    students = Person.objects.in_bulk([student for _v, _h, student in households])
    by_county: dict[str, list[services.StudentAidRow]] = {}
    for village, _head, student_id in households:
        by_county.setdefault(village.code[:6], []).append(
            services.StudentAidRow(
                student=students[student_id], school_name=f"{village.name_zh}小学", amount_fen=STUDENT_AID_FEN
            )
        )
    for county_code, grants in sorted(by_county.items()):
        services.student_aid_grant_batch(
            actor=ACTOR,
            commitment=commitment,
            grants=grants,
            date=datetime.date(YEAR, 9, 1),
            pairing=county_pairings.get(county_code),
            recipient_area=Area.objects.get(code=county_code),
            is_illustrative=True,
        )
