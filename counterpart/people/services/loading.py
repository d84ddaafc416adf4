"""Direct person load: a file's persons, all new, COPYed straight into people_person in one transaction.

The staged path (staging.py) writes every row twice — COPY into a staging table, then INSERT … SELECT —
and checks it in SQL between the two, which a file that also corrects registered persons needs. A file
whose persons are all new needs none of that: ``persons_load`` resolves each chunk's households and
areas by one query, gives the rows their ids from the persons' sequence, and COPYs them into
people_person as they will stay. Its rules are the staged path's, checked as it goes:

- a household number must exist, a person outside a household must be in a known area (one query a
  chunk, before the chunk's COPY);
- a number may appear once in the file and may not be registered yet: the unique index on the blind
  index refuses the row during the COPY (on Citus also the national index's primary key).

Any rule not met raises ``PersonsLoadRefused`` with nothing written (the caller's transaction rolls
back): the caller then takes the staged path, which names every refused row with its message. The heads
of the households named are set once, at the end, from the ids the load gave (of the persons
before it, only the heads of those households are read).
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

import psycopg
from django.db import DatabaseError, connection, transaction
from psycopg.copy import QueuedLibpqWriter

from counterpart.core.audit import Actor, audit_record_bulk
from counterpart.registry.models import Area

from ..identity_index import identity_index_copy, identity_index_present
from ..models import Household, Person, Relation
from . import staging
from .checks import areas_check

# A staged person: the order of PERSON_STAGE_COLUMNS (row number, household number, relation, name,
# sex, birth date, area code, key id, ciphertext, blind index, masked number).
StagedPerson = Sequence[Any]
# What ``persons_load`` reads from its chunks: a chunk of staged persons, or a function giving one. The
# function is called with the connection free (between two COPYs): it may use the database, where
# advancing the iterator itself may not (see persons_load).
PersonsChunk = list[StagedPerson] | Callable[[], list[StagedPerson]]

_COLUMNS = (
    "id, household_id, relation, name, sex, birth_date, area_id, county_code, identity_key_id, "
    "identity_ciphertext, identity_blind_index, is_illustrative"
)
_LINES_PER_WRITE = 2_000
_SEPARATOR = "\x1f"  # ASCII's unit separator: not in a household number a person types


class PersonsLoadRefused(Exception):
    """The rows are not a load of new persons only, or break a rule: nothing was written."""


def _text(value: str) -> str:
    """``value`` in COPY's text format."""
    if value.isprintable() and "\\" not in value:
        return value
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _bytea(value: Any) -> str:
    return value if isinstance(value, str) else "\\\\x" + bytes(value).hex()


def _households(cursor: Any, numbers: set[str]) -> dict[str, tuple[int, str]]:
    """number -> (id, village) of the households named, or refused if one is not registered."""
    if not numbers:
        return {}
    # The numbers as one text split by the server, not a list parameter: the client-side binding quoted a
    # list's items one by one in Python (a twentieth of the importer's time for 2,500 households a
    # chunk). A number holding the separator is split apart, found wanting, and the load refused: the
    # staged path then takes the file, so the separator can cost time, never a wrong household.
    cursor.execute(
        f"SELECT number, id, village_id FROM {Household._meta.db_table} WHERE number = ANY(string_to_array(%s, %s))",
        [_SEPARATOR.join(numbers), _SEPARATOR],
    )
    found = {number: (pk, village) for number, pk, village in cursor.fetchall()}
    if found.keys() != numbers:  # by the numbers themselves, not their count (see the separator)
        raise PersonsLoadRefused("unknown household")
    return found


def _areas_known(cursor: Any, codes: set[str]) -> None:
    if codes:
        cursor.execute(f"SELECT count(*) FROM {Area._meta.db_table} WHERE code = ANY(%s)", [list(codes)])
        if cursor.fetchone()[0] != len(codes):
            raise PersonsLoadRefused("unknown area")


def _copy_queued(cursor: Any, statement: str) -> AbstractContextManager[Any]:
    """A COPY whose ``write`` only queues: psycopg's thread sends the rows (releasing the GIL while libpq
    waits on the socket) while this thread goes on encoding the next chunk."""
    raw = cursor.cursor  # psycopg's cursor under Django's wrapper (whose debug variant takes no writer)
    return raw.copy(statement, writer=QueuedLibpqWriter(raw))


