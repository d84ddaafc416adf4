"""A realistic synthetic national dataset, deterministic for a seed, written by bulk paths.

Scale 1.0 is the national East–West effort at its height: 832 poor counties in the west paired
with eastern districts, 128,000 poor villages, 1 million projects, about 10 million ledger
postings (and, with the people registry, 90 million persons). 0.1 and 0.01 are for daily use.

Synthetic divisions use prefecture numbers 91–98 of real provinces, which no real prefecture
uses, and names that say they are synthetic; every generated record is flagged illustrative
where the model has the flag. Records are generated consistent with the domain's rules (every
transaction balances, nothing is disbursed beyond its commitment), then written by COPY; one
audit event records the run. ``counterpart check-integrity`` (a later issue) and the tests
verify the rules hold on the result.
"""

import datetime
import hashlib
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q

from counterpart.core.audit import Actor, audit_record_bulk
from counterpart.funds.models import Account, AccountType, FundSource, LedgerTransaction, Posting, TransactionKind
from counterpart.funds.services import ledger_accounts_ensure
from counterpart.funds.summary import ledger_summary_rebuild
from counterpart.people.identity import identity_blind_index, identity_compose, identity_encrypt
from counterpart.people.models import Benefit, BenefitKind, Household, Person, PovertyCause, Relation, Sex
from counterpart.people.summary import beneficiary_summary_rebuild
from counterpart.projects.models import DAC_PURPOSE_BY_CATEGORY, Project, ProjectCategory
from counterpart.registry.models import Area, AreaLevel, Pairing, PairingLevel, Program

from .bulk import bulk_write, next_id, sequences_reset
from .extras import enterprises_planned, synth_trainings_and_enterprises, trainings_planned

WESTERN_PROVINCES = ["52", "53", "62", "63", "64", "65", "45", "50", "51", "54", "61", "15"]
EASTERN_PROVINCES = ["11", "12", "31", "32", "33", "35", "37", "44"]
YEARS = (2016, 2017, 2018, 2019, 2020)
SYNTH_PREFECTURES = [str(n) for n in range(91, 99)]

# Bytes on disk per row, measured on PostgreSQL 15 with indexes (for the estimate printed first).
BYTES_PER_ROW = {
    "areas": 220,
    "projects": 420,
    "transactions": 260,
    "postings": 120,
    "persons": 520,
    "households": 200,
    "benefits": 260,
    "trainings": 300,
    "enterprises": 1500,  # organisations, profile, operation, agreement and about three yearly reports
}
ROWS_PER_SECOND = {
    "areas": 150_000,
    "projects": 60_000,
    "transactions": 80_000,
    "postings": 200_000,
    "persons": 7_000,  # validated, encrypted and indexed: measured 6,300/s with benefits here
    "households": 100_000,
    "benefits": 100_000,
    "trainings": 50_000,
    "enterprises": 5_000,
}


@dataclass(frozen=True)
class Plan:
    scale: float
    seed: int
    counties: int
    villages: int
    donor_districts: int
    projects: int
    persons: int = 0

    @property
    def villages_per_county(self) -> int:
        return max(1, math.ceil(self.villages / self.counties))

    @property
    def townships_per_county(self) -> int:
        return max(1, math.ceil(self.villages_per_county / 20))

    @property
    def transactions(self) -> int:
        # per project: allocation, two disbursement tranches, two expenditures; per pairing-year a commitment
        return self.projects * 5 + self.counties * len(YEARS)

    @property
    def postings(self) -> int:
        return self.transactions * 2

    @property
    def households(self) -> int:
        return math.ceil(self.persons / 3)

    @property
    def benefits(self) -> int:
        # about three in five persons are reached in one year, two in five in two years
        return self.persons * 7 // 5

    @property
    def areas(self) -> int:
        return self.counties * (1 + self.townships_per_county) + self.villages + self.donor_districts + 200

    def estimate(self) -> dict[str, float]:
        rows = {
            "areas": self.areas,
            "projects": self.projects,
            "transactions": self.transactions,
            "postings": self.postings,
            "persons": self.persons,
            "households": self.households,
            "benefits": self.benefits,
            "trainings": trainings_planned(self.scale),
            "enterprises": enterprises_planned(self.scale),
        }
        seconds = sum(rows[k] / ROWS_PER_SECOND[k] for k in rows)
        disk = sum(rows[k] * BYTES_PER_ROW[k] for k in rows)
        return {"seconds": seconds, "bytes": disk}


