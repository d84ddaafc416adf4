"""Set-based person import: staged rows checked by SQL, then applied in one transaction."""

from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from counterpart.core.audit import Actor, audit_record_bulk
from counterpart.core.errors import InvalidInput
from counterpart.registry.models import Area

from ..identity_index import identity_index_add_staged
from ..models import (
    Household,
    Person,
    Relation,
)
from .checks import areas_check

PERSON_STAGE_COLUMNS = (
    ("row_number", "integer NOT NULL"),
    ("household_number", "text NOT NULL"),
    ("relation", "text NOT NULL"),
    ("name", "text NOT NULL"),
    ("sex", "text NOT NULL"),
    ("birth_date", "date"),
    ("area_code", "text NOT NULL"),
    ("identity_key_id", "text NOT NULL"),
    ("identity_ciphertext", "bytea NOT NULL"),
    ("identity_blind_index", "bytea NOT NULL"),
    ("identity_masked", "text NOT NULL"),
)


@dataclass(frozen=True)
class StagedProblem:
    """A row of the staging table a set-based rule refuses: what the importer reports."""

    row_number: int
    field: str
    value: str
    rule: str


# The staging table is local (on the coordinator, on Citus) and the persons and households are
# distributed by county: every rule and write reads them through a subquery that names the staging
# table only inside ``IN (…)`` — the persons by the file's blind indexes, the households by its
# numbers — and joins persons to their households on the id *and* the county. Citus runs each such
# subquery on the shards and hands its rows to the rest of the statement; a join of the staging table
# to a distributed table on other columns (or a correlated subquery from it) is refused there
# (docs/scale.md, "The run on a Citus cluster"). On plain PostgreSQL the same statements plan as the
# semi-joins they are.


def _households_named(table: str) -> str:
    """The households the file names: number, id, village."""
    household = Household._meta.db_table
    return f"""SELECT h.number, h.id, h.village_id FROM {household} h
               WHERE h.number IN (SELECT household_number FROM {table} WHERE household_number <> '')"""


def _persons_named(table: str) -> str:
    """The persons already registered with the file's numbers, with their household's number."""
    person, household = Person._meta.db_table, Household._meta.db_table
    return f"""SELECT p.identity_blind_index, p.id, p.name, p.relation, p.area_id,
                      COALESCE(h.number, '') AS household_number
               FROM {person} p LEFT JOIN {household} h ON h.id = p.household_id AND h.county_code = p.county_code
               WHERE p.identity_blind_index IN (SELECT identity_blind_index FROM {table})"""


def _stage_sql(table: str) -> dict[str, str]:
    area = Area._meta.db_table
    return {
        "unknown_household": f"""
            SELECT s.row_number, 'household_number', s.household_number FROM {table} s
            LEFT JOIN ({_households_named(table)}) h ON h.number = s.household_number
            WHERE s.household_number <> '' AND h.id IS NULL""",
        "unknown_area": f"""
            SELECT s.row_number, 'area', s.area_code FROM {table} s
            WHERE s.household_number = ''
              AND NOT EXISTS (SELECT 1 FROM {area} a WHERE a.code = s.area_code)""",
        "duplicate": f"""
            SELECT row_number, 'identity_number', identity_masked FROM (
                SELECT row_number, identity_masked,
                       row_number() OVER (PARTITION BY identity_blind_index ORDER BY row_number) AS nth
                FROM {table}) d
            WHERE nth > 1""",
        "moved": f"""
            SELECT s.row_number, 'household_number', s.household_number FROM {table} s
            JOIN ({_persons_named(table)}) p ON p.identity_blind_index = s.identity_blind_index
            WHERE p.household_number <> s.household_number
               OR (s.household_number = '' AND p.area_id <> s.area_code)""",
    }


def persons_stage_problems(table: str, *, limit: int = 1000) -> tuple[list[StagedProblem], int]:
    """The rows the set-based rules refuse (first ``limit`` in row order) and how many there are.

    Rules: a household number must exist; a person outside a household must be in a known area;
    an identity number may appear once in a file; a person already registered may not move to
    another household or area through an import (their name and relation may be corrected).
    """
    queries = _stage_sql(table)
    union = " UNION ALL ".join(f"SELECT q.*, '{name}' FROM ({sql}) q" for name, sql in queries.items())
    with connection.cursor() as cursor:
        # One pass over the rules (the count rides along on each row kept), not one to count and one to list.
        cursor.execute(f"SELECT u.*, count(*) OVER () FROM ({union}) u ORDER BY 1 LIMIT %s", [limit])
        found = cursor.fetchall()
    problems = [StagedProblem(row, field, value, rule) for row, field, value, rule, _total in found]
    return problems, found[0][4] if found else 0


