"""Reads for people. Every count is computed in SQL (COUNT(DISTINCT person)), never row by row."""

import datetime
from collections.abc import Sequence

from django.db.models import Count, Q, QuerySet, Sum

from counterpart.core.distribution import COUNTY_CODE_LENGTH, county_filter
from counterpart.projects.models import Project
from counterpart.registry.models import Pairing, Program

from .identity import identity_blind_index
from .models import (
    PROFESSIONAL_KINDS,
    Benefit,
    BenefitKind,
    Direction,
    Household,
    JobPlacement,
    Person,
    Secondment,
    SecondmentKind,
    StudentAid,
    Training,
    TrainingParticipant,
)


def person_identity_registered(number: str) -> bool:
    """Whether a (valid, normalised) number is already registered: a lookup by its blind index."""
    return Person.objects.filter(identity_blind_index=identity_blind_index(number)).exists()


def benefits_of(
    program: Program | None,
    year: int,
    year_to: int | None = None,
    *,
    area_code: str | None = None,
    pairing: Pairing | None = None,
    pairing_ids: Sequence[int] | None = None,
) -> QuerySet[Benefit]:
    """Benefits of a year (range), optionally of one program, area and below, or pairing(s)."""
    benefits = Benefit.objects.filter(year__gte=year, year__lte=year_to or year)
    if program is not None:
        benefits = benefits.filter(program=program)
    if area_code:
        # The county code is on the row: a county (or coarser) filter is an indexed prefix match.
        benefits = benefits.filter(county_filter("county_code", area_code))
        if len(area_code) > COUNTY_CODE_LENGTH:
            benefits = benefits.filter(area_code__startswith=area_code)
    if pairing is not None:
        benefits = benefits.filter(pairing=pairing)
    if pairing_ids is not None:
        benefits = benefits.filter(pairing_id__in=list(pairing_ids))
    return benefits


def beneficiaries_count(
    program: Program | None,
    year: int,
    year_to: int | None = None,
    *,
    area_code: str | None = None,
    pairing: Pairing | None = None,
    pairing_ids: Sequence[int] | None = None,
) -> int:
    """Unique persons reached: a person reached by three projects counts once."""
    benefits = benefits_of(program, year, year_to, area_code=area_code, pairing=pairing, pairing_ids=pairing_ids)
    result = benefits.aggregate(n=Count("person_id", distinct=True))
    return result["n"] or 0


def project_beneficiaries(project: Project) -> tuple[int, int]:
    """(persons, households) a project reached, each counted once: the end of the trace from a
    fund's source through the project to the persons."""
    row = Benefit.objects.filter(project=project, kind=BenefitKind.PROJECT).aggregate(
        persons=Count("person_id", distinct=True), households=Count("household_id", distinct=True)
    )
    return row["persons"], row["households"]


def project_households(project: Project) -> QuerySet[Household]:
    """The households a project reached as households (each once), by number: a second query by id
    rather than a join, as the lists read households (docs/scale.md)."""
    reached = Benefit.objects.filter(project=project, kind=BenefitKind.PROJECT, household__isnull=False)
    return Household.objects.filter(pk__in=reached.values("household_id")).order_by("number")


def beneficiaries_by_county(program: Program | None, year: int, year_to: int | None = None) -> dict[str, int]:
    rows = (
        benefits_of(program, year, year_to)
        .values("county_code")
        .annotate(n=Count("person_id", distinct=True))
        .order_by("county_code")
    )
    return {row["county_code"]: row["n"] for row in rows}


def beneficiaries_by_pairing(program: Program, year: int, year_to: int | None = None) -> dict[int | None, int]:
    rows = (
        benefits_of(program, year, year_to)
        .values("pairing_id")
        .annotate(n=Count("person_id", distinct=True))
        .order_by("pairing_id")
    )
    return {row["pairing_id"]: row["n"] for row in rows}


def beneficiaries_by_county_and_year(program: Program | None = None) -> dict[tuple[str, int], int]:
    """Unique beneficiaries of every county and year (one GROUP BY over the benefits index)."""
    benefits = Benefit.objects.all() if program is None else Benefit.objects.filter(program=program)
    rows = (
        benefits.values("county_code", "year")
        .annotate(n=Count("person_id", distinct=True))
        .order_by("county_code", "year")
    )
    return {(row["county_code"], row["year"]): row["n"] for row in rows}


def trainings_of(
    program: Program, year: int, year_to: int | None = None, kind: str | None = None
) -> QuerySet[Training]:
    trainings = Training.objects.filter(program=program, year__gte=year, year__lte=year_to or year)
    return trainings if kind is None else trainings.filter(kind=kind)


def trainees_registered(program: Program, year: int, year_to: int | None = None, kind: str | None = None) -> int:
    """Unique registered persons on the year's courses (of one kind)."""
    participants = TrainingParticipant.objects.filter(training__in=trainings_of(program, year, year_to, kind))
    return participants.aggregate(n=Count("person_id", distinct=True))["n"] or 0


def training_person_times_registered(program: Program, year: int, year_to: int | None = None) -> int:
    return TrainingParticipant.objects.filter(training__in=trainings_of(program, year, year_to)).count()


def trainees_reported(
    program: Program,
    year: int,
    year_to: int | None = None,
    kind: str | None = None,
    *,
    field: str = "reported_participants",
) -> int | None:
    """Sum of reported counts of courses known only by numbers (no registered participant).

    Courses with a participant list are left out, so a course is never counted both ways.
    None when no such course exists.
    """
    courses = (
        trainings_of(program, year, year_to, kind)
        .filter(**{f"{field}__isnull": False})
        .filter(participants__isnull=True)
    )
    return courses.aggregate(total=Sum(field))["total"]


def labour_transferred_registered(program: Program, year: int, year_to: int | None = None) -> int:
    placements = JobPlacement.objects.filter(program=program, year__gte=year, year__lte=year_to or year)
    return placements.aggregate(n=Count("person_id", distinct=True))["n"] or 0


def students_aided(program: Program, year: int, year_to: int | None = None) -> int:
    aid = StudentAid.objects.filter(program=program, year__gte=year, year__lte=year_to or year)
    return aid.aggregate(n=Count("student_id", distinct=True))["n"] or 0


def secondments_in_force(program: Program, year: int, year_to: int | None = None, *, kinds: frozenset[str]) -> int:
    """Secondments of the given kinds in force on at least one day of the year (range)."""
    first, last = datetime.date(year, 1, 1), datetime.date(year_to or year, 12, 31)
    return (
        Secondment.objects.filter(program=program, kind__in=sorted(kinds), start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .count()
    )


def cadres_seconded(program: Program, year: int, year_to: int | None = None) -> int:
    return secondments_in_force(program, year, year_to, kinds=frozenset({SecondmentKind.CADRE}))


def professionals_sent(program: Program, year: int, year_to: int | None = None) -> int:
    first, last = datetime.date(year, 1, 1), datetime.date(year_to or year, 12, 31)
    return (
        Secondment.objects.filter(
            program=program, kind__in=sorted(PROFESSIONAL_KINDS), direction=Direction.TO_RECIPIENT, start_date__lte=last
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .count()
    )
