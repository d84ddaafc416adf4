"""The people figures of the annual report.

Registered records give figures with source "registry". Courses known only by their numbers give
figures with source "reported". The two are never added: when a key has both, the reported total
is the figure shown and the registry count rides beside it under ``records`` (the same shape as a
published figure beside its records), so a reader sees both numbers and neither is hidden.
"""

from counterpart.core.distribution import COUNTY_CODE_LENGTH
from counterpart.indicators.figures import AnnualReport, Figure, Source
from counterpart.projects.village_selectors import villages_advanced

from . import selectors
from .models import TrainingKind
from .pairing_reach import persons_reached_through
from .summary import beneficiaries_count_summarised
from .years_reached import beneficiaries_count_from_years_reached


def _add(report: AnnualReport, key: str, unit: str, registered: int, reported: int | None) -> None:
    if key in report.figures:
        return
    records = Figure(key, registered, unit, Source.REGISTRY) if registered else None
    if reported is not None:
        report.add(Figure(key, reported, unit, Source.REPORTED, records=records))
    elif records is not None:
        report.add(records)


def beneficiaries_reached(report: AnnualReport) -> int:
    """Unique persons the report's scope reached in its years, from a summary wherever one is exact.

    - one year, the whole program or an area of a county or coarser: the sum of ``BeneficiarySummary``
      rows (persons reached per county and year; a person belongs to one county);
    - a range of years, the whole program or an area of a county or coarser: the persons whose set of
      years meets the range (``YearsReachedSummary``), whichever year it starts in;
    - one year, a pairing's scope (a donor district's pairings and those below), in an area of a county or
      coarser: the persons whose set of pairings of the year meets the scope's (``PairingReachSummary``;
      per-pairing counts would not add up, a person may be reached through several of the scope's pairings);
    - anything else — an area finer than a county, a pairing's scope over a range of years, a range
      reaching past the 63 years the summary holds where the program has benefits — a
      ``COUNT(DISTINCT)`` over the benefits, exact by construction.
    """
    program, year, year_to, scope = report.program, report.year, report.year_to, report.scope
    if scope.pairing_ids is None:
        summarised = (
            beneficiaries_count_summarised(program.pk, year, area_code=scope.area_code)
            if year_to is None
            else beneficiaries_count_from_years_reached(program, year, year_to, area_code=scope.area_code)
        )
        if summarised is not None:
            return summarised
    elif year_to is None and (scope.area_code is None or len(scope.area_code) <= COUNTY_CODE_LENGTH):
        return sum(persons_reached_through(program.pk, year, scope.pairing_ids, area_code=scope.area_code).values())
    return selectors.beneficiaries_count(
        program, year, year_to, area_code=scope.area_code, pairing_ids=scope.pairing_ids
    )


def people_figures(report: AnnualReport) -> None:
    program, year, year_to, scope = report.program, report.year, report.year_to, report.scope
    reached = beneficiaries_reached(report)
    if not scope.is_program_wide:
        # An area's or a pairing's share: the persons reached there, counted once. Trainings,
        # student aid and secondments are program-wide records in this version.
        _add(report, "beneficiaries", "persons", reached, None)
        return
    _add(report, "beneficiaries", "persons", reached, None)
    for key, kind in (
        ("cadres_trained", TrainingKind.CADRE_TECHNICIAN),
        ("labour_trained", TrainingKind.LABOUR_TRANSFER),
    ):
        _add(
            report,
            key,
            "persons",
            selectors.trainees_registered(program, year, year_to, kind),
            selectors.trainees_reported(program, year, year_to, kind),
        )
    _add(
        report,
        "labour_transferred",
        "persons",
        selectors.labour_transferred_registered(program, year, year_to),
        selectors.trainees_reported(program, year, year_to, TrainingKind.LABOUR_TRANSFER, field="reported_placed"),
    )
    _add(report, "students_aided", "persons", selectors.students_aided(program, year, year_to), None)
    _add(report, "villages_advanced", "villages", villages_advanced(program, year, year_to), None)
    _add(report, "cadres_seconded", "persons", selectors.cadres_seconded(program, year, year_to), None)
    _add(report, "professionals_sent", "persons", selectors.professionals_sent(program, year, year_to), None)
    _add(report, "training_courses", "count", selectors.trainings_of(program, year, year_to).count(), None)
    _add(
        report,
        "training_person_times",
        "person-times",
        selectors.training_person_times_registered(program, year, year_to),
        selectors.trainees_reported(program, year, year_to),
    )