def persons_stage_messages() -> dict[str, str]:
    """What each set-based rule's refusal says, in the active language."""
    return {
        "unknown_household": _("没有该户编号的贫困户"),
        "unknown_area": _("没有该行政区划"),
        "duplicate": _("该身份证号码与文件中前面的某一行重复"),
        "moved": _("已登记人员的所在户或所在地不能通过导入修改"),
    }


def persons_stage_classify(table: str) -> tuple[int, int, int]:
    """(new, changed, unchanged) rows of a checked staging table, by identity number."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT count(*) FILTER (WHERE p.id IS NULL),
                       count(*) FILTER (WHERE p.id IS NOT NULL AND (p.name, p.relation) <> (s.name, s.relation)),
                       count(*) FILTER (WHERE p.id IS NOT NULL AND (p.name, p.relation) = (s.name, s.relation))
                FROM {table} s
                LEFT JOIN ({_persons_named(table)}) p ON p.identity_blind_index = s.identity_blind_index"""
        )
        new, changed, unchanged = cursor.fetchone()
    return new, changed, unchanged


# A load at least as large as the table it goes into is written the way pg_restore writes one:
# the secondary indexes are dropped and rebuilt once, sorted, and the two foreign keys are dropped
# and added back, which checks every row in one join instead of two deferred triggers per row at
# COMMIT. All of it is in the load's transaction, which holds people_person exclusively from the
# first DROP to the COMMIT: no other session ever sees the table without its indexes or its
# constraints, adding a key back fails (and rolls the load back) if a row has no referenced row,
# and a rollback or a kill restores everything. A smaller load keeps the table readable and pays
# per row instead.
PERSON_LOAD_REBUILD_MIN_ROWS = 10_000


def _person_load_begin(cursor: Any, new: int) -> tuple[list[str], list[tuple[str, str]]] | None:
    """Drop people_person's secondary indexes and foreign keys for a large load; what to restore."""
    return _table_load_begin(cursor, Person._meta.db_table, new)


def _person_load_end(cursor: Any, rebuilt: tuple[list[str], list[tuple[str, str]]]) -> None:
    _table_load_end(cursor, Person._meta.db_table, rebuilt)