def synth_plan(scale: float, seed: int = 1, *, with_people: bool = True) -> Plan:
    if not 0 < scale <= 1.0:
        raise ValueError("scale must be in (0, 1]")
    return Plan(
        scale=scale,
        seed=seed,
        counties=max(12, round(832 * scale)),
        villages=max(24, round(128_000 * scale)),
        donor_districts=max(12, round(249 * scale)),
        projects=max(50, round(1_000_000 * scale)),
        persons=max(60, round(89_620_000 * scale)) if with_people else 0,
    )


@dataclass
class Generated:
    program: Program
    counties: list[str] = field(default_factory=list)
    villages: list[str] = field(default_factory=list)
    pairings: dict[str, int] = field(default_factory=dict)  # county code → pairing id
    donor_districts: list[str] = field(default_factory=list)


Progress = Callable[[str, int], None]


def _no_progress(step: str, done: int) -> None:
    return None


def synth_generate(plan: Plan, *, progress: Progress = _no_progress) -> Generated:
    """Write the dataset of ``plan`` into the current database, in one transaction."""
    slug = f"synth-s{str(plan.scale).replace('.', '_')}-seed{plan.seed}"
    if Program.objects.filter(slug=slug).exists():
        raise ValueError(f"synthetic program {slug} exists already")
    rng = random.Random(plan.seed)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Bulk load of rows generated balanced: the per-row deferred balance trigger would check
            # millions of transactions one by one at COMMIT; one set-based check runs instead.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        generated = _areas(plan, rng, slug, progress)
        _pairings(plan, generated, progress)
        projects_by_county = _projects_and_ledger(plan, rng, generated, progress)
        if plan.persons:
            _people(plan, rng, generated, projects_by_county, progress)
        synth_trainings_and_enterprises(generated.program, plan.scale, plan.seed, progress)
        # The persons-reached summary the report reads, filled set-based from what was just written.
        progress("summaries", beneficiary_summary_rebuild(generated.program.pk))
        progress("summaries", ledger_summary_rebuild(generated.program.pk))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = origin")
                cursor.execute(
                    "SELECT count(*) FROM (SELECT transaction_id FROM funds_posting p "
                    "JOIN funds_ledgertransaction t ON t.id = p.transaction_id WHERE t.program_id = %s "
                    "GROUP BY transaction_id HAVING sum(amount_fen) <> 0) unbalanced",
                    [generated.program.pk],
                )
                (unbalanced,) = cursor.fetchone()
                if unbalanced:
                    raise AssertionError(f"{unbalanced} generated transactions do not balance")
        sequences_reset(Pairing, Project, LedgerTransaction, Posting, Household, Person, Benefit)
        audit_record_bulk(
            Actor.system("synth"),
            "synth.generate",
            "registry.program",
            after={
                "program": slug,
                "scale": plan.scale,
                "seed": plan.seed,
                "projects": plan.projects,
                "postings": plan.postings,
            },
        )
    return generated


