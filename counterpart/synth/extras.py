"""Trainings and enterprises of a synthetic program, written by COPY like the rest of the dataset.

Sizes follow the national effort at scale 1.0: about 120,000 training courses (a third
labour-transfer courses, of which some list their registered participants, the rest known only by
their published numbers) and 20,000 donor-side enterprises, each with a subsidiary in a recipient
county, a cooperation agreement and a confirmed annual report for every year from its signing.

``synth_trainings_and_enterprises`` runs at the end of ``synth_generate``; it can also be run on a
dataset generated before it existed (it takes the program and reads its pairings and persons), with
a random generator of its own seeded from the plan's seed, so the result is the same either way.
"""

import datetime
import random
from collections.abc import Callable

from django.db.models import Max, Min

from counterpart.enterprise.models import (
    CooperationAgreement,
    Enterprise,
    EnterpriseReport,
    Operation,
    OperationKind,
    ReportStatus,
    Sector,
    Side,
)
from counterpart.people.models import Benefit, BenefitKind, Person, Training, TrainingKind, TrainingParticipant
from counterpart.registry.models import Organisation, OrganisationKind, Pairing, Program

from .bulk import bulk_write, next_id, sequences_reset

YEARS = (2016, 2017, 2018, 2019, 2020)
TRAINING_KINDS = [TrainingKind.CADRE_TECHNICIAN, TrainingKind.PROFESSIONAL_TECHNICAL, TrainingKind.LABOUR_TRANSFER]
SECTORS = [s for s in Sector.values if s != Sector.OTHER]
PARTICIPANTS_PER_LISTED_COURSE = 10
CHUNK = 50_000

Progress = Callable[[str, int], None]


def trainings_planned(scale: float) -> int:
    return max(len(YEARS) * 6, round(120_000 * scale))


def enterprises_planned(scale: float) -> int:
    return max(12, round(20_000 * scale))


def synth_trainings_and_enterprises(
    program: Program, scale: float, seed: int, progress: Progress | None = None
) -> dict[str, int]:
    """Write the trainings and enterprises of ``program``; returns how many rows of each kind."""
    rng = random.Random(f"{seed}-extras")
    report: Progress = progress or (lambda step, done: None)
    pairings = list(
        Pairing.objects.filter(program=program, recipient_area__level="county")
        .order_by("recipient_area_id")
        .values_list("id", "recipient_area_id", "donor_area_id")
    )
    if not pairings:
        return {}
    # Persons of this dataset per county: ids are contiguous per county, as the generator wrote them.
    ranges = {
        row["county_code"]: (row["first"], row["last"])
        for row in Person.objects.filter(household__number__startswith=f"S{program.pk}-")
        .values("county_code")
        .annotate(first=Min("id"), last=Max("id"))
        .order_by()
    }
    written = _trainings(program, scale, rng, pairings, ranges, report)
    written.update(_enterprises(program, scale, rng, pairings, report))
    sequences_reset(Training, TrainingParticipant, Benefit, Organisation, Enterprise, Operation)
    sequences_reset(CooperationAgreement, EnterpriseReport)
    return written


