"""The database itself guards the ledger.

PostgreSQL: a DEFERRABLE INITIALLY DEFERRED constraint trigger checks, at commit, that the legs
of every transaction touched add up to zero (an unbalanced transaction cannot commit, whoever
writes it), and legs are append-only (UPDATE and DELETE refused).
SQLite has no deferred triggers: the posting service refuses unbalanced transactions and
``lastmile ledger reconcile`` proves it; legs still refuse UPDATE.
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION lastmile_ledger_txn_balanced() RETURNS trigger AS $$
DECLARE
    total numeric;
    n integer;
BEGIN
    SELECT COALESCE(SUM(amount), 0), COUNT(*) INTO total, n
      FROM ledger_leg WHERE transaction_id = NEW.transaction_id;
    IF total <> 0 OR n < 2 THEN
        RAISE EXCEPTION 'ledger transaction % does not balance (sum %, % legs)', NEW.transaction_id, total, n
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE CONSTRAINT TRIGGER ledger_leg_balanced AFTER INSERT ON ledger_leg
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION lastmile_ledger_txn_balanced();

CREATE OR REPLACE FUNCTION lastmile_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ledger_leg_append_only BEFORE UPDATE OR DELETE ON ledger_leg
    FOR EACH ROW EXECUTE FUNCTION lastmile_ledger_append_only();
CREATE TRIGGER ledger_transaction_append_only BEFORE UPDATE OR DELETE ON ledger_transaction
    FOR EACH ROW EXECUTE FUNCTION lastmile_ledger_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS ledger_leg_balanced ON ledger_leg;
DROP TRIGGER IF EXISTS ledger_leg_append_only ON ledger_leg;
DROP TRIGGER IF EXISTS ledger_transaction_append_only ON ledger_transaction;
DROP FUNCTION IF EXISTS lastmile_ledger_txn_balanced();
DROP FUNCTION IF EXISTS lastmile_ledger_append_only();
"""
SQLITE_UP = [
    """CREATE TRIGGER ledger_leg_append_only BEFORE UPDATE ON ledger_leg
       BEGIN SELECT RAISE(ABORT, 'ledger_leg is append-only'); END;""",
    """CREATE TRIGGER ledger_transaction_append_only BEFORE UPDATE ON ledger_transaction
       BEGIN SELECT RAISE(ABORT, 'ledger_transaction is append-only'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS ledger_leg_append_only;",
    "DROP TRIGGER IF EXISTS ledger_transaction_append_only;",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP, None)
    elif vendor == "sqlite":
        for sql in SQLITE_UP:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN, None)
    elif vendor == "sqlite":
        for sql in SQLITE_DOWN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
