"""The pairing-reach summary follows every write path, and a donor's unique counts read from it equal a scan."""

import datetime
import itertools

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counterpart.integrity.checks import integrity_run
from counterpart.people import selectors
from counterpart.people.models import BenefitKind, PairingReachSummary, TrainingKind
from counterpart.people.pairing_reach import (
    pairing_reach_mismatches,
    pairing_reach_rebuild,
    pairing_reach_refresh,
    persons_reached_through,
)
from counterpart.people.services import (
    BenefitRow,
    benefit_record,
    benefits_record_bulk,
    training_create,
    training_participants_add,
)
from counterpart.registry.models import Area, PairingLevel
from counterpart.registry.services import AreaRow, areas_upsert, pairing_create
from counterpart.reports.annual import Scope, report_annual

from .factories import household, member

VILLAGE, OTHER_VILLAGE = "520422100201", "520402100201"


@pytest.fixture
def homes(actor, areas):
    areas_upsert(actor=actor, rows=[AreaRow("520402100", "某镇"), AreaRow(OTHER_VILLAGE, "某村二")], source="test")
    return household(actor, areas[VILLAGE]), household(actor, Area.objects.get(code=OTHER_VILLAGE), code="H-2")


@pytest.fixture
def pairings(actor, program, areas, pairing):
    """Three pairings: 市南区 → 普定县 (the fixture's), 市北区 → 普定县, and 市北区 → 西秀区."""
    second = pairing_create(
        actor=actor,
        program=program,
        level=PairingLevel.DISTRICT_COUNTY,
        donor_area=areas["370203"],
        recipient_area=areas["520422"],
        valid_from=datetime.date(2008, 1, 1),
    )
    third = pairing_create(
        actor=actor,
        program=program,
        level=PairingLevel.DISTRICT_COUNTY,
        donor_area=areas["370203"],
        recipient_area=areas["520402"],
        valid_from=datetime.date(2008, 1, 1),
    )
    return pairing, second, third


def _stored(program) -> dict[tuple[int, str, tuple[int, ...]], int]:
    """The rows as (year, county, the pairings) → persons."""
    rows = PairingReachSummary.objects.filter(program=program)
    return {(row.year, row.county_code, tuple(int(pk) for pk in row.pairings.split(","))): row.persons for row in rows}


def _benefit(actor, program, person, year: int, pairing=None) -> None:
    benefit_record(
        actor=actor,
        program=program,
        kind=BenefitKind.OTHER,
        date=datetime.date(year, 6, 1),
        person=person,
        pairing=pairing,
    )


def test_a_person_counts_once_under_the_set_of_pairings_of_their_year(actor, program, areas, homes, pairings):
    home, _elsewhere = homes
    one, two, _three = pairings
    first, second = member(actor, home, 11), member(actor, home, 13)
    _benefit(actor, program, first, 2011, one)
    _benefit(actor, program, first, 2011, one)  # the same pairing again: nothing changes
    _benefit(actor, program, first, 2011)  # nor does a benefit through no pairing
    assert _stored(program) == {(2011, "520422", (one.pk,)): 1}
    _benefit(actor, program, first, 2011, two)  # a second pairing moves them to the set {one, two}
    assert _stored(program) == {(2011, "520422", (one.pk, two.pk)): 1}
    _benefit(actor, program, first, 2012, two)  # another year is another row
    assert _stored(program)[(2012, "520422", (two.pk,))] == 1
    # a household benefit through `two` reaches both members: the first has it already, the second is new
    benefit_record(
        actor=actor,
        program=program,
        kind=BenefitKind.OTHER,
        date=datetime.date(2011, 7, 1),
        household=home,
        pairing=two,
    )
    assert _stored(program) == {
        (2011, "520422", (one.pk, two.pk)): 1,
        (2011, "520422", (two.pk,)): 1,
        (2012, "520422", (two.pk,)): 1,
    }
    # a training of pairing `one` moves the second to {one, two}
    course = training_create(
        actor=actor,
        program=program,
        pairing=one,
        kind=TrainingKind.LABOUR_TRANSFER,
        title="电焊工培训",
        place=areas["520422"],
        start_date=datetime.date(2011, 3, 1),
        end_date=datetime.date(2011, 3, 9),
    )
    training_participants_add(actor=actor, training=course, persons=[second])
    assert pairing_reach_mismatches() == []
    # the donor of `two` reached both in 2011, once each; `one` too; the two pairings together still two
    assert persons_reached_through(program.pk, 2011, [two.pk]) == {"520422": 2}
    assert persons_reached_through(program.pk, 2011, [one.pk, two.pk]) == {"520422": 2}
    assert persons_reached_through(program.pk, 2011, [one.pk, two.pk], area_code="520402") == {}


