"""Concurrent writers keep the persons-reached summary exact (its row locks, on PostgreSQL)."""

import datetime
import threading

import pytest
from django.db import connections

from counterpart.core.audit import Actor
from counterpart.people.models import BeneficiarySummary, BenefitKind
from counterpart.people.services import BenefitRow, benefit_record, benefits_record_bulk
from counterpart.people.summary import beneficiary_summary_mismatches

from .factories import household, member

pytestmark = pytest.mark.postgres
DAY = datetime.date(2009, 6, 1)


@pytest.mark.django_db(transaction=True)
def test_clerks_recording_the_same_and_other_persons_at_once_count_each_once(program, project, areas) -> None:
    # given six persons of one county, and twelve clerks at once: each person reached twice, by a
    # single benefit and by a bulk load, so first benefits of the same person race each other
    actor = Actor.system("test")
    home = household(actor, areas["520422100201"])
    persons = [member(actor, home, 101 + 2 * n) for n in range(6)]
    barrier = threading.Barrier(12)
    errors: list[BaseException] = []

    def clerk(index: int) -> None:
        person = persons[index % 6]
        try:
            barrier.wait()
            if index < 6:
                benefit_record(
                    actor=actor, program=program, kind=BenefitKind.PROJECT, date=DAY, person=person, project=project
                )
            else:
                row = BenefitRow(person.pk, "520422100201", BenefitKind.OTHER, DAY)
                benefits_record_bulk(actor=actor, program=program, rows=[row], source="test")
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=clerk, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert list(BeneficiarySummary.objects.values_list("year", "county_code", "persons")) == [(2009, "520422", 6)]
    assert beneficiary_summary_mismatches() == []


@pytest.mark.django_db(transaction=True)
def test_clerks_recording_other_years_of_the_same_persons_at_once_keep_each_set_of_years(
    program, project, areas
) -> None:
    # given four persons, each reached at once by eight clerks in 2012, 2011, 2010 and 2009 (single and bulk):
    # the year rows of BeneficiarySummary differ, so only the years-reached lock keeps each set of years whole
    from counterpart.people.models import YearsReachedSummary
    from counterpart.people.years_reached import years_reached_mismatches

    actor = Actor.system("test")
    home = household(actor, areas["520422100201"])
    persons = [member(actor, home, 201 + 2 * n) for n in range(4)]
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def clerk(index: int) -> None:
        day = datetime.date(2009 + index % 4, 6, 1)
        try:
            barrier.wait()
            for person in persons:
                if index < 4:
                    benefit_record(actor=actor, program=program, kind=BenefitKind.OTHER, date=day, person=person)
                else:
                    row = BenefitRow(person.pk, "520422100201", BenefitKind.OTHER, day)
                    benefits_record_bulk(actor=actor, program=program, rows=[row], source="test")
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=clerk, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    all_four = sum(1 << (year - program.start_year) for year in (2009, 2010, 2011, 2012))
    assert list(YearsReachedSummary.objects.values_list("county_code", "years_mask", "persons")) == [
        ("520422", all_four, 4)
    ]
    assert years_reached_mismatches() == []
    assert beneficiary_summary_mismatches() == []
