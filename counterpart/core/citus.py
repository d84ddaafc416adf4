"""Distribute a migrated PostgreSQL database over a Citus cluster, as docs/scale.md designs it.

``citus_distribute`` runs on the coordinator of a cluster whose workers are added already
(``citus_add_node``). In order:

1. foreign keys that Citus refuses are dropped and remembered: a key is kept only from a distributed
   or local table to a reference table, between reference tables, and between two distributed
   tables as the composite ``(column, county_code) → (id, county_code)``;
2. the generated county columns (projects, ledger transactions) become plain columns holding the
   same values — Citus does not distribute by a generated column;
3. primary keys and unique constraints of the distributed tables gain ``county_code``
   (``(id, county_code)``; a person's blind index is unique per county);
4. ``people_identityindex (blind_index PRIMARY KEY, county_code, person_id)``, distributed by the blind
   index, keeps the national uniqueness of an identity number;
5. ``create_reference_table`` for the small tables, ``create_distributed_table(…, 'county_code',
   colocate_with => 'people_person')`` for the large ones;
6. the foreign keys remembered in 1. are added back where Citus allows them;
7. the ledger's balance trigger reads the shard it fires on (not the distributed table: a nested
   distributed query, which Citus refuses), and identity sequences are moved past their table's
   largest id (Citus restarts those of the tables it turns into Citus local tables).

Each step is idempotent: a second run finds the tables distributed and changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import DatabaseError, connection

from counterpart.core.distribution import DISTRIBUTED_TABLES, DISTRIBUTION_COLUMN

ANCHOR = "people_person"  # every distributed table is co-located with the persons
IDENTITY_INDEX = "people_identityindex"

# Small tables every query reads, replicated to every node (docs/scale.md, "Reference tables").
REFERENCE_TABLES = (
    "auth_user",
    "registry_area",
    "registry_organisation",
    "registry_program",
    "registry_pairing",
    "funds_account",
    "indicators_indicator",
    "indicators_reportedvalue",
    "access_membership",
)


@dataclass
class Distribution:
    """What ``citus_distribute`` did, step by step (printed by ``counterpart distribute``)."""

    reference: list[str] = field(default_factory=list)
    distributed: list[str] = field(default_factory=list)
    keys_widened: list[str] = field(default_factory=list)
    foreign_keys_kept: list[str] = field(default_factory=list)
    foreign_keys_dropped: list[str] = field(default_factory=list)
    generated_made_plain: list[str] = field(default_factory=list)
    identity_index_rows: int = 0
    sequences_moved: list[str] = field(default_factory=list)
    triggers_made_shard_local: list[str] = field(default_factory=list)


def citus_available() -> bool:
    """True when the current database is PostgreSQL with the citus extension created."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_extension WHERE extname = 'citus'")
        (count,) = cursor.fetchone()
    return bool(count)


def distributed_tables() -> list[str]:
    return [apps.get_model(label)._meta.db_table for label in DISTRIBUTED_TABLES]


