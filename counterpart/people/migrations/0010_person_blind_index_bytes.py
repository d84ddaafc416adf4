# The identity blind index as 16 raw bytes instead of 64 hexadecimal characters (docs/benchmarks.md,
# "Row widths"). The bytes are the HMAC's first 128 bits, which the first 32 characters of the stored hex
# spell: every row converts from its own value, without the key. Not reversible: the dropped half of the
# digest is gone (a 32-character hex would match no number the earlier code indexes).

from django.db import migrations, models

# The conversion of one stored value, in SQL (PostgreSQL) and in Python (elsewhere).
HEX_TO_BYTES_SQL = "decode(left(identity_blind_index, 32), 'hex')"


def hex_to_bytes(value: str) -> bytes:
    return bytes.fromhex(value[:32])


def _to_bytes(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    table = schema_editor.quote_name(Person._meta.db_table)
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('people_identityindex') IS NOT NULL")
            (national,) = cursor.fetchone()
        if national:
            # A Citus database after ``counterpart distribute``: the national index is distributed by
            # the blind index, a column Citus does not retype; it is built again from the persons.
            schema_editor.execute("DROP TABLE people_identityindex")
        # One rewrite of the table; the unique index is rebuilt over the new values.
        schema_editor.execute(
            f"ALTER TABLE {table} ALTER COLUMN identity_blind_index TYPE bytea USING {HEX_TO_BYTES_SQL}"
        )
        if national:
            schema_editor.execute(
                "CREATE TABLE people_identityindex (blind_index bytea PRIMARY KEY, "
                "county_code varchar(6) NOT NULL, person_id bigint NOT NULL)"
            )
            schema_editor.execute(
                "INSERT INTO people_identityindex (blind_index, county_code, person_id) SELECT "
                f"identity_blind_index, county_code, id FROM {table} WHERE identity_blind_index IS NOT NULL"
            )
            schema_editor.execute("SELECT create_distributed_table('people_identityindex', 'blind_index')")
        return
    old = models.CharField(max_length=64, null=True, blank=True, editable=False)
    old.set_attributes_from_name("identity_blind_index")
    old.model = Person
    new = models.BinaryField(max_length=16, null=True, blank=True, editable=False)
    new.set_attributes_from_name("identity_blind_index")
    new.model = Person
    schema_editor.alter_field(Person, old, new)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, identity_blind_index FROM {table} WHERE identity_blind_index IS NOT NULL")
        rows = [(hex_to_bytes(value), pk) for pk, value in cursor.fetchall() if isinstance(value, str)]
        cursor.executemany(f"UPDATE {table} SET identity_blind_index = %s WHERE id = %s", rows)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0009_first_reach_summary"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="person",
                    name="identity_blind_index",
                    field=models.BinaryField(blank=True, editable=False, max_length=16, null=True),
                ),
            ],
            database_operations=[migrations.RunPython(_to_bytes)],
        ),
    ]
