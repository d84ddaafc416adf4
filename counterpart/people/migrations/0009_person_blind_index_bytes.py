# The identity blind index as 16 raw bytes instead of 64 hexadecimal characters (docs/benchmarks.md,
# "Row widths"). The bytes are the HMAC's first 128 bits, which the first 32 characters of the stored hex
# spell: every row converts from its own value, without the key. Not reversible: the dropped half of the
# digest is gone (a 32-character hex would match no number the earlier code indexes).

from django.db import migrations, models


def _to_bytes(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    table = schema_editor.quote_name(Person._meta.db_table)
    if schema_editor.connection.vendor == "postgresql":
        # One rewrite of the table; the unique index is rebuilt over the new values.
        schema_editor.execute(
            f"ALTER TABLE {table} ALTER COLUMN identity_blind_index TYPE bytea "
            "USING decode(left(identity_blind_index, 32), 'hex')"
        )
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
        rows = [(bytes.fromhex(str(value)[:32]), pk) for pk, value in cursor.fetchall() if isinstance(value, str)]
        cursor.executemany(f"UPDATE {table} SET identity_blind_index = %s WHERE id = %s", rows)


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0008_village_advancement_to_projects'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='person',
                    name='identity_blind_index',
                    field=models.BinaryField(blank=True, editable=False, max_length=16, null=True),
                ),
            ],
            database_operations=[migrations.RunPython(_to_bytes)],
        ),
    ]
