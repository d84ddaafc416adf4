import pytest
from django.db import IntegrityError, connection, transaction

from counterpart.people.models import Benefit, Household, Person
from counterpart.synth.bulk import indexes_deferred
from counterpart.synth.generate import LOADED, synth_generate
from counterpart.synth.plan import synth_plan

pytestmark = pytest.mark.postgres


def _indexes_and_constraints(tables: list[str]) -> tuple[set, set]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)", [tables])
        indexes = set(cursor.fetchall())
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid::regclass::text = ANY(%s)",
            [tables],
        )
        return indexes, set(cursor.fetchall())


def test_a_load_builds_the_same_indexes_and_constraints_it_deferred(db) -> None:
    tables = [model._meta.db_table for model in LOADED]
    before = _indexes_and_constraints(tables)
    with transaction.atomic(), indexes_deferred(*LOADED) as deferred:
        # During the load only the primary keys (and what a foreign key needs) are left.
        during, _ = _indexes_and_constraints(tables)
        assert deferred >= 10
        assert len(during) == len(before[0]) - deferred
        assert {name for name, _ in during} >= {f"{table}_pkey" for table in tables}
    assert _indexes_and_constraints(tables) == before
    synth_generate(synth_plan(0.0001, seed=3))
    assert _indexes_and_constraints(tables) == before
    assert Person.objects.exists() and Benefit.objects.exists() and Household.objects.exists()


def test_a_failed_load_leaves_every_index_in_place(db) -> None:
    tables = [model._meta.db_table for model in LOADED]
    before = _indexes_and_constraints(tables)
    with pytest.raises(RuntimeError), transaction.atomic(), indexes_deferred(*LOADED):
        raise RuntimeError("the load failed")
    assert _indexes_and_constraints(tables) == before


def test_the_rebuilt_unique_constraints_still_refuse_duplicates(db) -> None:
    synth_generate(synth_plan(0.0001, seed=4))
    household = Household.objects.first()
    assert household is not None
    with pytest.raises(IntegrityError, match=r"unique|duplicate"), transaction.atomic():
        Household.objects.create(
            number=household.number, village_id=household.village_id, county_code=household.county_code
        )