def _table_load_begin(cursor: Any, table: str, rows: int) -> tuple[list[str], list[tuple[str, str]]] | None:
    """Drop ``table``'s secondary indexes and foreign keys when ``rows`` written is at least the table's
    size (and PERSON_LOAD_REBUILD_MIN_ROWS); what to restore, or None (nothing dropped)."""
    cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # at least the row count, from the key's index
    if rows < max(PERSON_LOAD_REBUILD_MIN_ROWS, cursor.fetchone()[0]):
        return None
    cursor.execute(
        """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
           WHERE i.indrelid = %s::regclass
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
           ORDER BY 1""",
        [table],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
           WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname""",
        [table],
    )
    keys = cursor.fetchall()
    try:
        # Fails on "pending trigger events" when this transaction already wrote the table's rows
        # (deferred checks queued): then the load takes the per-row path.
        with transaction.atomic():
            for name, _definition in keys:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {name}")
    except DatabaseError:
        return None
    return [definition for _name, definition in indexes], keys


def _table_load_end(cursor: Any, table: str, rebuilt: tuple[list[str], list[tuple[str, str]]]) -> None:
    indexes, keys = rebuilt
    for definition in indexes:
        cursor.execute(definition)
    if keys:
        cursor.execute(
            f"ALTER TABLE {table} " + ", ".join(f'ADD CONSTRAINT "{name}" {definition}' for name, definition in keys)
        )


def persons_stage_apply(*, actor: Actor, table: str, source: str) -> tuple[int, int, int]:
    """Write a checked staging table: register the new persons, correct the changed ones.

    Must run inside the caller's transaction (all or nothing with the batch that loaded it) after
    ``persons_stage_problems`` found nothing. Returns (new, changed, unchanged). Heads of
    households named in the file become their household's head; one audit event for the load.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("persons_stage_apply must run inside transaction.atomic()")
    person, household = Person._meta.db_table, Household._meta.db_table
    with connection.cursor() as cursor:
        # Other writers of persons wait until this load commits, so the classification holds.
        cursor.execute(f"LOCK TABLE {person} IN SHARE ROW EXCLUSIVE MODE")
        # The load sorts and hashes a million rows at once: let it do so in memory, for this transaction.
        cursor.execute("SET LOCAL work_mem = '256MB'")
    if not actor.is_system:  # a system process may load anywhere: no need to read the areas
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT DISTINCT COALESCE(h.village_id, s.area_code) FROM {table} s
                    LEFT JOIN ({_households_named(table)}) h ON h.number = s.household_number"""
            )
            areas_check(
                actor=actor,
                verb="persons_stage_apply",
                areas=[code for (code,) in cursor.fetchall()],
                field="area_code",
            )
    new, changed, unchanged = persons_stage_classify(table)
    with connection.cursor() as cursor:
        rebuilt = _person_load_begin(cursor, new) if new else None
        # "Not registered yet" as NOT IN over the registered numbers (hashed once), not as a LEFT JOIN …
        # IS NULL: the planner estimated that anti-join at one row (every staged number assumed to
        # match) and then probed the households once per staged row through a semi-join rescanning the
        # staging table — 20,000 rows into a table of 100,000 took 40 to 100 s instead of about one.
        cursor.execute(
            f"""INSERT INTO {person} (household_id, relation, name, sex, birth_date, area_id, county_code,
                                      identity_key_id, identity_ciphertext, identity_blind_index, is_illustrative)
                SELECT h.id, s.relation, s.name, s.sex, s.birth_date, COALESCE(h.village_id, s.area_code),
                       left(COALESCE(h.village_id, s.area_code), 6), s.identity_key_id, s.identity_ciphertext,
                       s.identity_blind_index, false
                FROM {table} s LEFT JOIN ({_households_named(table)}) h ON h.number = s.household_number
                WHERE s.identity_blind_index NOT IN (
                    SELECT p.identity_blind_index FROM {person} p
                    WHERE p.identity_blind_index IN (SELECT identity_blind_index FROM {table}))
                ORDER BY s.row_number"""
        )
        inserted = cursor.rowcount
        if rebuilt is not None:
            _person_load_end(cursor, rebuilt)
        if inserted >= PERSON_LOAD_REBUILD_MIN_ROWS:
            # Plan the head update by the table as it now is: with the statistics of the table before
            # the load it walks the primary key for each household (ORDER BY id LIMIT 1), which for a
            # million new rows takes hours instead of seconds.
            cursor.execute(f"ANALYZE {person}")
        cursor.execute(
            f"""UPDATE {person} p SET name = s.name, relation = s.relation FROM {table} s
                WHERE p.identity_blind_index = s.identity_blind_index
                  AND (p.name, p.relation) <> (s.name, s.relation)"""
        )
        updated = cursor.rowcount
        # The first head of each household named with one (the file's head rows are now persons of it with
        # that relation, so each such household has one), in one grouped pass instead of a subquery per
        # household; matched on the household's id and county, so on Citus each group is in one shard.
        cursor.execute(
            f"""UPDATE {household} h SET head_id = f.head_id
                FROM (SELECT p.household_id, p.county_code, min(p.id) AS head_id FROM {person} p
                      WHERE p.relation = %s
                        AND p.household_id IN (
                            SELECT id FROM {household}
                            WHERE number IN (SELECT household_number FROM {table} WHERE relation = %s))
                      GROUP BY p.household_id, p.county_code) f
                WHERE h.id = f.household_id AND h.county_code = f.county_code
                  AND h.head_id IS DISTINCT FROM f.head_id""",
            [Relation.HEAD.value, Relation.HEAD.value],
        )
        try:
            with transaction.atomic():
                identity_index_add_staged(table)  # on Citus: the new numbers' national index rows
        except IntegrityError:
            # A number of the file registered meanwhile in another county (the index's key refused it).
            raise InvalidInput("identity_number", "", _("导入期间人员登记发生了变化，请重新导入")) from None
    if (inserted, updated) != (new, changed):
        # Another session registered or changed some of these persons since they were classified.
        raise InvalidInput("identity_number", "", _("导入期间人员登记发生了变化，请重新导入"))
    audit_record_bulk(
        actor,
        "person.import_bulk",
        "people.person",
        after={"source": source, "new": new, "changed": changed, "unchanged": unchanged},
    )
    return new, changed, unchanged
