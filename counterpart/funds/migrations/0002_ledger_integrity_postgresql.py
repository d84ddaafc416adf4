"""The database itself guards the ledger on PostgreSQL (the production engine):

- posted transactions and postings are append-only: UPDATE and DELETE raise;
- every transaction's postings sum to zero, checked at COMMIT by a deferred constraint trigger,
  so a transaction is inserted posting by posting yet can never be committed unbalanced.

TRUNCATE (test teardown, restore into an empty database) is statement-level and not refused.
SQLite, the embedded engine, relies on the domain services for the same rules.
"""

from django.db import migrations

POSTGRESQL_FORWARD = """
CREATE OR REPLACE FUNCTION funds_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are immutable: % on % refused; post a reversal instead', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER funds_ledgertransaction_immutable BEFORE UPDATE OR DELETE ON funds_ledgertransaction
    FOR EACH ROW EXECUTE FUNCTION funds_refuse_change();
CREATE TRIGGER funds_posting_immutable BEFORE UPDATE OR DELETE ON funds_posting
    FOR EACH ROW EXECUTE FUNCTION funds_refuse_change();

CREATE OR REPLACE FUNCTION funds_transaction_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    total bigint;
BEGIN
    SELECT COALESCE(SUM(amount_fen), 0) INTO total FROM funds_posting WHERE transaction_id = NEW.transaction_id;
    IF total <> 0 THEN
        RAISE EXCEPTION 'ledger transaction % is not balanced: postings sum to % fen', NEW.transaction_id, total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER funds_posting_balanced AFTER INSERT ON funds_posting
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION funds_transaction_balanced();
"""

POSTGRESQL_BACKWARD = """
DROP TRIGGER IF EXISTS funds_posting_balanced ON funds_posting;
DROP FUNCTION IF EXISTS funds_transaction_balanced();
DROP TRIGGER IF EXISTS funds_posting_immutable ON funds_posting;
DROP TRIGGER IF EXISTS funds_ledgertransaction_immutable ON funds_ledgertransaction;
DROP FUNCTION IF EXISTS funds_refuse_change();
"""


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_FORWARD, params=None)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_initial")]
    operations = [migrations.RunPython(forward, backward, elidable=False)]
