"""The first-reach summary follows every write path, and the report's ranges read from it equal a scan."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counterpart.indicators.figures import Scope
from counterpart.integrity.checks import integrity_run
from counterpart.people import selectors
from counterpart.people.first_reach import (
    beneficiaries_count_from_first_reach,
    first_reach_mismatches,
    first_reach_rebuild,
    first_reach_refresh,
)
from counterpart.people.models import BenefitKind, FirstReachSummary, TrainingKind
from counterpart.people.services import (
    BenefitRow,
    benefit_record,
    benefits_record_bulk,
    training_create,
    training_participants_add,
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


def _stored(program) -> dict[tuple[int, str], int]:
    return {(row.year, row.county_code): row.persons for row in FirstReachSummary.objects.filter(program=program)}


def _benefit(actor, program, person, year: int) -> None:
    benefit_record(actor=actor, program=program, kind=BenefitKind.OTHER, date=datetime.date(year, 6, 1), person=person)


def test_a_person_counts_once_under_their_first_year_whatever_order_the_years_come_in(
    actor, program, areas, homes
) -> None:
    home, _elsewhere = homes
    first, second = member(actor, home, 11), member(actor, home, 13)
    _benefit(actor, program, first, 2011)
    _benefit(actor, program, first, 2011)  # the same year again: nothing changes
    _benefit(actor, program, first, 2013)  # a later year: still first reached in 2011
    assert _stored(program) == {(2011, "520422"): 1}
    _benefit(actor, program, first, 2009)  # an earlier one moves them to 2009
    assert _stored(program) == {(2009, "520422"): 1}
    # a household benefit reaches both members: only the second is new, in 2010
    benefit_record(actor=actor, program=program, kind=BenefitKind.OTHER, date=datetime.date(2010, 6, 1), household=home)
    assert _stored(program) == {(2009, "520422"): 1, (2010, "520422"): 1}
    # a training reaches the second earlier still
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
    assert _stored(program) == {(2009, "520422"): 2}
    assert first_reach_mismatches() == []


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
    assert _stored(program) == {(2010, "520422"): 1, (2011, "520402"): 1}
    assert first_reach_mismatches() == []


def test_a_range_is_read_from_the_summary_only_where_nobody_was_reached_before_it(actor, program, homes) -> None:
    home, elsewhere = homes
    early, late, away = member(actor, home, 31), member(actor, home, 33), member(actor, elsewhere, 35)
    for person, years in ((early, (2009, 2012)), (late, (2011, 2012)), (away, (2010,))):
        for year in years:
            _benefit(actor, program, person, year)
    # from the start: the persons first reached up to the last year, each once
    assert beneficiaries_count_from_first_reach(program.pk, 2009, 2012) == 3
    assert beneficiaries_count_from_first_reach(program.pk, 2005, 2010) == 2
    # someone was reached before 2011: the summary cannot say whether they were again
    assert beneficiaries_count_from_first_reach(program.pk, 2011, 2012) is None
    # in 520402 nobody was reached before 2010: its ranges from 2010 are exact
    assert beneficiaries_count_from_first_reach(program.pk, 2010, 2012, area_code="520402") == 1
    assert beneficiaries_count_from_first_reach(program.pk, 2010, 2012, area_code="52") is None
    # a village is finer than the summary
    assert beneficiaries_count_from_first_reach(program.pk, 2009, 2012, area_code=VILLAGE) is None
    # the report gives the same count on both paths
    for first_year, last_year in ((2009, 2012), (2011, 2012), (2010, 2011)):
        figure = report_annual(program, first_year, last_year).as_json()["indicators"]["beneficiaries"]
        assert figure["value"] == selectors.beneficiaries_count(program, first_year, last_year)


def test_the_summary_is_rebuilt_and_refreshed_from_the_benefits(actor, program, homes) -> None:
    home, _elsewhere = homes
    person = member(actor, home, 41)
    _benefit(actor, program, person, 2010)
    FirstReachSummary.objects.all().delete()
    FirstReachSummary.objects.create(program=program, year=2015, county_code="520402", persons=3)
    assert first_reach_rebuild(program.pk) == 1
    assert _stored(program) == {(2010, "520422"): 1}
    FirstReachSummary.objects.update(persons=5)
    assert first_reach_refresh([(program.pk, "520422")]) == 1
    assert _stored(program) == {(2010, "520422"): 1}


def test_check_integrity_finds_a_tampered_or_missing_row(actor, program, homes) -> None:
    home, _elsewhere = homes
    _benefit(actor, program, member(actor, home, 51), 2010)
    _benefit(actor, program, member(actor, home, 53), 2011)
    assert integrity_run(["people.first_reach_summary"])[0].count == 0
    # as a bad restore or a write that went past the services
    FirstReachSummary.objects.filter(year=2010).update(persons=2)
    FirstReachSummary.objects.filter(year=2011).delete()
    finding = integrity_run(["people.first_reach_summary"])[0]
    assert finding.count == 2
    assert finding.sample == [((program.pk, 2010, "520422"), 2, 1), ((program.pk, 2011, "520422"), 0, 1)]


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
        assert first_reach_mismatches() == []
        for area_code in (None, "52", "520422", "520402", VILLAGE):
            for first_year in range(2008, 2014):
                for last_year in range(first_year + 1, 2014):
                    scan = selectors.beneficiaries_count(program, first_year, last_year, area_code=area_code)
                    summarised = beneficiaries_count_from_first_reach(program.pk, first_year, last_year, area_code)
                    assert summarised in (None, scan)
                    # None only where someone in the scope was reached before the range (or a village)
                    reached_before = selectors.beneficiaries_count(program, 1996, first_year - 1, area_code=area_code)
                    assert (summarised is None) == (area_code == VILLAGE or reached_before > 0)
        # the report, on whichever path it takes, gives the scan's count
        for area_code in (None, "520402"):
            for first_year, last_year in ((2008, 2013), (2010, 2012)):
                scan = selectors.beneficiaries_count(program, first_year, last_year, area_code=area_code)
                report = report_annual(program, first_year, last_year, scope=Scope(area_code=area_code))
                assert report.as_json()["indicators"].get("beneficiaries", {}).get("value", 0) == scan
        transaction.set_rollback(True)
