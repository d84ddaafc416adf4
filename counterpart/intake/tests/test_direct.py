"""The direct path's pipeline (PostgreSQL): each chunk encoded while the previous one's COPY streams, the rows
only the general validator can encode deferred until the connection is free again."""

import csv
import datetime
from pathlib import Path

import pytest
from django.db import connection, transaction

from counterpart.intake import direct
from counterpart.intake import staged as staged_module
from counterpart.intake.services import import_file

ROWS, HOUSEHOLDS = 25, 5


def _households(actor, areas) -> None:
    from counterpart.people.services import HouseholdRow, households_register_bulk

    with transaction.atomic():
        households_register_bulk(
            actor=actor,
            rows=[HouseholdRow(f"K-{n:06d}", areas["520422100201"], "illness") for n in range(HOUSEHOLDS)],
            year=2014,
            source="t",
        )


def _number(n: int) -> str:
    from counterpart.people.identity import identity_compose

    return identity_compose("520422", datetime.date(1950, 1, 1) + datetime.timedelta(days=n), n % 1000)


def _file(path: Path, spelled: dict[int, list[str]]) -> None:
    """ROWS members of HOUSEHOLDS households (the first HOUSEHOLDS rows their heads); ``spelled``: rows given
    instead of the plain one, by index."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["户编号", "与户主关系", "姓名", "身份证号码", "性别", "出生日期"])
        for n in range(ROWS):
            plain = [f"K-{n % HOUSEHOLDS:06d}", "head" if n < HOUSEHOLDS else "child", f"成员{n}", _number(n), "", ""]
            writer.writerow(spelled.get(n, plain))


@pytest.fixture
def direct_only(monkeypatch):
    """Chunks of 4 rows (seven COPYs for the file), and a staged path that fails the test if it is taken."""
    monkeypatch.setattr(direct, "DIRECT_CHUNK_ROWS", 4)

    def staged_taken(*_args, **_kwargs):
        raise AssertionError("the staged path ran: the direct load declined the file")

    monkeypatch.setattr(staged_module, "_stage", staged_taken)


@pytest.mark.postgres
def test_rows_the_fast_path_defers_are_loaded_directly_in_their_place(
    transactional_db, areas, actor, tmp_path: Path, direct_only
):
    from counterpart.people.models import Household, Person

    # given: a file whose rows 2, 9 and 22 spell the birth date as 1950/1/3 (the fast path leaves such a row
    # to the general validator, which needs the database: it is encoded after its chunk's predecessor's COPY)
    _households(actor, areas)
    spelled = {}
    for n in (2, 9, 22):
        birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=n)
        relation = "head" if n < HOUSEHOLDS else "child"
        spelled[n] = [f"K-{n % HOUSEHOLDS:06d}", relation, f"成员{n}", _number(n), "", f"{birth:%Y/%-m/%-d}"]
    path = tmp_path / "persons.csv"
    _file(path, spelled)
    # when
    result = import_file(actor=actor, path=path, kind="persons")
    # then: every person once, in the file's order, the deferred ones with their date, each household's head
    assert result.ok, result.errors
    persons = list(Person.objects.order_by("id"))
    assert [person.name for person in persons] == [f"成员{n}" for n in range(ROWS)]
    assert [person.birth_date for person in persons] == [
        datetime.date(1950, 1, 1) + datetime.timedelta(days=n) for n in range(ROWS)
    ]
    heads = dict(Household.objects.values_list("number", "head__name"))
    assert heads == {f"K-{n:06d}": f"成员{n}" for n in range(HOUSEHOLDS)}


@pytest.mark.postgres
def test_a_row_refused_in_a_later_chunk_is_reported_by_row_field_and_value_with_nothing_written(
    transactional_db, areas, actor, tmp_path: Path, monkeypatch
):
    from counterpart.people.models import Household, Person

    # given: chunks of 4 rows, and row 23 of the file (index 21) with a wrong check character
    monkeypatch.setattr(direct, "DIRECT_CHUNK_ROWS", 4)
    _households(actor, areas)
    number = _number(21)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    path = tmp_path / "persons.csv"
    _file(path, {21: [f"K-{21 % HOUSEHOLDS:06d}", "child", "成员21", wrong, "", ""]})
    # when
    result = import_file(actor=actor, path=path, kind="persons")
    # then: the staged path names it (row 23, the identity column, masked); nothing of the file is written
    assert not result.ok
    assert [(error.row, error.column) for error in result.errors] == [(23, "身份证号码")]
    assert wrong not in str(result.errors[0].value)
    assert Person.objects.count() == 0 and not Household.objects.filter(head__isnull=False).exists()


@pytest.mark.postgres
def test_the_next_chunk_is_encoded_while_the_previous_copy_is_still_open(
    transactional_db, areas, actor, tmp_path: Path, direct_only, monkeypatch
):
    from psycopg.pq import TransactionStatus

    from counterpart.intake.records import people as people_records

    # given: a fast path that notes the connection's state for every row it encodes
    _households(actor, areas)
    path = tmp_path / "persons.csv"
    _file(path, {})
    states: list[TransactionStatus] = []
    encoders = people_records.PersonsKind.direct_encoders

    def noting(self, validator, context):
        fast, full = encoders(self, validator, context)

        def note(number, cells):
            states.append(connection.connection.info.transaction_status)
            return fast(number, cells)

        return note, full

    monkeypatch.setattr(people_records.PersonsKind, "direct_encoders", noting)
    # when
    result = import_file(actor=actor, path=path, kind="persons")
    # then: the first chunk's rows were encoded before any COPY; every later row while one was in progress
    assert result.ok, result.errors
    assert len(states) == ROWS
    assert TransactionStatus.ACTIVE not in states[:4]
    assert set(states[4:]) == {TransactionStatus.ACTIVE}
