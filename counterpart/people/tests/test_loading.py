"""persons_load (PostgreSQL): chunks given as functions are called with the connection free."""

import datetime

import pytest
from django.db import connection, transaction

from counterpart.people.identity import IdentityCipher, identity_compose, identity_mask
from counterpart.people.models import Person, Relation, Sex
from counterpart.people.services import PersonsLoadRefused, persons_load
from counterpart.people.services.loading import PersonsChunk


def _staged(cipher: IdentityCipher, n: int, area: str) -> tuple:
    number = identity_compose("520422", datetime.date(1960, 1, 1) + datetime.timedelta(days=n), 2 * n + 1)
    return (n + 2, "", Relation.NONE.value, f"成员{n}", Sex.MALE.value, f"{1960 + n // 365}-01-01", area,
            cipher.key_id, cipher.encrypt(number), cipher.blind_index(number), identity_mask(number))  # fmt: skip


@pytest.mark.postgres
def test_a_chunk_given_as_a_function_runs_after_the_previous_copy_and_may_query(transactional_db, areas, actor):
    # given: a first chunk of one person, and a second chunk that reads the database before it is given
    cipher = IdentityCipher()
    seen = []

    def second() -> list:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM people_person")
            seen.append(cursor.fetchone()[0])
        return [_staged(cipher, 1, "520422100201")]

    chunks: list[PersonsChunk] = [[_staged(cipher, 0, "520422100201")], second]
    # when
    with transaction.atomic():
        loaded = persons_load(actor=actor, chunks=iter(chunks), expected_rows=2, source="t")
    # then: it ran once the first chunk's COPY had ended (its person visible), and both were registered
    assert loaded == 2 and seen == [1]
    assert list(Person.objects.order_by("id").values_list("name", flat=True)) == ["成员0", "成员1"]


@pytest.mark.postgres
def test_a_chunk_function_that_raises_leaves_nothing_written(transactional_db, areas, actor):
    cipher = IdentityCipher()

    def refused() -> list:
        raise PersonsLoadRefused("row 3")

    chunks: list[PersonsChunk] = [[_staged(cipher, 0, "520422100201")], refused]
    with pytest.raises(PersonsLoadRefused), transaction.atomic():
        persons_load(actor=actor, chunks=iter(chunks), expected_rows=2, source="t")
    assert Person.objects.count() == 0


@pytest.mark.postgres
def test_a_household_number_holding_the_lookup_separator_is_refused_not_mistaken(transactional_db, areas, actor):
    from counterpart.people.services import HouseholdRow, households_register_bulk
    from counterpart.people.services.loading import _SEPARATOR, _households

    # given: households K-1 and K-2, and a file naming "K-1<separator>K-2" and an unknown K-3 (split by the
    # server into as many numbers as were asked for, two of them registered)
    with transaction.atomic():
        households_register_bulk(
            actor=actor,
            rows=[HouseholdRow(number, areas["520422100201"], "illness") for number in ("K-1", "K-2")],
            year=2014,
            source="t",
        )
    # when, then: refused (the staged path takes the file), never K-1's household for the joined number
    with pytest.raises(PersonsLoadRefused), connection.cursor() as cursor:
        _households(cursor, {f"K-1{_SEPARATOR}K-2", "K-3"})
    with connection.cursor() as cursor:
        assert set(_households(cursor, {"K-1", "K-2"})) == {"K-1", "K-2"}