def _trainings(
    program: Program,
    scale: float,
    rng: random.Random,
    pairings: list[tuple[int, str, str]],
    ranges: dict[str, tuple[int, int]],
    report: Progress,
) -> dict[str, int]:
    training_id, participant_id, benefit_id = next_id(Training), next_id(TrainingParticipant), next_id(Benefit)
    trainings: list[tuple] = []
    participants: list[tuple] = []
    benefits: list[tuple] = []
    totals = {"trainings": 0, "training_participants": 0}

    def flush() -> None:
        bulk_write(
            Training,
            [
                "id",
                "program_id",
                "pairing_id",
                "project_id",
                "kind",
                "title",
                "organiser_id",
                "organiser_name",
                "place_id",
                "start_date",
                "end_date",
                "year",
                "reported_participants",
                "reported_placed",
                "is_illustrative",
            ],
            trainings,
        )
        bulk_write(TrainingParticipant, ["id", "training_id", "person_id"], participants)
        bulk_write(
            Benefit,
            [
                "id",
                "person_id",
                "household_id",
                "kind",
                "program_id",
                "pairing_id",
                "training_id",
                "date",
                "year",
                "area_code",
                "county_code",
                "is_illustrative",
            ],
            benefits,
        )
        totals["trainings"] += len(trainings)
        totals["training_participants"] += len(participants)
        report("trainings", len(trainings))
        trainings.clear()
        participants.clear()
        benefits.clear()

    for number in range(trainings_planned(scale)):
        # every year gets its share of courses however few there are; counties take turns
        year = YEARS[number % len(YEARS)]
        pairing_id, county, _donor = pairings[(number // len(YEARS)) % len(pairings)]
        kind = TRAINING_KINDS[number % len(TRAINING_KINDS)]
        start = datetime.date(year, 1 + rng.randrange(11), 1 + rng.randrange(28))
        end = start + datetime.timedelta(days=rng.randrange(1, 30))
        # Every other labour-transfer course lists its participants; the rest are known by their numbers.
        listed = kind == TrainingKind.LABOUR_TRANSFER and number % 2 == 0 and county in ranges
        reported = None if listed else rng.randrange(20, 300)
        placed = (
            rng.randrange(0, reported + 1) if reported is not None and kind == TrainingKind.LABOUR_TRANSFER else None
        )
        trainings.append(
            (
                training_id,
                program.pk,
                pairing_id,
                None,
                kind,
                f"合成培训班 {county}-{number}",
                None,
                "合成 synthetic",
                county,
                start,
                min(end, datetime.date(year, 12, 31)),
                year,
                reported,
                placed,
                True,
            )
        )
        if listed:
            first, last = ranges[county]
            chosen = rng.sample(range(first, last + 1), min(PARTICIPANTS_PER_LISTED_COURSE, last - first + 1))
            for person_id in sorted(chosen):
                participants.append((participant_id, training_id, person_id))
                participant_id += 1
                # household ids are not looked up: the benefit names the person, as a training benefit does
                benefits.append(
                    (
                        benefit_id,
                        person_id,
                        None,
                        BenefitKind.TRAINING,
                        program.pk,
                        pairing_id,
                        training_id,
                        start,
                        year,
                        county,
                        county,
                        True,
                    )
                )
                benefit_id += 1
        training_id += 1
        if len(trainings) >= CHUNK:
            flush()
    flush()
    return totals


def _enterprises(
    program: Program,
    scale: float,
    rng: random.Random,
    pairings: list[tuple[int, str, str]],
    report: Progress,
) -> dict[str, int]:
    organisation_id, enterprise_id = next_id(Organisation), next_id(Enterprise)
    operation_id, agreement_id, report_id = next_id(Operation), next_id(CooperationAgreement), next_id(EnterpriseReport)
    organisations: list[tuple] = []
    enterprises: list[tuple] = []
    memberships: list[tuple] = []
    operations: list[tuple] = []
    agreements: list[tuple] = []
    reports: list[tuple] = []
    now = datetime.datetime.now(tz=datetime.UTC)
    count = enterprises_planned(scale)
    for number in range(count):
        _pairing, county, donor = pairings[number % len(pairings)]
        sector = SECTORS[rng.randrange(len(SECTORS))]
        parent, child = organisation_id, organisation_id + 1
        organisation_id += 2
        name = f"合成企业 P{program.pk}-{number:06d}"
        organisations.append(
            (parent, name, f"Synthetic enterprise {number}", OrganisationKind.ENTERPRISE, donor, "", None, True)
        )
        organisations.append(
            (
                child,
                f"{name} 子公司",
                f"Synthetic subsidiary {number}",
                OrganisationKind.ENTERPRISE,
                county,
                "",
                parent,
                True,
            )
        )
        enterprises.append((enterprise_id, parent, Side.DONOR, sector, True))
        memberships.append((enterprise_id, program.pk))
        operations.append(
            (operation_id, enterprise_id, child, OperationKind.SUBSIDIARY, county, sector, None, "", None, "", True)
        )
        signed_year = YEARS[rng.randrange(len(YEARS))]
        investment = rng.randrange(1_000, 500_000) * 100_00
        agreements.append(
            (
                agreement_id,
                program.pk,
                enterprise_id,
                operation_id,
                county,
                f"合成合作协议 {number}",
                datetime.date(signed_year, 1 + rng.randrange(12), 1),
                investment,
                True,
                "",
            )
        )
        for year in range(signed_year, YEARS[-1] + 1):
            employees = rng.randrange(10, 800)
            reports.append(
                (
                    report_id,
                    program.pk,
                    enterprise_id,
                    operation_id,
                    county,
                    year,
                    ReportStatus.CONFIRMED,
                    None,
                    investment // (YEARS[-1] - signed_year + 1),
                    rng.randrange(0, 5_000_000) * 100,
                    rng.randrange(0, employees + 1),
                    rng.randrange(0, employees + 1),
                    employees,
                    rng.randrange(0, employees + 1),
                    "{}",
                    "",
                    "",
                    "",
                    "",
                    True,
                    now,
                )
            )
            report_id += 1
        enterprise_id += 1
        operation_id += 1
        agreement_id += 1
    bulk_write(
        Organisation,
        ["id", "name_zh", "name_en", "kind", "area_id", "credit_code", "parent_id", "is_illustrative"],
        organisations,
    )
    bulk_write(Enterprise, ["id", "organisation_id", "side", "sector", "is_illustrative"], enterprises)
    bulk_write(Enterprise.programs.through, ["enterprise_id", "program_id"], memberships)
    bulk_write(
        Operation,
        [
            "id",
            "enterprise_id",
            "organisation_id",
            "kind",
            "area_id",
            "sector",
            "start_year",
            "restructured_factory_name",
            "restructured_organisation_id",
            "description",
            "is_illustrative",
        ],
        operations,
    )
    bulk_write(
        CooperationAgreement,
        [
            "id",
            "program_id",
            "enterprise_id",
            "operation_id",
            "recipient_area_id",
            "title",
            "signed_on",
            "agreed_investment_fen",
            "is_illustrative",
            "note",
        ],
        agreements,
    )
    bulk_write(
        EnterpriseReport,
        [
            "id",
            "program_id",
            "enterprise_id",
            "operation_id",
            "area_id",
            "year",
            "status",
            "supersedes_id",
            "actual_investment_fen",
            "taxes_paid_fen",
            "jobs_created",
            "people_helped_into_jobs",
            "employees",
            "employees_from_poor_households",
            "qualifiers",
            "capacity_unit",
            "certifications",
            "citation",
            "note",
            "is_illustrative",
            "created_at",
        ],
        reports,
    )
    report("enterprises", count)
    return {"enterprises": count, "enterprise_reports": len(reports)}
