"""The people registry made by worker processes: the same rows as one process makes, in the same order.

Runs on SQLite and, with DATABASE_URL naming PostgreSQL, on PostgreSQL (where the workers make COPY text
and the server numbers the benefits as they arrive).
"""

import hashlib

import pytest
from django.db import transaction

from counterpart.people.identity import identity_decrypt
from counterpart.people.models import Benefit, Household, Person
from counterpart.synth import people_rows
from counterpart.synth.generate import synth_generate
from counterpart.synth.plan import synth_plan


def _checksums_of_a_run(workers: int) -> dict[str, tuple[int, str]]:
    """(rows, md5 over the rows ordered by id) per table; the persons' ciphertexts by their clear number,
    since AES-GCM's nonces are random by design."""
    with transaction.atomic():
        program = synth_generate(synth_plan(0.0001, seed=5), workers=workers).program
        households = Household.objects.filter(number__startswith=f"S{program.pk}-").order_by("id")
        persons = Person.objects.filter(household__in=households).order_by("id")
        tables: dict[str, list] = {
            # the number names the program, whose id PostgreSQL's sequence does not hand out twice
            "households": [
                (row[0], row[1].removeprefix(f"S{program.pk}-"), *row[2:])
                for row in households.values_list(
                    "id", "number", "village_id", "county_code", "head_id", "poverty_cause", "helper_name"
                )
            ],
            "persons": [
                (*row[:-2], identity_decrypt(row[-3], row[-2] or b""), bytes(row[-1] or b""))
                for row in persons.values_list(
                    "id",
                    "household_id",
                    "relation",
                    "name",
                    "sex",
                    "birth_date",
                    "area_id",
                    "county_code",
                    "identity_key_id",
                    "identity_ciphertext",
                    "identity_blind_index",
                )
            ],
            "benefits": list(
                Benefit.objects.filter(program=program)
                .order_by("id")
                .values_list(
                    "id", "person_id", "household_id", "kind", "pairing_id", "project_id", "date", "year", "area_code"
                )
            ),
        }
        sums = {}
        for table, rows in tables.items():
            sums[table] = (len(rows), hashlib.md5(repr(rows).encode()).hexdigest())
        transaction.set_rollback(True)
    return sums


def test_two_workers_write_the_same_rows_as_one(db, monkeypatch: pytest.MonkeyPatch) -> None:
    # Parts of 300 members: several per county, so parts of one county are made by different workers.
    monkeypatch.setattr(people_rows, "PART_PERSONS", 300)
    one, two = _checksums_of_a_run(1), _checksums_of_a_run(2)
    assert one == two
    plan = synth_plan(0.0001, seed=5)
    per_county = plan.persons // plan.counties // 3 * 3
    assert one["persons"][0] == per_county * plan.counties
    assert one["households"][0] == one["persons"][0] // 3
    # about three in five persons reached once, two in five twice
    assert 1.3 < one["benefits"][0] / one["persons"][0] < 1.5


def test_each_part_has_its_own_stream(db) -> None:
    # Another part of the same county, or the same part of another county, is not the same draw.
    first = people_rows.part_random(1, "529101", 0).random()
    assert first == people_rows.part_random(1, "529101", 0).random()
    assert first != people_rows.part_random(1, "529101", 1).random()
    assert first != people_rows.part_random(1, "529102", 0).random()
    assert first != people_rows.part_random(2, "529101", 0).random()
