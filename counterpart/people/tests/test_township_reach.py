"""The township-reach summary follows every write path and equals a count of the benefits per township."""

import datetime

import pytest
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Substr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counterpart.integrity.checks import integrity_run
from counterpart.people.models import Benefit, BenefitKind, TownshipReachSummary
from counterpart.people.services import BenefitRow, benefit_record, benefits_record_bulk
from counterpart.people.township_reach import (
    township_persons,
    township_reach_mismatches,
    township_reach_rebuild,
    township_reach_refresh,
)
from counterpart.registry.models import Area
from counterpart.registry.services import AreaRow, areas_upsert

from .factories import household, member

VILLAGE, OTHER_TOWNSHIP_VILLAGE = "520422100201", "520422101201"


@pytest.fixture
def homes(actor, areas):
    areas_upsert(
        actor=actor, rows=[AreaRow("520422101", "某镇二"), AreaRow(OTHER_TOWNSHIP_VILLAGE, "某村二")], source="test"
    )
    other = Area.objects.get(code=OTHER_TOWNSHIP_VILLAGE)
    return household(actor, areas[VILLAGE]), household(actor, other, code="H-2")


def _benefit(actor, program, person, year: int, area=None) -> None:
    benefit_record(
        actor=actor, program=program, kind=BenefitKind.OTHER, date=datetime.date(year, 6, 1), person=person, area=area
    )


def _scan(program, year: int, county: str) -> dict[str, int]:
    rows = (
        Benefit.objects.filter(program=program, year=year, county_code=county)
        .annotate(township=Substr("area_code", 1, 9))
        .values_list("township")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
    )
    return {code: n for code, n in rows if len(code) == 9}


def test_a_person_counts_once_in_each_township_of_their_year(actor, program, areas, homes) -> None:
    home, other = homes
    first, second = member(actor, home, 11), member(actor, other, 13)
    _benefit(actor, program, first, 2011)
    _benefit(actor, program, first, 2011)  # the same township again: nothing changes
    assert township_persons(program.pk, 2011, "520422") == {"520422100": 1}
    _benefit(actor, program, first, 2011, area=Area.objects.get(code=OTHER_TOWNSHIP_VILLAGE))  # reached elsewhere
    _benefit(actor, program, second, 2011)
    _benefit(actor, program, second, 2012)
    _benefit(actor, program, second, 2011, area=areas["520422"])  # placed at the county: in no township
    assert township_persons(program.pk, 2011, "520422") == {"520422100": 1, "520422101": 2}
    assert township_persons(program.pk, 2012, "520422") == {"520422101": 1}
    assert township_reach_mismatches() == []


def test_the_summary_is_rebuilt_and_refreshed_and_a_tampered_row_is_found(actor, program, homes) -> None:
    home, other = homes
    _benefit(actor, program, member(actor, home, 21), 2010)
    _benefit(actor, program, member(actor, other, 23), 2010)
    assert integrity_run(["people.township_reach_summary"])[0].count == 0
    # as a bad restore or a write that went past the services
    TownshipReachSummary.objects.filter(township_code="520422100").update(persons=2)
    TownshipReachSummary.objects.filter(township_code="520422101").delete()
    finding = integrity_run(["people.township_reach_summary"])[0]
    assert finding.count == 2
    assert finding.sample == [
        ((program.pk, 2010, "520422", "520422100"), 2, 1),
        ((program.pk, 2010, "520422", "520422101"), 0, 1),
    ]
    assert township_reach_refresh([(program.pk, 2010, "520422")]) == 1
    assert township_reach_mismatches() == []
    TownshipReachSummary.objects.update(persons=7)
    assert township_reach_rebuild(program.pk) == 2
    assert township_persons(program.pk, 2010, "520422") == {"520422100": 1, "520422101": 1}


histories = st.lists(
    st.tuples(
        st.integers(0, 2),
        st.integers(2010, 2011),
        st.sampled_from([None, VILLAGE, OTHER_TOWNSHIP_VILLAGE]),
        st.booleans(),
    ),
    min_size=1,
    max_size=10,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=histories)
def test_the_summary_equals_the_scan_on_every_path(actor, program, homes, history) -> None:
    home, other = homes
    with transaction.atomic():
        persons = [member(actor, home, 31), member(actor, other, 33), member(actor, home, 35)]
        for index, year, where, bulk in history:
            person = persons[index]
            if bulk:
                row = BenefitRow(person.pk, where or person.area_id, BenefitKind.OTHER, datetime.date(year, 3, 1))
                benefits_record_bulk(actor=actor, program=program, rows=[row], source="test")
            else:
                _benefit(actor, program, person, year, area=Area.objects.get(code=where) if where else None)
        assert township_reach_mismatches() == []
        for year in (2010, 2011):
            assert township_persons(program.pk, year, "520422") == _scan(program, year, "520422")
        transaction.set_rollback(True)