def _areas(plan: Plan, rng: random.Random, slug: str, progress: Progress) -> Generated:
    existing = set(Area.objects.filter(level=AreaLevel.PROVINCE).values_list("code", flat=True))
    rows: list[tuple] = []
    for code in WESTERN_PROVINCES + EASTERN_PROVINCES:
        if code not in existing:
            rows.append((code, AreaLevel.PROVINCE, None, f"合成省{code}", f"Synthetic province {code}", False, False))
    for province in WESTERN_PROVINCES + EASTERN_PROVINCES:
        for prefecture in SYNTH_PREFECTURES:
            rows.append(
                (
                    province + prefecture,
                    AreaLevel.PREFECTURE,
                    province,
                    f"合成地区{province}{prefecture}",
                    f"Synthetic prefecture {province}{prefecture}",
                    False,
                    False,
                )
            )
    counties, villages = [], []
    for index in range(plan.counties):
        province = WESTERN_PROVINCES[index % len(WESTERN_PROVINCES)]
        slot = index // len(WESTERN_PROVINCES)
        prefecture = province + SYNTH_PREFECTURES[(slot // 99) % len(SYNTH_PREFECTURES)]
        county = f"{prefecture}{slot % 99 + 1:02d}"
        counties.append(county)
        rows.append(
            (county, AreaLevel.COUNTY, prefecture, f"合成县{county}", f"Synthetic county {county}", True, False)
        )
        for township_number in range(1, plan.townships_per_county + 1):
            township = f"{county}{township_number:03d}"
            rows.append(
                (
                    township,
                    AreaLevel.TOWNSHIP,
                    county,
                    f"合成乡{township}",
                    f"Synthetic township {township}",
                    False,
                    False,
                )
            )
        for village_number in range(plan.villages_per_county):
            township = f"{county}{village_number // 20 + 1:03d}"
            village = f"{township}{200 + village_number % 20 + 1:03d}"
            villages.append(village)
            rows.append(
                (village, AreaLevel.VILLAGE, township, f"合成村{village}", f"Synthetic village {village}", False, True)
            )
    donors = []
    for index in range(plan.donor_districts):
        province = EASTERN_PROVINCES[index % len(EASTERN_PROVINCES)]
        slot = index // len(EASTERN_PROVINCES)
        prefecture = province + SYNTH_PREFECTURES[(slot // 99) % len(SYNTH_PREFECTURES)]
        district = f"{prefecture}{slot % 99 + 1:02d}"
        donors.append(district)
        rows.append(
            (
                district,
                AreaLevel.COUNTY,
                prefecture,
                f"合成区{district}",
                f"Synthetic district {district}",
                False,
                False,
            )
        )
    # Another scale or seed may have written the same synthetic divisions already: keep them.
    synthetic = Q()
    for province in WESTERN_PROVINCES + EASTERN_PROVINCES:
        for prefecture in SYNTH_PREFECTURES:
            synthetic |= Q(code__startswith=province + prefecture)
    seen = set(Area.objects.filter(synthetic).values_list("code", flat=True))
    rows = [r for r in rows if r[0] not in seen]
    bulk_write(
        Area,
        ["code", "level", "parent_id", "name_zh", "name_en", "is_key_poverty_county", "is_poverty_village"],
        rows,
    )
    progress("areas", len(rows))
    program = Program.objects.create(
        slug=slug,
        name_zh=f"合成全国东西部协作（规模 {plan.scale}，种子 {plan.seed}）",
        name_en=f"Synthetic national East–West program (scale {plan.scale}, seed {plan.seed})",
        donor_area_id=EASTERN_PROVINCES[0],
        start_year=YEARS[0],
        description="合成数据，仅用于测试与性能评估。Synthetic data for tests and benchmarks.",
    )
    return Generated(program=program, counties=counties, villages=villages, donor_districts=donors)


def _pairings(plan: Plan, generated: Generated, progress: Progress) -> None:
    first = next_id(Pairing)
    donors = generated.donor_districts
    rows, ids = [], {}
    # Another synthetic dataset in the same database may already twin these counties: the same
    # parties may not be paired twice at once, so such a county takes the next free donor.
    taken = set(
        Pairing.objects.filter(recipient_area_id__in=generated.counties, valid_to__isnull=True).values_list(
            "donor_area_id", "recipient_area_id"
        )
    )
    for index, county in enumerate(generated.counties):
        pairing_id = first + index
        ids[county] = pairing_id
        offset = 0
        while (donors[(index + offset) % len(donors)], county) in taken:
            offset += 1
            if offset == len(donors):
                raise ValueError(f"every synthetic donor is already paired with {county}: too many datasets")
        rows.append(
            (
                pairing_id,
                generated.program.pk,
                PairingLevel.DISTRICT_COUNTY,
                None,
                donors[(index + offset) % len(donors)],
                county,
                None,
                None,
                datetime.date(YEARS[0], 1, 1),
                None,
                True,
                True,
                "合成 synthetic",
            )
        )
    bulk_write(
        Pairing,
        [
            "id",
            "program_id",
            "level",
            "parent_id",
            "donor_area_id",
            "recipient_area_id",
            "donor_organisation_id",
            "recipient_organisation_id",
            "valid_from",
            "valid_to",
            "start_stated",
            "is_illustrative",
            "note",
        ],
        rows,
    )
    generated.pairings = ids
    progress("pairings", len(rows))


PROJECTS_CHUNK = 100_000
CATEGORIES = [c for c in ProjectCategory.values if c != ProjectCategory.OTHER]
STATUSES: list[str] = ["accepted"] * 6 + ["completed"] * 2 + ["under_construction"] * 2


def _projects_and_ledger(
    plan: Plan, rng: random.Random, generated: Generated, progress: Progress
) -> dict[str, dict[int, list[tuple[int, int, str, str]]]]:
    program = generated.program
    accounts: dict[str, Account] = ledger_accounts_ensure(program)
    account = {kind: accounts[kind].pk for kind in AccountType.values}
    project_first, transaction_first, posting_first = next_id(Project), next_id(LedgerTransaction), next_id(Posting)
    per_county = max(1, plan.projects // plan.counties)
    now = datetime.datetime.now(tz=datetime.UTC)

    projects: list[tuple] = []
    # county → year → [(project id, budget, status, village)]
    plan_by_county: dict[str, dict[int, list[tuple[int, int, str, str]]]] = {}
    villages_per_county = plan.villages_per_county

    def flush_projects() -> None:
        # written in chunks so memory stays bounded at national scale (1 M projects)
        bulk_write(
            Project,
            [
                "id",
                "program_id",
                "code",
                "title_zh",
                "title_en",
                "description",
                "category",
                "purpose_code",
                "recipient_area_id",
                "pairing_id",
                "year",
                "budget_fen",
                "status",
                "reported_beneficiaries",
                "is_illustrative",
                "created_at",
            ],
            projects,
        )
        progress("projects", len(projects))
        projects.clear()

    project_id = project_first
    for county_index, county in enumerate(generated.counties):
        count = per_county + (1 if county_index < plan.projects - per_county * plan.counties else 0)
        years: dict[int, list[tuple[int, int, str, str]]] = {year: [] for year in YEARS}
        for number in range(count):
            year = YEARS[number % len(YEARS)]
            category = CATEGORIES[rng.randrange(len(CATEGORIES))]
            budget = rng.randrange(10_000, 2_000_000) * 100
            status = STATUSES[rng.randrange(len(STATUSES))]
            village = generated.villages[county_index * villages_per_county + number % villages_per_county]
            projects.append(
                (
                    project_id,
                    program.pk,
                    f"S{county}-{number:05d}",
                    f"合成项目 {county}-{number}",
                    f"Synthetic project {county}-{number}",
                    "",
                    category,
                    DAC_PURPOSE_BY_CATEGORY[category],
                    village,
                    generated.pairings[county],
                    year,
                    budget,
                    status,
                    rng.randrange(20, 2000),
                    True,
                    now,
                )
            )
            years[year].append((project_id, budget, status, village))
            project_id += 1
            if len(projects) >= PROJECTS_CHUNK:
                flush_projects()
        plan_by_county[county] = years
    flush_projects()

    transactions: list[tuple] = []
    postings: list[tuple] = []
    counters = {"transaction": transaction_first, "posting": posting_first}

    def post(
        kind: str,
        date: datetime.date,
        source: str,
        pairing: int,
        area: str,
        project: int | None,
        commitment: int | None,
        debit: str,
        credit: str,
        fen: int,
    ) -> int:
        tid = counters["transaction"]
        counters["transaction"] += 1
        transactions.append(
            (
                tid,
                program.pk,
                kind,
                date,
                date.year,
                source,
                pairing,
                area,
                project,
                commitment,
                None,
                "",
                "",
                None,
                "",
                True,
                None,
                now,
                None,
                "synth",
                "",
            )
        )
        postings.append((counters["posting"], tid, account[debit], fen, area[:6]))
        postings.append((counters["posting"] + 1, tid, account[credit], -fen, area[:6]))
        counters["posting"] += 2
        return tid

    sources = [FundSource.FISCAL_PROVINCIAL, FundSource.FISCAL_MUNICIPAL, FundSource.FISCAL_DISTRICT]
    for county, years in plan_by_county.items():
        pairing = generated.pairings[county]
        for year, items in years.items():
            if not items:
                continue
            source = sources[rng.randrange(len(sources))]
            total = sum(budget for _pid, budget, _status, _village in items)
            commitment = post(
                TransactionKind.COMMITMENT,
                datetime.date(year, 3, 1),
                source,
                pairing,
                county,
                None,
                None,
                AccountType.COMMITTED,
                AccountType.CONTRIBUTIONS,
                total,
            )
            for pid, budget, status, village in items:
                first_tranche = budget * 6 // 10
                second_tranche = budget - first_tranche
                post(
                    TransactionKind.ALLOCATION,
                    datetime.date(year, 4, 1),
                    source,
                    pairing,
                    village,
                    pid,
                    commitment,
                    AccountType.ALLOCATED,
                    AccountType.COMMITTED,
                    budget,
                )
                post(
                    TransactionKind.DISBURSEMENT,
                    datetime.date(year, 5, 1),
                    source,
                    pairing,
                    village,
                    pid,
                    commitment,
                    AccountType.DISBURSED,
                    AccountType.ALLOCATED,
                    first_tranche,
                )
                post(
                    TransactionKind.DISBURSEMENT,
                    datetime.date(year, 9, 1),
                    source,
                    pairing,
                    village,
                    pid,
                    commitment,
                    AccountType.DISBURSED,
                    AccountType.ALLOCATED,
                    second_tranche,
                )
                spent_second = second_tranche if status != "under_construction" else second_tranche // 2
                post(
                    TransactionKind.EXPENDITURE,
                    datetime.date(year, 8, 1),
                    source,
                    pairing,
                    village,
                    pid,
                    commitment,
                    AccountType.SPENT,
                    AccountType.DISBURSED,
                    first_tranche,
                )
                if spent_second:
                    post(
                        TransactionKind.EXPENDITURE,
                        datetime.date(year, 12, 1),
                        source,
                        pairing,
                        village,
                        pid,
                        commitment,
                        AccountType.SPENT,
                        AccountType.DISBURSED,
                        spent_second,
                    )
        if len(postings) > 200_000:
            _flush(transactions, postings, progress)
    _flush(transactions, postings, progress)
    return plan_by_county


def _flush(transactions: list[tuple], postings: list[tuple], progress: Progress) -> None:
    bulk_write(
        LedgerTransaction,
        [
            "id",
            "program_id",
            "kind",
            "date",
            "year",
            "source",
            "pairing_id",
            "recipient_area_id",
            "project_id",
            "commitment_id",
            "reverses_id",
            "description",
            "item_description",
            "item_quantity",
            "item_unit",
            "is_illustrative",
            "idempotency_key",
            "created_at",
            "created_by_id",
            "created_by_label",
            "external_ref",
        ],
        transactions,
    )
    bulk_write(Posting, ["id", "transaction_id", "account_id", "amount_fen", "county_code"], postings)
    progress("postings", len(postings))
    transactions.clear()
    postings.clear()


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华兰玉梅红春燕海波建国志文"
RELATIONS = [Relation.HEAD, Relation.SPOUSE, Relation.CHILD]
CAUSES = list(PovertyCause.values)
PEOPLE_CHUNK = 50_000


BIRTH_SPAN_DAYS = 2_500


def _free_birth_span(slug: str, counties: list[str]) -> datetime.date:
    """The first day of a span of birth dates no person of these counties was born in yet.

    Each synthetic program in one database needs its own span (so identity numbers never collide).
    The search starts at a span chosen from the slug rather than the database id, so the same seed
    gives the same persons in any fresh database, whatever ids its sequences hand out; it moves on
    only when another synthetic dataset already holds that span.
    """
    start = int(hashlib.sha256(slug.encode()).hexdigest(), 16) % 8
    for offset in range(8):
        first = datetime.date(1930, 1, 1) + datetime.timedelta(days=((start + offset) % 8) * BIRTH_SPAN_DAYS)
        last = first + datetime.timedelta(days=BIRTH_SPAN_DAYS - 1)
        if not Person.objects.filter(county_code__in=counties, birth_date__range=(first, last)).exists():
            return first
    raise ValueError("every span of synthetic birth dates is taken in these counties")


def _people(
    plan: Plan,
    rng: random.Random,
    generated: Generated,
    projects_by_county: dict[str, dict[int, list[tuple[int, int, str, str]]]],
    progress: Progress,
) -> None:
    """Registered poor households of three, each person with a valid, encrypted identity number, and
    the benefits that reached them through the county's projects (counted once per person and year)."""
    program = generated.program
    household_id, person_id, benefit_id = next_id(Household), next_id(Person), next_id(Benefit)
    per_county = max(3, plan.persons // len(generated.counties) // 3 * 3)
    villages_per_county = plan.villages_per_county
    births_from = _free_birth_span(program.slug, generated.counties)
    if per_county // 1000 >= BIRTH_SPAN_DAYS:
        raise ValueError("too many persons per county for distinct synthetic identity numbers")
    households: list[tuple] = []
    persons: list[tuple] = []
    benefits: list[tuple] = []
    for county_index, county in enumerate(generated.counties):
        pairing = generated.pairings[county]
        county_projects = projects_by_county[county]
        years_with_projects = [year for year in YEARS if county_projects.get(year)]
        village = generated.villages[county_index * villages_per_county]
        for member in range(per_county):
            if member % 3 == 0:
                village = generated.villages[county_index * villages_per_county + (member // 3) % villages_per_county]
                households.append(
                    (
                        household_id,
                        f"S{program.pk}-{county}-{member // 3:07d}",
                        village,
                        county,
                        None,
                        CAUSES[rng.randrange(len(CAUSES))],
                        "",
                        None,
                        True,
                    )
                )
                household_id += 1
            # A distinct, valid number per county: birth date from the member's position, sequence below 1000.
            # Each dataset in the database gets its own span of birth dates, so numbers never collide.
            birth = births_from + datetime.timedelta(days=member // 1000)
            sequence = member % 1000
            number = identity_compose(county, birth, sequence)
            key_id, ciphertext = identity_encrypt(number)
            name = SURNAMES[rng.randrange(len(SURNAMES))] + GIVEN[rng.randrange(len(GIVEN))]
            persons.append(
                (
                    person_id,
                    household_id - 1,
                    RELATIONS[member % 3],
                    name,
                    Sex.MALE if sequence % 2 else Sex.FEMALE,
                    birth,
                    village,
                    county,
                    key_id,
                    ciphertext,
                    identity_blind_index(number),
                    True,
                )
            )
            if years_with_projects:
                reached = 2 if rng.random() < 0.4 else 1
                for year in rng.sample(years_with_projects, min(reached, len(years_with_projects))):
                    items = county_projects[year]
                    project_id, _budget, _status, project_village = items[rng.randrange(len(items))]
                    benefits.append(
                        (
                            benefit_id,
                            person_id,
                            household_id - 1,
                            BenefitKind.PROJECT,
                            program.pk,
                            pairing,
                            project_id,
                            datetime.date(year, 10, 1),
                            year,
                            project_village,
                            county,
                            True,
                        )
                    )
                    benefit_id += 1
            person_id += 1
            if len(persons) >= PEOPLE_CHUNK:
                _flush_people(households, persons, benefits, progress)
    _flush_people(households, persons, benefits, progress)


def _flush_people(households: list[tuple], persons: list[tuple], benefits: list[tuple], progress: Progress) -> None:
    bulk_write(
        Household,
        [
            "id",
            "number",
            "village_id",
            "county_code",
            "head_id",
            "poverty_cause",
            "helper_name",
            "helper_organisation_id",
            "is_illustrative",
        ],
        households,
    )
    bulk_write(
        Person,
        [
            "id",
            "household_id",
            "relation",
            "name",
            "sex",
            "birth_date",
            "area_id",
            "county_code",
            "identity_key_id",
            "identity_ciphertext",
            "identity_blind_index",
            "is_illustrative",
        ],
        persons,
    )
    bulk_write(
        Benefit,
        [
            "id",
            "person_id",
            "household_id",
            "kind",
            "program_id",
            "pairing_id",
            "project_id",
            "date",
            "year",
            "area_code",
            "county_code",
            "is_illustrative",
        ],
        benefits,
    )
    progress("persons", len(persons))
    households.clear()
    persons.clear()
    benefits.clear()
