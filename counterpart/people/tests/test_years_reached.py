"""The years-reached summary follows every write path, and the report's ranges read from it equal a scan."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counterpart.indicators.figures import Scope
from counterpart.integrity.checks import integrity_run
from counterpart.people import selectors
from counterpart.people.models import Benefit, BenefitKind, TrainingKind, YearsReachedSummary
from counterpart.people.services import (
    BenefitRow,
    benefit_record,
    benefits_record_bulk,
    training_create,
    training_participants_add,
)
from counterpart.people.years_reached import (
    YEARS_HELD,
    beneficiaries_count_from_years_reached,
    years_mask,
    years_reached_mismatches,
    years_reached_rebuild,
    years_reached_refresh,
)
from counterpart.registry.services import AreaRow, areas_upsert
from counterpart.reports.annual import report_annual

from .factories import household, member

VILLAGE, OTHER_VILLAGE = "520422100201", "520402100201"


@pytest.fixture
def homes(actor, areas):
    areas_upsert(actor=actor, rows=[AreaRow("520402100", "某镇"), AreaRow(OTHER_VILLAGE, "某村二")], source="test")
    from counterpart.registry.models import Area

    return household(actor, areas[VILLAGE]), household(actor, Area.objects.get(code=OTHER_VILLAGE), code="H-2")


def _years(mask: int, start_year: int = 1996) -> tuple[int, ...]:
    return tuple(start_year + bit for bit in range(YEARS_HELD) if mask >> bit & 1)


def _stored(program) -> dict[tuple[str, tuple[int, ...]], int]:
    """The rows as (county, the years of the mask) → persons."""
    rows = YearsReachedSummary.objects.filter(program=program)
    return {(row.county_code, _years(row.years_mask, program.start_year)): row.persons for row in rows}


def _benefit(actor, program, person, year: int) -> None:
    benefit_record(actor=actor, program=program, kind=BenefitKind.OTHER, date=datetime.date(year, 6, 1), person=person)


def test_a_person_counts_once_under_the_set_of_years_they_were_reached_in(actor, program, areas, homes) -> None:
    home, _elsewhere = homes
    first, second = member(actor, home, 11), member(actor, home, 13)
    _benefit(actor, program, first, 2011)
    _benefit(actor, program, first, 2011)  # the same year again: nothing changes
    assert _stored(program) == {("520422", (2011,)): 1}
    _benefit(actor, program, first, 2013)  # a later year moves them to the set {2011, 2013}
    assert _stored(program) == {("520422", (2011, 2013)): 1}
    _benefit(actor, program, first, 2009)  # and an earlier one to {2009, 2011, 2013}
    assert _stored(program) == {("520422", (2009, 2011, 2013)): 1}
    # a household benefit reaches both members: the first gains 2010, the second is new
    benefit_record(actor=actor, program=program, kind=BenefitKind.OTHER, date=datetime.date(2010, 6, 1), household=home)
    assert _stored(program) == {("520422", (2009, 2010, 2011, 2013)): 1, ("520422", (2010,)): 1}
    # a training reaches the second in 2009
    course = training_create(
        actor=actor,
        program=program,
        kind=TrainingKind.LABOUR_TRANSFER,
        title="电焊工培训",
        place=areas["520422"],
        start_date=datetime.date(2009, 3, 1),
        end_date=datetime.date(2009, 3, 9),
    )
    training_participants_add(actor=actor, training=course, persons=[second])
    assert _stored(program) == {("520422", (2009, 2010, 2011, 2013)): 1, ("520422", (2009, 2010)): 1}
    assert years_reached_mismatches() == []


def test_a_bulk_load_recounts_the_counties_it_touched(actor, program, homes) -> None:
    home, elsewhere = homes
    local, away = member(actor, home, 21), member(actor, elsewhere, 23)
    _benefit(actor, program, local, 2012)
    benefits_record_bulk(
        actor=actor,
        program=program,
        rows=[
            BenefitRow(local.pk, VILLAGE, BenefitKind.OTHER, datetime.date(2010, 1, 5)),
            BenefitRow(away.pk, OTHER_VILLAGE, BenefitKind.OTHER, datetime.date(2011, 1, 5)),
            BenefitRow(away.pk, OTHER_VILLAGE, BenefitKind.OTHER, datetime.date(2014, 1, 5)),
        ],
        source="test",
    )
    assert _stored(program) == {("520422", (2010, 2012)): 1, ("520402", (2011, 2014)): 1}
    assert years_reached_mismatches() == []


def test_every_range_is_read_from_the_summary_and_a_village_is_not(actor, program, homes) -> None:
    home, elsewhere = homes
    early, late, away = member(actor, home, 31), member(actor, home, 33), member(actor, elsewhere, 35)
    for person, years in ((early, (2009, 2012)), (late, (2011, 2012)), (away, (2010,))):
        for year in years:
            _benefit(actor, program, person, year)
    assert beneficiaries_count_from_years_reached(program, 2009, 2012) == 3
    assert beneficiaries_count_from_years_reached(program, 2005, 2010) == 2
    # a range after someone's first year: early and late were reached in 2012, away only in 2010
    assert beneficiaries_count_from_years_reached(program, 2011, 2012) == 2
    assert beneficiaries_count_from_years_reached(program, 2010, 2011) == 2
    assert beneficiaries_count_from_years_reached(program, 2013, 2020) == 0
    assert beneficiaries_count_from_years_reached(program, 2011, 2012, area_code="520402") == 0
    assert beneficiaries_count_from_years_reached(program, 2010, 2012, area_code="52") == 3
    # a village is finer than the summary
    assert beneficiaries_count_from_years_reached(program, 2009, 2012, area_code=VILLAGE) is None
    # the report gives the same count on both paths
    for first_year, last_year in ((2009, 2012), (2011, 2012), (2010, 2011)):
        figure = report_annual(program, first_year, last_year).as_json()["indicators"]["beneficiaries"]
        assert figure["value"] == selectors.beneficiaries_count(program, first_year, last_year)


def test_years_past_the_63_the_mask_holds_are_counted_from_the_benefits(actor, program, homes) -> None:
    home, _elsewhere = homes
    person = member(actor, home, 37)
    last_held = program.start_year + YEARS_HELD - 1
    last_year = last_held + 5
    assert years_mask(2000, 2200, program.start_year) == (1 << YEARS_HELD) - (1 << 4)
    assert years_mask(1990, 1995, program.start_year) == 0
    _benefit(actor, program, person, 2010)
    # nothing of the program lies past the years held: the outside part of the range adds nobody
    assert beneficiaries_count_from_years_reached(program, 1990, last_year) == 1
    # a benefit past them (written past the services' year check, as a restore might): not in any mask,
    # so a range reaching it is not the summary's to answer, and one within the years held still is
    Benefit.objects.filter(person=person).update(year=last_held + 1)
    years_reached_rebuild(program.pk)
    assert _stored(program) == {}
    assert beneficiaries_count_from_years_reached(program, 2000, last_year) is None
    assert beneficiaries_count_from_years_reached(program, 2000, last_held) == 0
    figure = report_annual(program, 2000, last_year).as_json()["indicators"]["beneficiaries"]
    assert figure["value"] == 1


def test_the_summary_is_rebuilt_and_refreshed_from_the_benefits(actor, program, homes) -> None:
    home, _elsewhere = homes
    person = member(actor, home, 41)
    _benefit(actor, program, person, 2010)
    YearsReachedSummary.objects.all().delete()
    YearsReachedSummary.objects.create(program=program, county_code="520402", years_mask=5, persons=3)
    assert years_reached_rebuild(program.pk) == 1
    assert _stored(program) == {("520422", (2010,)): 1}
    YearsReachedSummary.objects.update(persons=5)
    assert years_reached_refresh([(program.pk, "520422")]) == 1
    assert _stored(program) == {("520422", (2010,)): 1}


def test_check_integrity_finds_a_tampered_or_missing_row(actor, program, homes) -> None:
    home, _elsewhere = homes
    _benefit(actor, program, member(actor, home, 51), 2010)
    _benefit(actor, program, member(actor, home, 53), 2011)
    assert integrity_run(["people.years_reached_summary"])[0].count == 0
    # as a bad restore or a write that went past the services
    in_2010, in_2011 = 1 << (2010 - 1996), 1 << (2011 - 1996)
    YearsReachedSummary.objects.filter(years_mask=in_2010).update(persons=2)
    YearsReachedSummary.objects.filter(years_mask=in_2011).delete()
    finding = integrity_run(["people.years_reached_summary"])[0]
    assert finding.count == 2
    assert finding.sample == [((program.pk, "520422", in_2010), 2, 1), ((program.pk, "520422", in_2011), 0, 1)]


# Histories of benefits: (person index, year, through the bulk path or not), in any order.
histories = st.lists(st.tuples(st.integers(0, 3), st.integers(2008, 2013), st.booleans()), min_size=1, max_size=12)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=histories)
def test_the_summary_path_equals_the_scan_for_every_range_and_scope(actor, program, homes, history) -> None:
    home, elsewhere = homes
    with transaction.atomic():
        persons = [member(actor, home, 61), member(actor, home, 63), member(actor, elsewhere, 65)]
        persons.append(member(actor, elsewhere, 67))
        for index, year, bulk in history:
            person = persons[index]
            if bulk:
                row = BenefitRow(person.pk, person.area_id, BenefitKind.OTHER, datetime.date(year, 3, 1))
                benefits_record_bulk(actor=actor, program=program, rows=[row], source="test")
            else:
                _benefit(actor, program, person, year)
        assert years_reached_mismatches() == []
        for area_code in (None, "52", "520422", "520402", VILLAGE):
            for first_year in range(2007, 2015):
                for last_year in range(first_year, 2015):
                    scan = selectors.beneficiaries_count(program, first_year, last_year, area_code=area_code)
                    summarised = beneficiaries_count_from_years_reached(program, first_year, last_year, area_code)
                    # None only for a village; every other range and scope is the scan's count
                    assert summarised == (None if area_code == VILLAGE else scan)
        # the report, on whichever path it takes, gives the scan's count
        for area_code in (None, "520402", VILLAGE):
            for first_year, last_year in ((2008, 2013), (2010, 2012), (2011, 2011)):
                scan = selectors.beneficiaries_count(program, first_year, last_year, area_code=area_code)
                year_to = last_year if last_year != first_year else None
                report = report_annual(program, first_year, year_to, scope=Scope(area_code=area_code))
                assert report.as_json()["indicators"].get("beneficiaries", {}).get("value", 0) == scan
        transaction.set_rollback(True)
