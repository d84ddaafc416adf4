"""The persons-reached summary follows every write path and always equals the records' own count."""

import datetime

import pytest

from counterpart.funds.models import FundSource
from counterpart.funds.services import ledger_commit
from counterpart.people import selectors
from counterpart.people.models import BeneficiarySummary, BenefitKind, TrainingKind
from counterpart.people.services import (
    BenefitRow,
    benefit_record,
    benefits_record_bulk,
    student_aid_grant,
    training_create,
    training_participants_add,
)
from counterpart.people.summary import (
    beneficiaries_count_summarised,
    beneficiary_summary_mismatches,
    beneficiary_summary_rebuild,
    beneficiary_summary_recomputed,
    beneficiary_summary_refresh,
)
from counterpart.reports.annual import report_annual

from .factories import household, member

DAY = datetime.date(2009, 6, 1)


@pytest.fixture
def village(areas):
    return areas["520422100201"]


@pytest.fixture
def home(actor, village):
    return household(actor, village)


def _stored(program) -> dict[tuple[int, str], int]:
    return {(row.year, row.county_code): row.persons for row in BeneficiarySummary.objects.filter(program=program)}


def test_every_write_path_keeps_the_summary_equal_to_the_records(actor, program, pairing, project, areas, home):
    first, second, third = member(actor, home, 11), member(actor, home, 13), member(actor, home, 15)
    # the same person twice in one year, and reached in another county than their own (520402)
    benefit_record(actor=actor, program=program, kind=BenefitKind.PROJECT, date=DAY, person=first, project=project)
    benefit_record(
        actor=actor,
        program=program,
        kind=BenefitKind.OTHER,
        date=DAY,
        person=first,
        area=areas["520402"],
        pairing=pairing,
    )
    assert _stored(program) == {(2009, "520422"): 1}
    # a household benefit reaches every member; only the two not yet reached are new
    benefit_record(actor=actor, program=program, kind=BenefitKind.OTHER, date=DAY, household=home)
    assert _stored(program) == {(2009, "520422"): 3}
    # another year through a training, student aid and a bulk load
    course = training_create(
        actor=actor,
        program=program,
        kind=TrainingKind.LABOUR_TRANSFER,
        title="电焊工培训",
        place=areas["520422"],
        start_date=datetime.date(2010, 3, 1),
        end_date=datetime.date(2010, 3, 9),
    )
    training_participants_add(actor=actor, training=course, persons=[first])
    commitment = ledger_commit(
        actor=actor, program=program, date=datetime.date(2010, 2, 1), source=FundSource.SOCIAL, amount_fen=1_000_00
    )
    student_aid_grant(
        actor=actor,
        commitment=commitment,
        student=second,
        school_name="马官镇中心小学",
        date=datetime.date(2010, 9, 1),
        amount_fen=500_00,
    )
    benefits_record_bulk(
        actor=actor,
        program=program,
        rows=[
            BenefitRow(third.pk, "520422100201", BenefitKind.OTHER, datetime.date(2011, 1, 5)),
            BenefitRow(third.pk, "520422100201", BenefitKind.OTHER, datetime.date(2011, 2, 5)),
            BenefitRow(first.pk, "520422100201", BenefitKind.OTHER, datetime.date(2010, 2, 5)),
        ],
        source="test",
    )
    assert _stored(program) == {(2009, "520422"): 3, (2010, "520422"): 2, (2011, "520422"): 1}
    assert beneficiary_summary_mismatches() == []
    for year in (2009, 2010, 2011, 2012):
        assert beneficiaries_count_summarised(program.pk, year) == selectors.beneficiaries_count(program, year)
    # the report's program-wide figure is the summary's
    assert report_annual(program, 2010).as_json()["indicators"]["beneficiaries"]["value"] == 2


def test_the_summary_adds_up_across_counties_by_the_persons_own_county(actor, program, areas, home) -> None:
    from counterpart.registry.services import AreaRow, areas_upsert

    areas_upsert(actor=actor, rows=[AreaRow("520402100", "某镇"), AreaRow("520402100201", "某村二")], source="test")
    elsewhere = household(actor, areas["520402"].children.get().children.get(), code="H-2")
    local, moved = member(actor, home, 21), member(actor, elsewhere, 23)
    for person in (local, moved):
        # both reached in 520422: the second is counted under their own county, 520402, once
        benefit_record(
            actor=actor, program=program, kind=BenefitKind.OTHER, date=DAY, person=person, area=areas["520422100201"]
        )
    assert _stored(program) == {(2009, "520422"): 1, (2009, "520402"): 1}
    assert beneficiaries_count_summarised(program.pk, 2009) == selectors.beneficiaries_count(program, 2009) == 2


def test_a_benefit_reached_elsewhere_lives_in_its_persons_county(actor, program, areas, home) -> None:
    """``county_code`` is the person's county on every write path, ``area_code`` where it reached them: the
    benefit is keyed with its person on Citus, ``(person_id, county_code)`` (docs/scale.md)."""
    from counterpart.people.models import Benefit

    person = member(actor, home, 41)  # of 520422
    benefit_record(actor=actor, program=program, kind=BenefitKind.OTHER, date=DAY, person=person, area=areas["520402"])
    benefits_record_bulk(
        actor=actor,
        program=program,
        rows=[BenefitRow(person.pk, "520402", BenefitKind.OTHER, datetime.date(2010, 1, 5))],
        source="test",
    )
    rows = Benefit.objects.filter(person=person).order_by("year").values_list("year", "area_code", "county_code")
    assert list(rows) == [(2009, "520402", "520422"), (2010, "520402", "520422")]
    assert _stored(program) == {(2009, "520422"): 1, (2010, "520422"): 1}
    assert beneficiary_summary_mismatches() == []


def test_a_bulk_benefit_of_an_unknown_person_is_refused(actor, program) -> None:
    from counterpart.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        benefits_record_bulk(
            actor=actor,
            program=program,
            rows=[BenefitRow(987_654, "520422100201", BenefitKind.OTHER, datetime.date(2010, 1, 5))],
            source="test",
        )


def test_refresh_repairs_a_tampered_key_and_drops_an_empty_one(actor, program, project, home) -> None:
    person = member(actor, home, 31)
    benefit_record(actor=actor, program=program, kind=BenefitKind.PROJECT, date=DAY, person=person, project=project)
    BeneficiarySummary.objects.filter(program=program).update(persons=7)
    BeneficiarySummary.objects.create(program=program, year=2015, county_code="520422", persons=4)
    assert {key for key, _stored, _recomputed in beneficiary_summary_mismatches(program.pk)} == {
        (program.pk, 2009, "520422"),
        (program.pk, 2015, "520422"),
    }
    assert beneficiary_summary_refresh([(program.pk, 2009, "520422"), (program.pk, 2015, "520422")]) == 2
    assert _stored(program) == {(2009, "520422"): 1}
    assert beneficiary_summary_mismatches() == []


def test_rebuild_writes_what_the_records_give(actor, program, project, home) -> None:
    for sequence in (41, 43):
        person = member(actor, home, sequence)
        benefit_record(actor=actor, program=program, kind=BenefitKind.PROJECT, date=DAY, person=person, project=project)
    BeneficiarySummary.objects.all().delete()
    assert beneficiary_summary_rebuild(program.pk) == 1
    assert _stored(program) == {(2009, "520422"): 2}
    assert beneficiary_summary_recomputed(program.pk) == {(program.pk, 2009, "520422"): 2}