def test_a_bulk_load_recounts_the_keys_it_touched(actor, program, homes, pairings) -> None:
    home, elsewhere = homes
    one, _two, three = pairings
    local, away = member(actor, home, 21), member(actor, elsewhere, 23)
    _benefit(actor, program, local, 2012, one)
    benefits_record_bulk(
        actor=actor,
        program=program,
        rows=[
            BenefitRow(local.pk, VILLAGE, BenefitKind.OTHER, datetime.date(2012, 1, 5), pairing_id=one.pk),
            BenefitRow(away.pk, OTHER_VILLAGE, BenefitKind.OTHER, datetime.date(2011, 1, 5), pairing_id=three.pk),
            BenefitRow(away.pk, OTHER_VILLAGE, BenefitKind.OTHER, datetime.date(2011, 2, 5)),
        ],
        source="test",
    )
    assert _stored(program) == {(2012, "520422", (one.pk,)): 1, (2011, "520402", (three.pk,)): 1}
    assert pairing_reach_mismatches() == []


def test_the_summary_is_rebuilt_and_refreshed_from_the_benefits(actor, program, homes, pairings) -> None:
    home, _elsewhere = homes
    one, two, _three = pairings
    _benefit(actor, program, member(actor, home, 41), 2010, one)
    PairingReachSummary.objects.all().delete()
    PairingReachSummary.objects.create(program=program, year=2010, county_code="520402", pairings="9", persons=3)
    assert pairing_reach_rebuild(program.pk) == 1
    assert _stored(program) == {(2010, "520422", (one.pk,)): 1}
    PairingReachSummary.objects.update(persons=5, pairings=f"{one.pk},{two.pk}")
    assert pairing_reach_refresh([(program.pk, 2010, "520422")]) == 1
    assert _stored(program) == {(2010, "520422", (one.pk,)): 1}


def test_check_integrity_finds_a_tampered_or_missing_row(actor, program, homes, pairings) -> None:
    home, _elsewhere = homes
    one, two, _three = pairings
    _benefit(actor, program, member(actor, home, 51), 2010, one)
    _benefit(actor, program, member(actor, home, 53), 2010, two)
    assert integrity_run(["people.pairing_reach_summary"])[0].count == 0
    # as a bad restore or a write that went past the services
    PairingReachSummary.objects.filter(pairings=str(one.pk)).update(persons=2)
    PairingReachSummary.objects.filter(pairings=str(two.pk)).delete()
    finding = integrity_run(["people.pairing_reach_summary"])[0]
    assert finding.count == 2
    assert sorted(finding.sample) == sorted(
        [((program.pk, 2010, "520422", str(one.pk)), 2, 1), ((program.pk, 2010, "520422", str(two.pk)), 0, 1)]
    )


# Histories of benefits: (person index, year, pairing index or none, through the bulk path or not).
histories = st.lists(
    st.tuples(st.integers(0, 3), st.integers(2010, 2012), st.sampled_from([None, 0, 1, 2]), st.booleans()),
    min_size=1,
    max_size=12,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=histories)
def test_a_donors_count_from_the_summary_equals_the_scan(actor, program, homes, pairings, history) -> None:
    home, elsewhere = homes
    with transaction.atomic():
        persons = [member(actor, home, 61), member(actor, home, 63), member(actor, elsewhere, 65)]
        persons.append(member(actor, elsewhere, 67))
        for index, year, which, bulk in history:
            person = persons[index]
            # a pairing reaches its own recipient county only (the services check it)
            chosen = pairings[which] if which is not None else None
            if chosen is not None and not person.area_id.startswith(chosen.recipient_area_id):
                chosen = None
            if bulk:
                pairing_id = chosen.pk if chosen is not None else None
                row = BenefitRow(
                    person.pk, person.area_id, BenefitKind.OTHER, datetime.date(year, 3, 1), pairing_id=pairing_id
                )
                benefits_record_bulk(actor=actor, program=program, rows=[row], source="test")
            else:
                _benefit(actor, program, person, year, chosen)
        assert pairing_reach_mismatches() == []
        subsets = [ids for n in range(1, 4) for ids in itertools.combinations([p.pk for p in pairings], n)]
        for year in range(2010, 2013):
            for ids in subsets:
                for area_code in (None, "52", "520422", "520402"):
                    scan = selectors.beneficiaries_count(program, year, area_code=area_code, pairing_ids=ids)
                    assert sum(persons_reached_through(program.pk, year, ids, area_code).values()) == scan
            # the report's figure for a donor's scope is read from the summary: the same count
            ids = tuple(p.pk for p in pairings[1:])
            figure = report_annual(program, year, scope=Scope(pairing_ids=ids)).figures.get("beneficiaries")
            assert (figure.value if figure else 0) == selectors.beneficiaries_count(program, year, pairing_ids=ids)
        transaction.set_rollback(True)
