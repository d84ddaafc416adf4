"""A realistic synthetic national dataset, deterministic for a seed, written by bulk paths.

Scale 1.0 is the national East–West effort at its height: 832 poor counties in the west paired
with eastern districts, 128,000 poor villages, 1 million projects, about 10 million ledger
postings (and, with the people registry, 90 million persons). 0.1 and 0.01 are for daily use.

Synthetic divisions use prefecture numbers 91–98 of real provinces, which no real prefecture
uses, and names that say they are synthetic; every generated record is flagged illustrative
where the model has the flag. Records are generated consistent with the domain's rules (every
transaction balances, nothing is disbursed beyond its commitment), then written by COPY; one
audit event records the run. ``counterpart check-integrity`` and the tests verify the rules hold
on the result. This module writes the divisions and pairings and runs the other steps
(``synth.ledger``, ``synth.people``, ``synth.extras``).
"""

import datetime
import random

from django.db import connection, transaction
from django.db.models import Q

from counterpart.core.audit import Actor, audit_record_bulk
from counterpart.funds.models import LedgerTransaction, Posting
from counterpart.funds.summary import ledger_summary_rebuild
from counterpart.people.models import Benefit, Household, Person, Training, TrainingParticipant
from counterpart.people.summary import beneficiary_summary_rebuild
from counterpart.projects.models import Project
from counterpart.registry.models import Area, AreaLevel, Pairing, PairingLevel, Program

from .bulk import bulk_write, indexes_deferred, next_id, sequences_reset
from .extras import synth_trainings_and_enterprises
from .ledger import synth_projects_and_ledger
from .people import synth_people
from .plan import (
    EASTERN_PROVINCES,
    SYNTH_PREFECTURES,
    WESTERN_PROVINCES,
    YEARS,
    Generated,
    Plan,
    Progress,
    progress_none,
)

# The tables a dataset fills by the million: loaded without their secondary indexes, which are built after.
LOADED = (Person, Benefit, Household, Posting, LedgerTransaction, Project, Training, TrainingParticipant)


def synth_generate(plan: Plan, *, progress: Progress = progress_none, workers: int = 1) -> Generated:
    """Write the dataset of ``plan`` into the current database, in one transaction; the people registry's
    rows made by ``workers`` processes (the same rows for any number)."""
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
        with indexes_deferred(*LOADED) as deferred:
            projects_by_county = synth_projects_and_ledger(plan, rng, generated, progress)
            if plan.persons:
                synth_people(plan, generated, projects_by_county, progress, workers=workers)
            synth_trainings_and_enterprises(generated.program, plan.scale, plan.seed, progress)
        progress("indexes", deferred)
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