def persons_load(*, actor: Actor, chunks: Iterable[PersonsChunk], expected_rows: int, source: str) -> int:
    """Register the persons of ``chunks`` (staged tuples, all new), heads of their households included.

    Must run inside the caller's transaction. ``expected_rows``: about how many rows the chunks hold
    (a large load drops and rebuilds the secondary indexes, as ``persons_stage_apply`` does). Returns
    how many persons were registered; raises ``PersonsLoadRefused`` (see the module docstring).

    The iterator is advanced while the previous chunk's COPY is still streaming to the server, so that
    the caller's encoding of chunk n + 1 (CPU in this process) runs while the server writes chunk n
    (CPU in its backend): advancing it must not use the database connection. Work that needs the
    database (a row only the general validator can encode) goes into a chunk given as a function,
    which is called once that COPY has ended.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("persons_load must run inside transaction.atomic()")
    person, household = Person._meta.db_table, Household._meta.db_table
    head = Relation.HEAD.value
    national = identity_index_present()
    total, first_id, heads_total = 0, None, 0
    rebuilt: Any = None
    areas_checked: set[str] = set()  # bounded by the registry's areas, not by the file
    areas_known: set[str] = set()
    with connection.cursor() as cursor:
        # Other writers of persons wait until this load commits.
        cursor.execute(f"LOCK TABLE {person} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [person])
        sequence = cursor.fetchone()[0]
        cursor.execute(
            "CREATE TEMP TABLE people_load_heads (household_id bigint, county_code text, head_id bigint) ON COMMIT DROP"
        )
        pending: Iterator[PersonsChunk] = iter(chunks)
        item = next(pending, None)
        while item is not None:
            chunk = item() if callable(item) else item
            if not chunk:
                item = next(pending, None)
                continue
            if total == 0:
                rebuilt = staging._person_load_begin(cursor, max(expected_rows, len(chunk)))
            households = _households(cursor, {row[1] for row in chunk if row[1]})
            outside = {row[6] for row in chunk if not row[1]} - areas_known
            _areas_known(cursor, outside)
            areas_known |= outside
            places = {village for _pk, village in households.values()} | outside
            if not actor.is_system and places - areas_checked:
                areas_check(actor=actor, verb="persons_load", areas=places - areas_checked, field="area_code")
                areas_checked |= places
            # The chunk's ids in one step of the sequence (nextval a row wrote the sequence's WAL every 32
            # rows). No other session takes a number meanwhile: every insert into people_person waits
            # for this transaction's lock before it evaluates its default.
            cursor.execute(
                "SELECT setval(%s::regclass, nextval(%s::regclass) + %s - 1)", [sequence, sequence, len(chunk)]
            )
            last = cursor.fetchone()[0]
            ids = range(last - len(chunk) + 1, last + 1)
            first_id = ids[0] if first_id is None else first_id
            heads: dict[int, tuple[str, int]] = {}
            national_rows = []
            try:
                with _copy_queued(cursor, f"COPY {person} ({_COLUMNS}) FROM STDIN") as copy:
                    lines = []
                    for pk, row in zip(ids, chunk, strict=True):
                        number = row[1]
                        if number:
                            household_id, area = households[number]
                            household_text = str(household_id)
                            if row[2] == head and household_id not in heads:
                                heads[household_id] = (area[:6], pk)
                        else:
                            household_text, area = "\\N", row[6]
                        birth = "\\N" if row[5] is None else row[5]
                        lines.append(
                            f"{pk}\t{household_text}\t{row[2]}\t{_text(row[3])}\t{row[4]}\t"
                            f"{birth}\t{area}\t{area[:6]}\t{row[7]}\t"
                            f"{_bytea(row[8])}\t{_bytea(row[9])}\tf\n"
                        )
                        if national:
                            national_rows.append((row[9], area[:6], pk))
                        if len(lines) == _LINES_PER_WRITE:
                            copy.write("".join(lines).encode("utf-8"))
                            lines.clear()
                    copy.write("".join(lines).encode("utf-8"))
                    del lines
                    # The next chunk is read and encoded here, while the server takes this one's rows.
                    item = next(pending, None)
                heads_total += len(heads)
                if heads:
                    with cursor.copy("COPY people_load_heads FROM STDIN") as copy:
                        for household_id, (county, pk) in heads.items():
                            copy.write_row((household_id, county, pk))
                if national_rows:
                    identity_index_copy(national_rows)
            except (DatabaseError, psycopg.Error) as error:
                # A number registered already, or twice in the file (the unique index refused it).
                raise PersonsLoadRefused(str(error)) from error
            total += len(chunk)
        if rebuilt is not None:
            try:
                staging._person_load_end(cursor, rebuilt)
            except (DatabaseError, psycopg.Error) as error:
                raise PersonsLoadRefused(str(error)) from error
        if total:
            # The first head of each household named with one: the load's first head row, unless a
            # member registered before is a head too (the lowest id, as persons_stage_apply sets it).
            cursor.execute("ANALYZE people_load_heads")
            # Heads of most of the households: their rows rewritten without keeping their indexes row
            # by row, nor the head's key checked per row at COMMIT (as for the persons, above).
            households_rebuilt = staging._table_load_begin(cursor, household, heads_total) if heads_total else None
            cursor.execute(
                f"""UPDATE {household} h SET head_id = f.head_id
                    FROM (SELECT c.household_id, c.county_code, min(c.head_id) AS head_id FROM (
                            SELECT household_id, county_code, head_id FROM people_load_heads
                            UNION ALL
                            SELECT p.household_id, p.county_code, p.id FROM {person} p
                            WHERE p.relation = %s AND p.id < %s
                              AND p.household_id IN (SELECT household_id FROM people_load_heads)) c
                          GROUP BY c.household_id, c.county_code) f
                    WHERE h.id = f.household_id AND h.county_code = f.county_code
                      AND h.head_id IS DISTINCT FROM f.head_id""",
                [head, first_id],
            )
            if households_rebuilt is not None:
                staging._table_load_end(cursor, household, households_rebuilt)
        # Dropped now, not only at COMMIT: a caller's outer transaction may load again before it ends.
        cursor.execute("DROP TABLE people_load_heads")
    audit_record_bulk(
        actor,
        "person.import_bulk",
        "people.person",
        after={"source": source, "new": total, "changed": 0, "unchanged": 0},
    )
    return total
