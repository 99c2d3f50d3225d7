"""The zero-sum check of ledger legs runs once per statement, not once per leg.

PostgreSQL: migration 0002's row-level constraint trigger fired for every leg, so twice per
two-legged transaction, and re-summed the transaction each time. It is replaced by an AFTER INSERT
... FOR EACH STATEMENT trigger over the transition table of the inserted legs: one grouped query per
statement checks every transaction the statement touched (all its legs, old and new, add up to
zero; at least two legs). The posting services write all legs of a transaction in one statement
(``_post`` and the set-based ``_post_many``), so the check sees whole transactions; a statement that
leaves any transaction unbalanced fails and the database transaction with it.
SQLite has no transition tables: ``_post_many`` runs the same grouped check at the end of its batch.
"""

from django.db import migrations

PG_UP = """
DROP TRIGGER IF EXISTS ledger_leg_balanced ON ledger_leg;
DROP FUNCTION IF EXISTS lastmile_ledger_txn_balanced();
CREATE OR REPLACE FUNCTION lastmile_ledger_legs_balanced() RETURNS trigger AS $$
DECLARE
    bad record;
BEGIN
    SELECT l.transaction_id AS id, SUM(l.amount) AS total, COUNT(*) AS n INTO bad
      FROM ledger_leg l
     WHERE l.transaction_id IN (SELECT DISTINCT transaction_id FROM new_legs)
     GROUP BY l.transaction_id
    HAVING SUM(l.amount) <> 0 OR COUNT(*) < 2
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger transaction % does not balance (sum %, % legs)', bad.id, bad.total, bad.n
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ledger_legs_balanced AFTER INSERT ON ledger_leg
    REFERENCING NEW TABLE AS new_legs
    FOR EACH STATEMENT EXECUTE FUNCTION lastmile_ledger_legs_balanced();
"""

PG_DOWN = """
DROP TRIGGER IF EXISTS ledger_legs_balanced ON ledger_leg;
DROP FUNCTION IF EXISTS lastmile_ledger_legs_balanced();
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
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP, None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN, None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0006_payment_reports_payee_accounts")]
    operations = [migrations.RunPython(forwards, backwards)]