def _fetch(sql: str, params: list | tuple = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _execute(sql: str, params: list | tuple = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or None)  # without parameters a '%' is the SQL's own


def _citus_kinds() -> dict[str, str]:
    """Table → 'distributed' / 'reference' / 'local' as Citus records it already."""
    rows = _fetch("SELECT table_name::text, citus_table_type FROM citus_tables")
    return {name: kind for name, kind in rows}


@dataclass(frozen=True)
class _ForeignKey:
    name: str
    table: str
    columns: tuple[str, ...]
    target: str
    target_columns: tuple[str, ...]
    definition: str


def _foreign_keys() -> list[_ForeignKey]:
    rows = _fetch(
        """
        SELECT c.conname, c.conrelid::regclass::text, c.confrelid::regclass::text,
               ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i),
               ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
                     JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i),
               pg_get_constraintdef(c.oid)
        FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE c.contype = 'f' AND n.nspname = 'public'
        ORDER BY 2, 1
        """
    )
    return [
        _ForeignKey(name, table, tuple(cols), target, tuple(tcols), d) for name, table, target, cols, tcols, d in rows
    ]


def _kind(table: str, distributed: set[str]) -> str:
    if table in distributed or table == IDENTITY_INDEX:
        return "distributed"
    if table in REFERENCE_TABLES:
        return "reference"
    return "local"


def _drop_refused_foreign_keys(
    result: Distribution, distributed: set[str], already: dict[str, str]
) -> list[_ForeignKey]:
    """Drop every key touching a table about to change kind; return those to add back afterwards."""
    to_restore = []
    for key in _foreign_keys():
        kinds = (_kind(key.table, distributed), _kind(key.target, distributed))
        if kinds == ("local", "local"):
            continue
        # A run that adds a table to a distributed deployment leaves the keys between tables Citus already
        # holds as they are: Citus refuses to alter a Citus local table with an identity column.
        if (already.get(key.table), already.get(key.target)) == kinds:
            continue
        _execute(f'ALTER TABLE "{key.table}" DROP CONSTRAINT "{key.name}"')
        allowed = kinds[1] == "reference" or (kinds == ("distributed", "distributed") and key.target_columns == ("id",))
        if allowed:
            to_restore.append(key)
        else:
            result.foreign_keys_dropped.append(
                f"{key.table}.{','.join(key.columns)} → {key.target} ({kinds[0]} → {kinds[1]})"
            )
    return to_restore


def _make_generated_plain(result: Distribution, tables: list[str]) -> None:
    rows = _fetch(
        "SELECT c.relname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "WHERE c.relname = ANY(%s) AND a.attname = %s AND a.attgenerated = 's'",
        [tables, DISTRIBUTION_COLUMN],
    )
    for (table,) in rows:
        _execute(f'ALTER TABLE "{table}" ALTER COLUMN {DISTRIBUTION_COLUMN} DROP EXPRESSION')
        _execute(f"UPDATE \"{table}\" SET {DISTRIBUTION_COLUMN} = '' WHERE {DISTRIBUTION_COLUMN} IS NULL")
        _execute(f'ALTER TABLE "{table}" ALTER COLUMN {DISTRIBUTION_COLUMN} SET NOT NULL')
        result.generated_made_plain.append(table)


def _widen_unique_keys(result: Distribution, table: str) -> None:
    """Primary key and unique indexes without the distribution column get it appended."""
    rows = _fetch(
        """
        SELECT i.indexrelid::regclass::text, i.indisprimary, con.conname,
               ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts) k),
               pg_get_expr(i.indpred, i.indrelid)
        FROM pg_index i LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.contype IN ('p', 'u')
        WHERE i.indrelid = %s::regclass AND i.indisunique
        """,
        [table],
    )
    for index, primary, constraint, columns, predicate in rows:
        if DISTRIBUTION_COLUMN in columns:
            continue
        widened = ", ".join([*columns, DISTRIBUTION_COLUMN])
        if constraint:
            _execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{constraint}" CASCADE')
        else:
            _execute(f'DROP INDEX "{index}"')
        if primary:
            _execute(f'ALTER TABLE "{table}" ADD PRIMARY KEY ({widened})')
        else:
            where = f" WHERE {predicate}" if predicate else ""
            _execute(f'CREATE UNIQUE INDEX "{index}" ON "{table}" ({widened}){where}')
        result.keys_widened.append(f"{table} ({widened})")


def _identity_index(result: Distribution) -> None:
    _execute(
        f"CREATE TABLE IF NOT EXISTS {IDENTITY_INDEX} (blind_index bytea PRIMARY KEY, "
        "county_code varchar(6) NOT NULL, person_id bigint NOT NULL)"
    )
    _execute(
        f"INSERT INTO {IDENTITY_INDEX} (blind_index, county_code, person_id) "
        "SELECT identity_blind_index, county_code, id FROM people_person WHERE identity_blind_index IS NOT NULL "
        "ON CONFLICT (blind_index) DO NOTHING"
    )
    ((result.identity_index_rows,),) = _fetch(f"SELECT count(*) FROM {IDENTITY_INDEX}")


def _restore_foreign_keys(result: Distribution, keys: list[_ForeignKey], distributed: set[str]) -> None:
    for key in keys:
        if _kind(key.table, distributed) == "distributed" and _kind(key.target, distributed) == "distributed":
            # co-located only on the county: the key names it on both sides, and holds only if the rows agree
            (column,) = key.columns
            ((disagree,),) = _fetch(
                f'SELECT count(*) FROM "{key.table}" s WHERE s."{column}" IS NOT NULL AND NOT EXISTS '
                f'(SELECT 1 FROM "{key.target}" t WHERE t.id = s."{column}" '
                f"AND t.{DISTRIBUTION_COLUMN} = s.{DISTRIBUTION_COLUMN})"
            )
            if disagree:
                result.foreign_keys_dropped.append(
                    f"{key.table}.{column} → {key.target}: {disagree:,} rows in another county than their target"
                )
                continue
            definition = (
                f'FOREIGN KEY ("{column}", {DISTRIBUTION_COLUMN}) '
                f'REFERENCES "{key.target}" (id, {DISTRIBUTION_COLUMN}) DEFERRABLE INITIALLY DEFERRED'
            )
        else:
            definition = key.definition
        try:
            _execute(f'ALTER TABLE "{key.table}" ADD CONSTRAINT "{key.name}" {definition}')
        except DatabaseError as error:  # autocommit: the refusal leaves nothing half-done
            result.foreign_keys_dropped.append(f"{key.table}.{','.join(key.columns)} → {key.target}: {error}".strip())
            continue
        result.foreign_keys_kept.append(f"{key.table}.{','.join(key.columns)} → {key.target}")


def _sequences_caught_up(result: Distribution) -> None:
    """Every identity sequence of a Citus table moved past the table's largest id.

    Citus recreates a table it turns into a Citus local table (every local table with a key to a reference
    table: audit events, sessions, trainings …) with a new identity sequence that starts at 1, so the next
    insert collided with the first row ("duplicate key … core_auditevent_pkey"). Sequences of the other
    tables are left where they were unless behind their table.
    """
    rows = _fetch(
        "SELECT t.table_name::text, a.attname::text, pg_get_serial_sequence(t.table_name::text, a.attname) "
        "FROM citus_tables t JOIN pg_attribute a ON a.attrelid = t.table_name AND a.attidentity <> '' "
        "ORDER BY 1"
    )
    for table, column, sequence in rows:
        if sequence is None:
            continue
        ((largest, current),) = _fetch(
            f'SELECT (SELECT max("{column}") FROM "{table}"), '
            "(SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM " + sequence + ")"
        )
        if largest is not None and largest > current:
            _execute("SELECT setval(%s, %s)", [sequence, largest])
            result.sequences_moved.append(f"{table}.{column}: {current} → {largest}")


# The ledger's balance check (funds migration 0002) sums the transaction's postings by the table's name;
# on a shard that name is the distributed table, a nested distributed query Citus refuses. A
# transaction's postings share its county, so they are all in the shard the trigger fires on: the
# check reads that shard, by the name of the table the trigger fired on.
_SHARD_LOCAL_BALANCE_CHECK = """
CREATE OR REPLACE FUNCTION funds_transaction_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    total bigint;
BEGIN
    EXECUTE format('SELECT COALESCE(SUM(amount_fen), 0) FROM %I.%I WHERE transaction_id = $1',
                   TG_TABLE_SCHEMA, TG_TABLE_NAME)
        INTO total USING NEW.transaction_id;
    IF total <> 0 THEN
        RAISE EXCEPTION 'ledger transaction % is not balanced: postings sum to % fen', NEW.transaction_id, total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$
"""


def _shard_local_triggers(result: Distribution) -> None:
    if _fetch("SELECT 1 FROM pg_proc WHERE proname = 'funds_transaction_balanced'"):
        _execute(_SHARD_LOCAL_BALANCE_CHECK)
        result.triggers_made_shard_local.append("funds_transaction_balanced")


def citus_distribute(*, shard_count: int = 32, progress: Callable[[str], None] = lambda step: None) -> Distribution:
    """Turn the migrated database into the distributed schema of docs/scale.md (see the module's doc)."""
    if not citus_available():
        raise RuntimeError("the citus extension is not created in this database (CREATE EXTENSION citus)")
    result = Distribution()
    tables = distributed_tables()
    already = _citus_kinds()
    distributed = set(tables)
    _execute(f"SET citus.shard_count = {int(shard_count)}")
    # the ledger's triggers (immutable postings, balanced transactions) run on each shard
    _execute("SET citus.enable_unsafe_triggers = on")
    _execute("SET citus.multi_shard_modify_mode = 'sequential'")
    if all(already.get(t) == "distributed" for t in tables):
        progress("already distributed")
        _shard_local_triggers(result)
        _sequences_caught_up(result)
        return result
    progress("foreign keys")
    restore = _drop_refused_foreign_keys(result, distributed, already)
    progress("generated columns")
    _make_generated_plain(result, tables)
    progress("keys")
    for table in tables:
        _widen_unique_keys(result, table)
    progress("triggers")
    _shard_local_triggers(result)
    progress("identity index")
    _identity_index(result)
    for table in REFERENCE_TABLES:
        if already.get(table) != "reference":
            progress(f"reference {table}")
            _execute("SELECT create_reference_table(%s)", [table])
            result.reference.append(table)
    for table in [ANCHOR, *[t for t in tables if t != ANCHOR]]:
        if already.get(table) != "distributed":
            progress(f"distribute {table}")
            colocate = "none" if table == ANCHOR else ANCHOR
            # Rows moved into the shards were checked when they were written: the row triggers (the ledger's
            # balance check, one distributed query per posting) would otherwise run again for every row moved.
            _execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
            _execute(
                "SELECT create_distributed_table(%s, %s, colocate_with => %s)", [table, DISTRIBUTION_COLUMN, colocate]
            )
            _execute(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
            result.distributed.append(table)
    if already.get(IDENTITY_INDEX) != "distributed":
        progress(f"distribute {IDENTITY_INDEX}")
        _execute("SELECT create_distributed_table(%s, 'blind_index')", [IDENTITY_INDEX])
        result.distributed.append(IDENTITY_INDEX)
    progress("foreign keys back")
    _restore_foreign_keys(result, restore, distributed)
    progress("sequences")
    _sequences_caught_up(result)
    return result
